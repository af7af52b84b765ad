"""Tooling for docscenter's own test suite and benchmarks (not used by the command line).

- :mod:`.corpus` finds the shared corpus of real wiki content;
- :mod:`.mediawiki` installs and fills a real MediaWiki (the reference renderer), and
  :mod:`.wiki_server` serves and stops it;
- :mod:`.dumps` writes small Special:Export dumps;
- :mod:`.fidelity` compares what MediaWiki and docscenter show readers of the same page;
- :mod:`.fidelity_run` renders pages with each renderer and collects the comparisons;
  :mod:`.fidelity_report` prints them and holds the targets.
"""
