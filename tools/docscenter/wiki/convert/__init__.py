"""Wikitext -> reST, without I/O: the converter.

``convert_page`` and ``convert_fragment`` are its interface; ``options`` (one level up, so the
import manifest can read it without loading the parser) says what it is told and returns.

Inside, data flows one way: :mod:`.parsing` cleans and parses the text, :mod:`.endpoints`
takes the HTTP endpoints described in prose out first, and :mod:`.walker` walks the nodes
line by line. Every construct is converted by one handler listed in :mod:`.handlers`, by node
type, tag name, template rule kind or parser function name; each handler gets the page's
:class:`.context.Context`, through which it converts what the construct holds. The family
modules: :mod:`.formatting` (text, styles, code spans), :mod:`.layout` (quotes, containers,
rules), :mod:`.headings`, :mod:`.lists`, :mod:`.links`, :mod:`.images`, :mod:`.code`,
:mod:`.wiki_tables` (reading wiki tables; :mod:`.rst_tables` writes reST ones),
:mod:`.references` (footnotes), :mod:`.templates`, :mod:`.parser_functions`. Inline results
are tokens (:mod:`.inline`), blocks are reST lines (:func:`docscenter.rst.join_blocks`).
"""

from ..options import (
    DEFAULT_INTERWIKI,
    DEFAULT_TEMPLATES,
    ConvertedPage,
    ConvertOptions,
    PageRef,
    TemplateRule,
)
from ..titles import next_anchor, normalise_title, section_label
from .limits import MAX_HEADINGS
from .page import convert_fragment, convert_page, heading_anchors
from .parsing import LITERAL_SPANS
from .transclusion import transcluded_titles

__all__ = [
    "DEFAULT_INTERWIKI",
    "DEFAULT_TEMPLATES",
    "LITERAL_SPANS",
    "MAX_HEADINGS",
    "ConvertOptions",
    "ConvertedPage",
    "PageRef",
    "TemplateRule",
    "convert_fragment",
    "convert_page",
    "heading_anchors",
    "next_anchor",
    "normalise_title",
    "section_label",
    "transcluded_titles",
]
