from docscenter.cli import main

main()
