"""Wikitext -> reST, without I/O.

The converter parses with mwparserfromhell (style tags skipped: quotes are resolved per line the
way MediaWiki does it, which also avoids the parser's slow paths), then walks the nodes line by
line to build blocks (paragraphs, lists, tables, code, directives) and joins them into reST. All
wiki text goes through :mod:`docscenter.rst` escaping, so wiki content stays visible text.

This module is the public interface and assembles whole pages; the work is done by
:mod:`.parsing` (pre-cleaning), :mod:`.blocks` (block structure), :mod:`.inline` (text, links,
images), :mod:`.wikitable` (tables), :mod:`.parser_functions` and :mod:`.nodes`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from mwparserfromhell.nodes import Heading, Node, Tag
from mwparserfromhell.wikicode import Wikicode

from ... import rst
from ...rst import Block, join_blocks
from ..options import (
    DEFAULT_INTERWIKI,
    DEFAULT_TEMPLATES,
    ConvertedPage,
    ConvertOptions,
    PageRef,
    TemplateRule,
)
from ..titles import _next_anchor, normalise_title, section_label
from . import endpoints
from .context import _Ctx
from .inline import _inline_rst, _link_tokens
from .parsing import _parse, _preclean
from .walker import _blocks, _footnote_blocks
from .wiki_tables import _lift_tables
from .wikinodes import _plain

__all__ = [
    "DEFAULT_INTERWIKI",
    "DEFAULT_TEMPLATES",
    "ConvertOptions",
    "ConvertedPage",
    "PageRef",
    "TemplateRule",
    "convert_fragment",
    "convert_page",
    "heading_anchors",
    "normalise_title",
    "section_label",
]


def heading_anchors(wikitext: str) -> frozenset[str]:
    """Anchors of the page's headings (duplicates numbered "_2", "_3" as MediaWiki does)."""
    return _anchors_of(_parse(_preclean(wikitext)))


def _anchors_of(code: Wikicode) -> frozenset[str]:
    seen: Counter[str] = Counter()
    return frozenset(_next_anchor(seen, _plain(h.title.nodes)) for h in _headings(code.nodes))


def _headings(nodes: Iterable[Node]) -> Iterable[Heading]:
    # A plain walk is much cheaper than Wikicode.filter_headings() on large pages.
    for node in nodes:
        if isinstance(node, Heading):
            yield node
        elif isinstance(node, Tag) and node.contents is not None:
            yield from _headings(node.contents.nodes)


def convert_page(wikitext: str, title: str, options: ConvertOptions) -> ConvertedPage:
    """Convert a whole wiki page into a reST document (label, title, body)."""
    text, lifted = _lift_tables(_preclean(wikitext))
    redirect = _redirect_target(text)
    code = _parse(text)
    ctx = _Ctx(options, title, _anchors_of(code))
    ctx.lifted = lifted
    if redirect is not None:
        target = _parse(redirect)
        link = _inline_rst(_link_tokens(target.nodes[0], ctx, [], frozenset()))
        body = ["This page redirects to " + link + "."] if link else []
        ctx.categories = [
            normalise_title(str(n.title)).partition(":")[2]
            for n in code.filter_wikilinks()
            if normalise_title(str(n.title)).startswith("Category:")
        ]
        redirect = normalise_title(redirect[2:-2].split("|")[0].split("#")[0])
    else:
        body = _body(text, code, ctx)
    body = _drop_dangling_refs(body, ctx)
    page_title = " ".join((ctx.display_title or title).split()) or title
    head: list[str] = []
    if ctx.categories:
        cats = ", ".join(rst.escape_inline(c) for c in dict.fromkeys(ctx.categories))
        head += [f":wiki-categories: {cats}", ""]
    head += [f".. _{options.label}:", ""]
    head += rst.heading(rst.escape_line(page_title), "=", True)
    lines = head + ([""] + body if body else [])
    return ConvertedPage(
        title=page_title,
        rst="\n".join(lines) + "\n",
        redirect=redirect,
        categories=list(dict.fromkeys(ctx.categories)),
        unknown_templates=ctx.unknown,
        glossary=ctx.glossary,
        images=list(dict.fromkeys(ctx.images)),
        warnings=ctx.warnings,
    )


def convert_fragment(wikitext: str, options: ConvertOptions) -> str:
    """Convert wikitext into block reST without a title (headings become rubrics)."""
    text, lifted = _lift_tables(_preclean(wikitext))
    code = _parse(text)
    ctx = _Ctx(options, "", _anchors_of(code))
    ctx.lifted = lifted
    blocks = _blocks(code.nodes, ctx, nested=True)
    blocks += _footnote_blocks(ctx)
    lines = _drop_dangling_refs(join_blocks(blocks, top=False), ctx)
    return "\n".join(lines) + ("\n" if lines else "")


def _drop_dangling_refs(lines: list[str], ctx: _Ctx) -> list[str]:
    """Turn same-page references whose heading got no label (rare) back into text."""
    dangling = [(role, text) for role, label, text in ctx.same_page_refs
                if label not in ctx.labels]
    if not dangling:
        return lines
    out = []
    for line in lines:
        for role, text in dangling:
            line = line.replace(role, rst.escape_inline(text))
        out.append(line)
    return out


_REDIRECT = re.compile(r"^\s*#REDIRECT\s*:?\s*(\[\[[^\[\]\n]+\]\])", re.I)


def _redirect_target(text: str) -> str | None:
    match = _REDIRECT.match(text)
    return match.group(1) if match else None


def _body(text: str, code: Wikicode, ctx: _Ctx) -> list[str]:
    """Convert a page body, letting the endpoint detector take its segments first."""
    segments: list[Any] = [text]
    if ctx.options.detect_endpoints:
        segments = endpoints.split(text)

    def fragment(wikitext: str) -> str:
        # Shares the page state so footnotes and labels stay unique on the page.
        lines = join_blocks(_blocks(_parse(_preclean(wikitext)).nodes, ctx, True), False)
        return "\n".join(lines)

    blocks: list[Block] = []
    for segment in segments:
        if isinstance(segment, str):
            # The whole page comes back when no endpoint is found: reuse its parse.
            nodes = code.nodes if segment == text else _parse(segment).nodes
            blocks += _blocks(nodes, ctx, nested=False)
            continue
        try:
            rendered = endpoints.render(segment, fragment)
        except NotImplementedError:
            rendered = fragment(segment.description)
        if rendered.strip():
            blocks.append(("raw", rendered.rstrip("\n").split("\n")))
    blocks += _footnote_blocks(ctx)
    return join_blocks(blocks, top=True)
