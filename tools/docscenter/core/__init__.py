"""The center model: what a documentation center is, independent of any front end.

The command line (:mod:`docscenter.cli`) and the Sphinx extension (:mod:`docscenter.sphinxext`)
are adapters over this package; it imports neither of them, nor click, Sphinx or docutils.
"""
