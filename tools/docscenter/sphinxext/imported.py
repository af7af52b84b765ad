"""Imported wiki pages show their text as the wiki did.

Sphinx's smart quotes turn ``It's`` into ``It’s``, ``"x"`` into ``“x”``, ``--`` into ``–`` and
``...`` into ``…``. On a page the importer wrote that changes what the wiki's authors typed
(code written in prose, ``alert("x")``, command lines with ``--option``), so a page starting
with the importer's provenance header (``.. docscenter-import``, kept when a writer edits the
stub, since its text still came from the wiki) is read without them. The center's own pages
keep the setting the project chose.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from ..core.provenance import MARKER

_MARKER_TEXT = MARKER.removeprefix(".. ")


def is_imported(document: nodes.document) -> bool:
    """True when the document starts with the importer's provenance comment."""
    for child in document.children:
        if isinstance(child, nodes.comment):
            return child.astext().startswith(_MARKER_TEXT)
        if not isinstance(child, nodes.target):  # a stub's header comes before all else
            return False
    return False


class KeepWikiQuotes(SphinxTransform):
    """Before Sphinx's smart quotes (priority 750): none on imported pages."""

    default_priority = 740

    def apply(self, **kwargs: Any) -> None:
        if is_imported(self.document):
            # Sphinx skips every text node under an element saying so (is_smartquotable).
            self.document["support_smartquotes"] = False


def setup_imported(app: Sphinx) -> None:
    app.add_transform(KeepWikiQuotes)
