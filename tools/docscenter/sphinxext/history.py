"""(Being written.)"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup_history(app: Sphinx) -> None:
    """Register this component with Sphinx."""
