"""Footnotes: ``<ref>`` (named, reused, defined later) becomes an auto-numbered footnote
reference; ``<references/>`` and ``{{Reflist}}`` write the pending footnotes, and the page's
end writes any left."""

from __future__ import annotations

import re

from mwparserfromhell.nodes import Tag, Template

from ... import rst
from ...rst import Block, join_blocks
from ..options import TemplateRule
from .context import Context, Footnote
from .inline import Styles, Token
from .wikinodes import tag_name

# A footnote the wiki gave no text (MediaWiki shows a citation error in its place).
NO_TEXT = "(This reference has no text on the wiki page.)"


def ref(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<ref>``: a footnote reference, its text kept for the footnote list."""
    return [("a", f"[#{_footnote_label(tag, ctx)}]_", styles)]


def references(tag: Tag, ctx: Context) -> list[Block]:
    """``<references>``: the pending footnotes, with those defined inside it."""
    for child in tag.contents.nodes:
        if isinstance(child, Tag) and tag_name(child) == "ref":
            _footnote_label(child, ctx)
    return footnotes(ctx)


def reflist(node: Template, key: str, rule: TemplateRule, ctx: Context) -> list[Block]:
    """``{{Reflist}}`` and templates like it: the pending footnotes."""
    return footnotes(ctx)


def footnotes(ctx: Context) -> list[Block]:
    """The footnotes not yet written (their texts may hold more references)."""
    if ctx.writing_footnotes:
        return []  # the list being written already takes every pending footnote
    ctx.writing_footnotes = True
    try:
        return _pending_footnotes(ctx)
    finally:
        ctx.writing_footnotes = False


def _pending_footnotes(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    while True:
        pending = [n for n in ctx.footnotes.values() if not n.emitted]
        if not pending:
            return blocks
        for note in pending:
            note.emitted = True
            inner = join_blocks(ctx.blocks(note.body.nodes), False) if note.body else []
            if not inner:
                inner = [NO_TEXT]
            marker = f".. [#{note.label}]"
            if inner[0].startswith(".."):
                lines = [marker, ""] + rst.indent(inner, 3)
            else:
                lines = [f"{marker} {inner[0]}"] + rst.indent(inner[1:], 3)
            blocks.append(("directive", lines))


def _footnote_label(tag: Tag, ctx: Context) -> str:
    name = str(tag.get("name").value).strip().strip("\"'") if tag.has("name") else ""
    body = tag.contents if str(tag.contents).strip() else None
    if name and name in ctx.footnotes:
        note = ctx.footnotes[name]
        if note.body is None:
            note.body = body
        return note.label
    ctx.anon_refs += 1
    if name:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"
        label = f"ref-{slug}"
        while any(n.label == label for n in ctx.footnotes.values()):
            label += "-x"
    else:
        label = f"ref-{ctx.anon_refs}"
        name = f"\x00{ctx.anon_refs}"
    ctx.footnotes[name] = Footnote(label, body)
    return label
