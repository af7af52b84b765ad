"""docscenter: generate and maintain Sphinx documentation centers.

Used as a Sphinx extension (``extensions = ["docscenter"]``) and as the ``docscenter``
command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["__version__", "setup"]

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point; imported lazily so the command line starts fast."""
    from .sphinxext import setup_extension

    return setup_extension(app)
