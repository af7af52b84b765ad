"""Bounds on what one page may make, so that no wiki page can exhaust the converter or the
build: nesting (the converter and docutils recurse once per level, Sphinx pickles a doctree
recursively), list depth, and headings (each one's label costs the build a parse of its own).

Measured on this machine: 32 nested tables build, 40 exhaust Sphinx's recursion while it
pickles the doctree between parallel readers; 8,000 labelled headings on one page take the
build from 6 to 42 seconds, growing faster than the page (50,000 would take many minutes).
"""

from __future__ import annotations

#: Blocks inside blocks (cells, quotes, boxes, list items, footnotes) the converter opens;
#: a page nested deeper is kept as its wiki text, as a literal block.
MAX_NESTING = 20
#: List markers that count ("****" is four levels); deeper items stay at the deepest level.
MAX_LIST_DEPTH = 12
#: Headings per page that become sections (or rubrics) with a label; later ones are bold
#: paragraphs, and other pages link to the page rather than to those sections.
MAX_HEADINGS = 1000


class NestingTooDeep(Exception):
    """A page nests blocks deeper than :data:`MAX_NESTING`."""
