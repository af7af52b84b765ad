"""The block walk: a node list, line by line, into blocks.

Wiki structure is line-based: a line is blank, ignorable (comments and categories only), a
heading, a list item, preformatted (leading space) or paragraph text. Inside a line, nodes
that make blocks of their own (tables, code, boxes, images...) split it; the handler table
converts them. Everything else is paragraph text, converted inline.
"""

from __future__ import annotations

from collections.abc import Iterable

from mwparserfromhell.nodes import Comment, Heading, Node, Tag, Template, Text, Wikilink

from ...rst import Block
from . import code, headings, images, layout, links, lists, templates, wiki_tables
from .context import Context
from .parser_functions import expand
from .wikinodes import MAGIC, is_blank, is_category, split_lines, tag_name

# As MediaWiki's block pass: a line starting with a space is no preformatted text when it
# holds one of these HTML tags ("  <p>text</p>" inside an HTML list is a paragraph).
_NEVER_PRE = frozenset({"p", "li", "ul", "ol", "dl", "tr", "td", "th", "table", "pre", "h1",
                        "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "hr", "center"})


def walk(nodes: Iterable[Node], ctx: Context, nested: bool) -> list[Block]:
    """Turn a node list into blocks; ``nested`` means no sections may be opened."""
    expanded = expand(nodes, ctx)
    if nested and expanded and isinstance(expanded[0], Text):
        # Content after "|" or "{{Note|" is not at a line start: no preformatted text.
        expanded[0] = Text(expanded[0].value.lstrip(" \t"))
    return _Walk(ctx, nested, split_lines(expanded)).run()


def line_blocks(nodes: list[Node], ctx: Context) -> list[Block]:
    """Blocks for the content of one line, such as a list item (it may hold block nodes)."""
    walk = _Walk(ctx, True, [])
    walk.segments(nodes)
    walk.flush()
    return walk.blocks


def starts_block(node: Node, line: list[Node], ctx: Context) -> bool:
    """True when ``node``, found on ``line``, makes blocks of its own."""
    if isinstance(node, Tag):
        name = tag_name(node)
        if name in ctx.handlers.block_tags:
            return not code.is_inline(node)
        if name in ctx.handlers.spanning_tags:
            return layout.holds_block_lines(node) or code.holds_preformatted_lines(node)
        return False
    if isinstance(node, Wikilink):
        return images.is_image(node)
    if isinstance(node, Template):
        return templates.starts_block(node, line, ctx)
    return False


def is_ignorable(line: list[Node]) -> bool:
    """Lines holding only comments, categories and magic words vanish in MediaWiki."""
    if is_blank(line):
        return False
    for node in line:
        if isinstance(node, Comment):
            continue
        if isinstance(node, Text) and not _visible(node.value):
            continue
        if isinstance(node, Wikilink) and is_category(node):
            continue
        return False
    return True


def _visible(text: str) -> str:
    """The text left of a line's text node once magic words and signatures vanish (the
    substitution runs only where they may be)."""
    if "__" in text or "~~~" in text:
        text = MAGIC.sub("", text)
    return text.strip()


class _Walk:
    """The walk over the lines of one node list: blocks made so far, and the paragraph
    being gathered (its lines are converted together, when a block or blank line ends it)."""

    def __init__(self, ctx: Context, nested: bool, lines: list[list[Node]]) -> None:
        self.ctx = ctx
        self.nested = nested
        self.lines = lines
        self.blocks: list[Block] = []
        self.para: list[list[Node]] = []

    def run(self) -> list[Block]:
        i = 0
        while i < len(self.lines):
            i = self.line(i)
        self.flush()
        return self.blocks

    def flush(self) -> None:
        if self.para:
            self.blocks.extend(self.ctx.paragraph(self.para))
            self.para.clear()

    def line(self, i: int) -> int:
        """Convert the line at ``i`` (and the lines of a list or preformatted run that
        starts there); return the index of the next line."""
        line, ctx = self.lines[i], self.ctx
        if is_ignorable(line):
            links.collect_categories(line, ctx)
            return i + 1
        if is_blank(line):
            self.flush()
            return i + 1
        number = wiki_tables.placeholder(line) if ctx.lifted else None
        if number is not None:
            self.flush()
            self.blocks.extend(wiki_tables.lifted_table(number, ctx))
            return i + 1
        if isinstance(line[0], Heading):
            self.flush()
            self.blocks.extend(headings.heading(line[0], ctx, self.nested))
            self.segments(line[1:])
            return i + 1
        if lists.prefix(line):
            return self.list_run(i)
        first = line[0]
        if isinstance(first, Tag) and first.wiki_markup and tag_name(first) == "hr":
            # "----": the rest of the line is a line of its own.
            self.flush()
            self.blocks.extend(self.block(first))
            self.segments(line[1:])
            return i + 1
        if self.is_preformatted(line):
            return self.preformatted_run(i)
        self.segments(line)
        return i + 1

    def list_run(self, i: int) -> int:
        """Consecutive list lines (ignorable lines between them vanish) make one list."""
        self.flush()
        items: list[lists.Item] = []
        while i < len(self.lines) and (lists.prefix(self.lines[i])
                                       or is_ignorable(self.lines[i])):
            if lists.prefix(self.lines[i]):
                items.extend(lists.items(self.lines[i]))
            i += 1
        self.blocks.extend(lists.list_blocks(items, self.ctx))
        return i

    def is_preformatted(self, line: list[Node]) -> bool:
        if is_blank(line):
            return False
        first = line[0]
        if not (isinstance(first, Text) and first.value.startswith(" ")):
            return False
        return not any(starts_block(n, line, self.ctx)
                       or (isinstance(n, Tag) and tag_name(n) in _NEVER_PRE) for n in line)

    def preformatted_run(self, i: int) -> int:
        """Consecutive lines starting with a space make one code block."""
        self.flush()
        pre: list[str] = []
        while i < len(self.lines) and (self.is_preformatted(self.lines[i])
                                       or is_ignorable(self.lines[i])):
            if not is_ignorable(self.lines[i]):
                pre.append(code.preformatted_text(self.lines[i])[1:])
            i += 1
        self.blocks.append(code.code_block(pre, "text"))
        return i

    def block(self, node: Node) -> list[Block]:
        """The blocks of a node that makes blocks; a container on the page's own level
        (a ``<div>`` outside lists, cells and boxes) may open sections, as on the wiki."""
        ctx = self.ctx
        outer, ctx.top_level = ctx.top_level, not self.nested
        try:
            return ctx.block(node)
        finally:
            ctx.top_level = outer

    def segments(self, line: list[Node]) -> None:
        """Add a paragraph line, splitting it where block-level nodes sit inside it."""
        current: list[Node] = []
        for node in line:
            if starts_block(node, line, self.ctx):
                if current:
                    self.para.append(current)
                    current = []
                self.flush()
                self.blocks.extend(self.block(node))
            else:
                current.append(node)
        if current and not is_blank(current):
            self.para.append(current)
