"""Imported wiki pages show their text as the wiki did.

Sphinx's smart quotes turn ``It's`` into ``It’s``, ``"x"`` into ``“x”``, ``--`` into ``–`` and
``...`` into ``…``. On a page the importer wrote that changes what the wiki's authors typed
(code written in prose, ``alert("x")``, command lines with ``--option``), so a page starting
with the importer's provenance header (``.. docscenter-import``, kept when a writer edits the
stub, since its text still came from the wiki) is read without them. The center's own pages
keep the setting the project chose.

Wiki table rows need not have the same number of cells; reST tables are rectangular. The
converter fills the slots a wiki row leaves empty with a cell holding only an empty comment
(``..``), and :class:`DropRowPadding` takes such cells off the end of each row, so a row
shows the cells the wiki gave it.
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
        # A stub's header comes before all else (the field list of its categories may
        # have been moved before it, as the document's docinfo).
        if not isinstance(child, nodes.target | nodes.docinfo):
            return False
    return False


class KeepWikiQuotes(SphinxTransform):
    """Before Sphinx's smart quotes (priority 750): none on imported pages."""

    default_priority = 740

    def apply(self, **kwargs: Any) -> None:
        if is_imported(self.document):
            # Sphinx skips every text node under an element saying so (is_smartquotable).
            self.document["support_smartquotes"] = False


def _is_padding(entry: nodes.Node) -> bool:
    return (isinstance(entry, nodes.entry) and len(entry.children) == 1
            and isinstance(entry[0], nodes.comment) and not entry[0].astext())


class DropRowPadding(SphinxTransform):
    """Cells holding only an empty comment, at the end of a row of an imported page: gone."""

    default_priority = 741

    def apply(self, **kwargs: Any) -> None:
        if not is_imported(self.document):
            return
        for row in list(self.document.findall(nodes.row)):
            while row.children and _is_padding(row.children[-1]):
                row.remove(row.children[-1])


def setup_imported(app: Sphinx) -> None:
    app.add_transform(KeepWikiQuotes)
    app.add_transform(DropRowPadding)
