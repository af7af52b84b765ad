"""Placeholders readers can see: an ``XXX`` or ``TODO`` left in a page is shown as such
instead of being published as if it were text.

A transform, run as each document is read, puts every paragraph that opens with a placeholder
("XXX Describe the base URL") into a generic admonition (class ``docscenter-placeholder``,
styled by docscenter.css) titled "To be written"; the marker is dropped (the box says it).
A placeholder elsewhere (inside a written sentence, in a section title, a term) is outlined
in place (class ``docscenter-placeholder-mark``): the text around it is written. Literal
text (code, literal blocks, inline literals, comments, raw content, math, endpoint
signatures) is never touched: ``XXX`` there is an example, not a placeholder — the same
rule the check counts placeholders by (:mod:`docscenter.core.rst_scan`). Release builds
refuse placeholders altogether (:mod:`docscenter.core.rules.release`).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from ..core.rst_scan import PLACEHOLDER

BOX_CLASS = "docscenter-placeholder"
MARK_CLASS = "docscenter-placeholder-mark"
TITLE = "To be written"
# The marker opening a paragraph, with what separates it from the text ("XXX: ", "TODO - ").
_LEADING_MARKER = re.compile(r"^\s*(?:XXX|TODO)\b[\s:\-\u2013\u2014]*")
# Nodes whose text is literal: nothing in them is a placeholder.
_LITERAL = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment, nodes.math,
            nodes.substitution_definition, nodes.option_string, addnodes.desc_signature)


def _is_literal(node: nodes.Node) -> bool:
    current: nodes.Node | None = node.parent
    while current is not None:
        if isinstance(current, _LITERAL):
            return True
        current = current.parent
    return False


def _opening(paragraph: nodes.paragraph) -> nodes.Text | None:
    """The paragraph's first text when it opens with a placeholder (it stands for the
    paragraph), else None."""
    first = next(iter(paragraph.findall(nodes.Text)), None)
    if first is None or first.parent is not paragraph or not _LEADING_MARKER.match(first):
        return None
    return first


def box(paragraph: nodes.paragraph, first: nodes.Text) -> nodes.admonition:
    """``paragraph``, whose ``first`` text opens with a placeholder, in a "To be written"
    box; the marker is dropped."""
    marker = _LEADING_MARKER.match(first)
    assert marker is not None
    rest = str(first)[marker.end():]
    paragraph.replace(first, nodes.Text(rest[:1].upper() + rest[1:]))
    admonition = nodes.admonition("", classes=[BOX_CLASS])
    admonition.source, admonition.line = paragraph.source, paragraph.line
    admonition += nodes.title(TITLE, TITLE)
    paragraph.replace_self(admonition)
    admonition += paragraph
    return admonition


def mark(text: nodes.Text) -> None:
    """The placeholders of ``text`` marked in place (where no box can go)."""
    pieces: list[nodes.Node] = []
    last = 0
    value = str(text)
    for match in PLACEHOLDER.finditer(value):
        if match.start() > last:
            pieces.append(nodes.Text(value[last:match.start()]))
        pieces.append(nodes.inline(match[0], match[0], classes=[MARK_CLASS]))
        last = match.end()
    if last < len(value):
        pieces.append(nodes.Text(value[last:]))
    parent = text.parent
    index = parent.index(text)
    parent[index:index + 1] = pieces


class PlaceholderBoxes(SphinxTransform):
    """Every placeholder of the document in a box, or marked where no box fits."""

    default_priority = 500  # after substitutions (220): their text is the page's too

    def apply(self, **kwargs: object) -> None:
        # Paragraphs that a placeholder opens go into boxes first; then every placeholder
        # left (later in a text, in a title...) is outlined where it is.
        for paragraph in list(self.document.findall(nodes.paragraph)):
            first = _opening(paragraph)
            if first is not None and not _is_literal(first):
                box(paragraph, first)
        for text in [text for text in self.document.findall(nodes.Text)
                     if PLACEHOLDER.search(text) and not _is_literal(text)]:
            mark(text)


def setup_placeholders(app: Sphinx) -> None:
    """Register the transform with Sphinx."""
    app.add_transform(PlaceholderBoxes)
