"""Headings (``== Title ==`` and ``<h2>``): reST sections with a label per wiki anchor, or
rubrics where no section may open (inside a cell, an item, a box)."""

from __future__ import annotations

from collections.abc import Iterable

from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Text,
    Wikilink,
)

from ... import rst
from ...rst import Block
from ..titles import next_anchor, section_label
from .context import Context
from .inline import Styles, Token, inline_rst
from .limits import MAX_HEADINGS
from .wikinodes import BOLD_TAGS, CODE_TAGS, ITALIC_TAGS, plain_text, tag_name

_ADORNMENTS = "=-~^\"'`"
# What a title shows besides text, as on the wiki: links, bold, italics, code.
_TITLE_TAGS = BOLD_TAGS | ITALIC_TAGS | CODE_TAGS | {"span", "font", "small", "big", "u", "s"}
_NOT_LINKS = ("file:", "image:", "media:", "category:")


def heading(node: Heading, ctx: Context, nested: bool) -> list[Block]:
    """A section title (a rubric when ``nested``), labelled after the wiki's anchor."""
    text = " ".join(ctx.plain(node.title.nodes).split())
    anchor = next_anchor(ctx.seen_anchors, text)
    stack = ctx.heading_stack
    while stack and stack[-1][0] >= node.level:
        stack.pop()
    stack.append((node.level, text))
    if not text:
        ctx.warnings.append("empty heading dropped")
        return []
    ctx.headings += 1
    if ctx.headings > MAX_HEADINGS:
        # Each label costs the build a parse of its own: the page keeps the text, in bold.
        return [("para", ["**" + rst.escape_line(text) + "**"])]
    lines: list[str] = []
    label = section_label(ctx.options.label, anchor)
    if label not in ctx.labels:
        ctx.labels.add(label)
        lines += [f".. _{label}:", ""]
    else:
        ctx.warnings.append(f"heading {text!r}: label {label} already used")
    title = _title(node, ctx) or rst.escape_line(text)
    if nested:
        return [("heading", lines + [f".. rubric:: {title}"])]
    depth = min(len(stack), len(_ADORNMENTS)) - 1
    return [("heading", lines + rst.heading(title, _ADORNMENTS[depth]))]


def _title(node: Heading, ctx: Context) -> str:
    """The title's reST with its links and emphasis, when it holds nothing else; "" when it
    holds more (a template, a footnote, an image): the title is then its plain text."""
    return inline_rst(ctx.tokens(node.title.nodes)) if _inline_only(node.title.nodes) else ""


def _inline_only(nodes: Iterable[Node]) -> bool:
    for node in nodes:
        if isinstance(node, Wikilink):
            target = str(node.title).strip().lstrip(":").lower()
            if target.startswith(_NOT_LINKS) or (
                    node.text is not None and not _inline_only(node.text.nodes)):
                return False
        elif isinstance(node, ExternalLink):
            if node.title is not None and not _inline_only(node.title.nodes):
                return False
        elif isinstance(node, Tag):
            if tag_name(node) not in _TITLE_TAGS or (
                    node.contents is not None and not _inline_only(node.contents.nodes)):
                return False
        elif not isinstance(node, Text | HTMLEntity | Comment):
            return False
    return True


def html_heading(tag: Tag, ctx: Context) -> list[Block]:
    """``<h1>`` ... ``<h6>``: a section on the page's own level (MediaWiki shows a heading),
    a rubric where no section may open."""
    return heading(Heading(tag.contents, int(tag_name(tag)[1:])), ctx, nested=not ctx.top_level)


def heading_text(node: Heading, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """A heading where only inline text may go: its text."""
    return [("t", plain_text(node.title.nodes), styles)]
