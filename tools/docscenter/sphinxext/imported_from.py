"""Under the title of a page imported from the wiki, one line naming the wiki page it came
from by its full title, linked to it: "Imported from the wiki page Services/Accounts/API."

Imported pages are titled by the end of their wiki title (see
:mod:`docscenter.wiki.page_titles`); the full title is in the provenance comment the importer
writes at the top of the stub (see :mod:`docscenter.core.provenance`), which the page's
doctree keeps as a comment node. A transform reads it there as the page is read, so the line
always says what the provenance says, also on a page a writer has edited since.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from ..core.provenance import MARKER

NOTE_CLASS = "docscenter-imported-from"
_FIELD = re.compile(r"^(\w+): (.*)$")
_COMMENT = MARKER.removeprefix("..").strip()


def provenance_fields(document: nodes.document) -> dict[str, str] | None:
    """The fields of the page's provenance comment (before its first section), if any."""
    for node in document.children:
        if isinstance(node, nodes.section):
            return None
        if isinstance(node, nodes.comment):
            lines = node.astext().split("\n")
            if lines[0].strip() == _COMMENT:
                return {m[1]: m[2].strip() for line in lines[1:]
                        if (m := _FIELD.match(line.strip()))}
    return None


def note(title: str, url: str) -> nodes.paragraph:
    """The line itself; the title is linked only to a web address (the comment is text a
    writer can edit, so any other scheme stays text)."""
    line = nodes.paragraph(classes=[NOTE_CLASS])
    line += nodes.Text("Imported from the wiki page ")
    if urlsplit(url).scheme in ("http", "https") and not any(c.isspace() for c in url):
        line += nodes.reference(title, title, refuri=url)
    else:
        line += nodes.Text(f"“{title}”")
    line += nodes.Text(".")
    return line


class ImportedFrom(SphinxTransform):
    """The line under the title of every page with a provenance comment."""

    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        fields = provenance_fields(self.document)
        section = next(iter(self.document.findall(nodes.section)), None)
        if not fields or not fields.get("title") or section is None:
            return
        if not section.children or not isinstance(section[0], nodes.title):
            return
        section.insert(1, note(" ".join(fields["title"].split()), fields.get("source", "")))


def setup_imported_from(app: Sphinx) -> None:
    """Register the transform with Sphinx."""
    app.add_transform(ImportedFrom)
