"""docscenter's version (a leaf module: the extension and the command line read it without
importing the package's entry point)."""

__version__ = "0.1.0"
