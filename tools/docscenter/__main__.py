from docscenter.cli import main

main(prog_name="docscenter")
