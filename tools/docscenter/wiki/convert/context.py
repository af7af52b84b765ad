"""One page conversion: what the converter was told, what it learnt so far, and the handler
table every node goes through.

Every handler gets the :class:`Context` and converts what a construct holds (a cell, a list
item, a template parameter) through it: ``ctx.blocks(nodes)``, ``ctx.line_blocks(nodes)``,
``ctx.tokens(nodes, styles)``. The context dispatches nodes by type and tags by name through
:class:`Handlers`, the table :mod:`.handlers` fills in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mwparserfromhell.nodes import Node, Tag, Template
from mwparserfromhell.wikicode import Wikicode

from ...rst import Block
from ..options import ConvertOptions, TemplateRule
from ..titles import template_key
from .inline import NO_STYLE, Styles, Token, paragraph
from .limits import MAX_NESTING, NestingTooDeep
from .plain_paragraphs import plain_paragraph
from .wikinodes import plain_text, tag_name, template_name

# A simple table taken out of the text before parsing (see wiki_tables.lift_tables):
# (caption, rows of (is header, raw cell wikitext)).
SplitTable = tuple[str | None, list[list[tuple[bool, str]]]]

# Handler signatures. A node-type handler also gets the node after it on the same line, if
# any (a wiki link takes the letters that follow it: MediaWiki's link trail).
InlineNodeHandler = Callable[[Any, "Context", Styles, Node | None], list[Token]]
InlineTagHandler = Callable[[Tag, "Context", Styles], list[Token]]
BlockNodeHandler = Callable[[Any, "Context"], list[Block]]
BlockTagHandler = Callable[[Tag, "Context"], list[Block]]
# A template handler gets the template, its key ("Note box") and the rule the key maps to.
InlineTemplateHandler = Callable[[Template, str, TemplateRule, "Context", Styles], list[Token]]
BlockTemplateHandler = Callable[[Template, str, TemplateRule, "Context"], list[Block]]
# A parser function gets its argument ("{{lc:ARG|...}}") and parameters, and returns the
# wikitext it yields, or None when it cannot be evaluated here (it then stays visible).
ParserFunction = Callable[[str, list[str], "Context"], str | None]
Variable = Callable[["Context"], str]
Walk = Callable[[Iterable[Node], "Context", bool], list[Block]]
LineWalk = Callable[[list[Node], "Context"], list[Block]]


@dataclass(frozen=True)
class Handlers:
    """The converter's handler table: which function converts which construct."""

    walk: Walk  # a node list -> blocks, line by line (walker.walk)
    walk_line: LineWalk  # the nodes of one line (a list item) -> blocks
    inline_nodes: Mapping[type[Node], InlineNodeHandler]  # by node type, except tags
    inline_tags: Mapping[str, InlineTagHandler]  # by lower-case tag name
    unknown_tag: InlineTagHandler  # any other tag
    block_nodes: Mapping[type[Node], BlockNodeHandler]  # nodes that make blocks, except tags
    block_tags: Mapping[str, BlockTagHandler]  # tags that make blocks
    # Inline tags that make blocks where they span lines of block markup (walker.starts_block)
    spanning_tags: Mapping[str, BlockTagHandler]
    inline_templates: Mapping[str, InlineTemplateHandler]  # by TemplateRule.kind
    block_templates: Mapping[str, BlockTemplateHandler]  # by TemplateRule.kind
    parser_functions: Mapping[str, ParserFunction]  # by lower-case name: "#if", "lc"
    variables: Mapping[str, Variable]  # by upper-case name: "PAGENAME", "!"


@dataclass
class Footnote:
    """A ``<ref>`` of the page: its label, its text once known, whether it was written."""

    label: str
    body: Wikicode | None = None
    emitted: bool = False


_GLOSSARY = re.compile(r"\b(glossary|definitions|terminology)\b", re.I)


class Context:
    """Mutable state of one page conversion, and the dispatch through the handler table."""

    def __init__(self, options: ConvertOptions, title: str, anchors: frozenset[str],
                 handlers: Handlers, lifted: list[SplitTable] | None = None) -> None:
        self.options = options
        self.handlers = handlers
        self.title = title
        self.display_title: str | None = None
        self.anchors = anchors  # the page's own heading anchors
        self.lifted = lifted or []  # simple tables lifted out before parsing
        self.categories: list[str] = []
        self.unknown: Counter[str] = Counter()  # unknown templates, by name
        self.glossary: list[tuple[str, str]] = []  # (term, definition reST)
        self.images: list[str] = []
        self.warnings: list[str] = []
        self.seen_anchors: Counter[str] = Counter()
        self.labels: set[str] = {options.label}
        self.heading_stack: list[tuple[int, str]] = []  # (level, text) of open sections
        self.footnotes: dict[str, Footnote] = {}
        self.anon_refs = 0
        self.link_numbers = 0  # bracketed external links without a text, numbered so far
        self.transcluded = 0  # characters of other pages' text transcluded so far
        self.endpoint_sources: list[str] = []  # the page text each endpoint directive took
        self.same_page_refs: list[tuple[str, str, str]] = []  # (role, label, text)
        self.templates = {template_key(k): v for k, v in options.templates.items()}
        self.interwiki = {k.lower(): v for k, v in options.interwiki.items()}
        self.writing_footnotes = False  # a <references/> inside a footnote adds nothing
        # True while a block handler runs on the page's own level (see walker): a container
        # there (a <div>) may open sections.
        self.top_level = False
        self.depth = 0  # blocks inside blocks (see nesting)
        self.headings = 0  # headings converted so far (see limits.MAX_HEADINGS)

    @property
    def in_glossary(self) -> bool:
        """True inside a Glossary, Definitions or Terminology section."""
        return any(_GLOSSARY.search(text) for _, text in self.heading_stack)

    # -- dispatch ---------------------------------------------------------------------------

    def blocks(self, nodes: Iterable[Node], nested: bool = True) -> list[Block]:
        """Blocks of a node list; ``nested`` (a cell, an item, a box) opens no sections. A
        container on the page's own level (a ``<div>``) is a level deeper all the same."""
        with self.nesting():
            return self.handlers.walk(nodes, self, nested)

    def line_blocks(self, nodes: list[Node]) -> list[Block]:
        """Blocks of the nodes of one line (a list item may hold a table or a box)."""
        with self.nesting():
            return self.handlers.walk_line(nodes, self)

    @contextmanager
    def nesting(self) -> Iterator[None]:
        """One level deeper; past :data:`.limits.MAX_NESTING` the page is too deep."""
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise NestingTooDeep(f"blocks nested more than {MAX_NESTING} deep")
            yield
        finally:
            self.depth -= 1

    def block(self, node: Node) -> list[Block]:
        """Blocks of one node the walker found to make blocks (see walker.starts_block)."""
        if isinstance(node, Tag):
            name = tag_name(node)
            handler = self.handlers.block_tags.get(name) or self.handlers.spanning_tags[name]
            return handler(node, self)
        return self.handlers.block_nodes[type(node)](node, self)

    def tokens(self, nodes: Iterable[Node], styles: Styles = NO_STYLE) -> list[Token]:
        """Inline tokens of nodes (one paragraph line, a heading, a link text...)."""
        out: list[Token] = []
        nodes = list(nodes)
        inline_nodes = self.handlers.inline_nodes
        for index, node in enumerate(nodes):
            if isinstance(node, Tag):
                out.extend(self.tag_tokens(node, styles))
                continue
            handler = inline_nodes.get(type(node))
            if handler is None:
                out.append(("t", str(node), styles))
            else:
                after = nodes[index + 1] if index + 1 < len(nodes) else None
                out.extend(handler(node, self, styles, after))
        return out

    def tag_tokens(self, tag: Tag, styles: Styles) -> list[Token]:
        """Inline tokens of one tag, by its name."""
        handler = self.handlers.inline_tags.get(tag_name(tag), self.handlers.unknown_tag)
        return handler(tag, self, styles)

    def paragraph(self, lines: list[list[Node]]) -> list[Block]:
        """A paragraph of source lines (each a node list)."""
        if self.options.text_fast_path:
            plain = plain_paragraph(lines)
            if plain is not None:
                return plain
        tokens: list[Token] = []
        for i, line in enumerate(lines):
            if i:
                tokens.append(("nl", "", NO_STYLE))
            tokens.extend(self.tokens(line))
        return paragraph(tokens)

    # -- templates --------------------------------------------------------------------------

    def template_rule(self, node: Template) -> tuple[str, TemplateRule | None]:
        """The template's key ("Note box") and the rule it maps to, if any."""
        key = template_key(template_name(node))
        return key, self.templates.get(key)

    def plain(self, nodes: Iterable[Node]) -> str:
        """Visible text of nodes, known templates replaced by their text (unknown counted)."""
        return plain_text(nodes, self.templates, self.unknown)
