"""Tooling for docscenter's own test suite and benchmarks (not used by the command line).

- :mod:`.corpus` finds the shared corpus of real wiki content;
- :mod:`.mediawiki` installs, fills, serves and stops a real MediaWiki (the reference
  renderer);
- :mod:`.fidelity` compares what MediaWiki and docscenter show readers of the same page;
- :mod:`.fidelity_run` renders pages both ways and collects the comparisons.
"""
