"""Block handlers for the tags that lay text out: ``<blockquote>``, ``<poem>``, horizontal
rules, and containers (``<div>``, ``<center>``...) whose contents stand on their own."""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Node, Tag, Text

from ... import rst
from ...rst import Block, join_blocks
from .context import Context
from .wikinodes import BOLD_TAGS, ITALIC_TAGS, TRANSPARENT_TAGS, tag_name


def blockquote(tag: Tag, ctx: Context) -> list[Block]:
    """``<blockquote>``: an indented block quote."""
    inner = join_blocks(ctx.blocks(tag.contents.nodes), False)
    return [("quote", rst.indent(inner, 4))]


def container(tag: Tag, ctx: Context) -> list[Block]:
    """``<div>``, ``<center>``, ``<dl>``, ``<noinclude>``...: their contents, as blocks; on
    the page's own level their headings open sections, as they do on the wiki."""
    nodes = list(tag.contents.nodes)
    if nodes and isinstance(nodes[0], Text):
        # Text right after the opening tag is not at a line start: never preformatted.
        nodes[0] = Text(nodes[0].value.lstrip(" \t"))
    return ctx.blocks(nodes, nested=not ctx.top_level)


# Formatting tags that may span lines (<s>, <span>, <small>, <b>...): MediaWiki reads list,
# table and heading lines inside them as it reads them anywhere, line by line.
_SPANNING = TRANSPARENT_TAGS | BOLD_TAGS | ITALIC_TAGS
_BLOCK_LINE = re.compile(r"\n(?:[*#:;=]|[ \t]*\{\|)")


def holds_block_lines(tag: Tag) -> bool:
    """Whether a formatting tag holds lines of block markup (list items, a table, a
    heading): it then makes blocks, as a ``<div>``, instead of one paragraph of text."""
    return (tag.contents is not None and tag_name(tag) in _SPANNING
            and _BLOCK_LINE.search(str(tag.contents)) is not None)


def poem(tag: Tag, ctx: Context) -> list[Block]:
    """``<poem>``: one paragraph keeping its line breaks."""
    return ctx.paragraph([_poem_nodes(tag)])


def rule(tag: Tag, ctx: Context) -> list[Block]:
    """``----`` and ``<hr>``: a transition (dropped where docutils allows none)."""
    return [("transition", ["----"])]


def _poem_nodes(tag: Tag) -> list[Node]:
    out: list[Node] = []
    for node in tag.contents.nodes:
        if isinstance(node, Text) and "\n" in node.value:
            for i, part in enumerate(node.value.strip("\n").split("\n")):
                if i:
                    out.append(Tag("br", self_closing=True, padding=""))
                out.append(Text(part))
        else:
            out.append(node)
    return out
