"""Whole pages and fragments: pre-cleaning, parsing, the endpoint pass, the block walk and
the page's title, label and footnotes around them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from mwparserfromhell.nodes import Heading, Node, Tag, Wikilink
from mwparserfromhell.wikicode import Wikicode

from ... import rst
from ...rst import Block, join_blocks
from ..options import ConvertedPage, ConvertOptions
from ..titles import next_anchor, normalise_title
from .context import Context
from .coverage import share_kept, visible_words
from .endpoint_fields import Endpoint, render
from .endpoints import split
from .handlers import HANDLERS
from .inline import inline_rst
from .limits import NestingTooDeep
from .parser_functions import expand_text
from .parsing import parse, preclean
from .references import footnotes
from .wiki_tables import close_tables, lift_tables
from .wikinodes import plain_text


def heading_anchors(wikitext: str) -> frozenset[str]:
    """Anchors of the page's headings (duplicates numbered "_2", "_3" as MediaWiki does)."""
    return _anchors_of(parse(preclean(wikitext)))


def convert_page(wikitext: str, title: str, options: ConvertOptions) -> ConvertedPage:
    """Convert a whole wiki page into a reST document (label, title, body). A page nested
    deeper than the converter goes (:mod:`.limits`) is kept as its wiki text, saying why."""
    try:
        return _convert_page(wikitext, title, options)
    except NestingTooDeep as exc:
        return wikitext_page(wikitext, title, options, str(exc))
    except RecursionError:
        # Not reachable within the limits; kept as a last resort, so one page never stops
        # an import.
        return wikitext_page(wikitext, title, options, "nested too deep to convert")


def wikitext_page(wikitext: str, title: str, options: ConvertOptions,
                  reason: str) -> ConvertedPage:
    """The page as its wiki text in a literal block, under a note saying ``reason``."""
    page_title = " ".join(title.split()) or "Untitled"
    lines = [f".. _{options.label}:", "", *rst.heading(rst.escape_line(page_title), "=", True),
             "", ".. note::", "", "   This page is kept as its wiki text: "
             + rst.escape_line(reason) + ".", "", "::", ""]
    lines += [("   " + line.rstrip()) if line.strip() else "" for line in
              preclean(wikitext).expandtabs(8).split("\n")]
    while lines[-1] == "":
        lines.pop()
    return ConvertedPage(title=page_title, rst="\n".join(lines) + "\n", redirect=None,
                         kept_as_wikitext=reason)


def _convert_page(wikitext: str, title: str, options: ConvertOptions) -> ConvertedPage:
    ctx, code, text = _start(wikitext, title, options)
    redirect = _redirect_target(text)
    kept = 1.0
    if redirect is not None:
        body = _redirect_body(redirect, code, ctx)
        redirect = normalise_title(redirect[2:-2].split("|")[0].split("#")[0])
    else:
        words = visible_words(code, ctx.lifted, ctx.templates)
        body = _body(text, code, ctx)
        # An endpoint's text becomes the fields of its directive (endpoint_fields answers
        # for them): its words count as kept.
        kept = share_kept(words, "\n".join(body + ctx.endpoint_sources))
    body = _drop_dangling_refs(body, ctx)
    page_title = " ".join((ctx.display_title or options.heading or title).split()) or title
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
        text_kept=kept,
    )


def convert_fragment(wikitext: str, options: ConvertOptions) -> str:
    """Convert wikitext into block reST without a title (headings become rubrics)."""
    ctx, code, _text = _start(wikitext, "", options)
    blocks = ctx.blocks(code.nodes) + footnotes(ctx)
    lines = _drop_dangling_refs(join_blocks(blocks, top=False), ctx)
    return "\n".join(lines) + ("\n" if lines else "")


def _start(wikitext: str, title: str, options: ConvertOptions) -> tuple[Context, Wikicode, str]:
    """The context of a new conversion, the parsed page and its cleaned text."""
    ctx = Context(options, title, frozenset(), HANDLERS)
    text = close_tables(expand_text(preclean(wikitext), ctx))
    if options.table_fast_path:
        text, ctx.lifted = lift_tables(text)
    code = parse(text)
    # Headings are read only where a line starts with "=": a page with none has no anchors.
    ctx.anchors = _anchors_of(code) if _HEADING_LINE.search(text) else frozenset()
    return ctx, code, text


_HEADING_LINE = re.compile(r"^=", re.M)


def _anchors_of(code: Wikicode) -> frozenset[str]:
    seen: Counter[str] = Counter()
    return frozenset(next_anchor(seen, plain_text(h.title.nodes)) for h in _headings(code.nodes))


def _headings(nodes: Iterable[Node]) -> Iterable[Heading]:
    # A plain walk is much cheaper than Wikicode.filter_headings() on large pages.
    for node in nodes:
        if isinstance(node, Heading):
            yield node
        elif isinstance(node, Tag):
            yield from _headings(node.contents.nodes)


def _drop_dangling_refs(lines: list[str], ctx: Context) -> list[str]:
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


# -- redirects ------------------------------------------------------------------------------------

_REDIRECT = re.compile(r"^\s*#REDIRECT\s*:?\s*(\[\[[^\[\]\n]+\]\])", re.I)


def _redirect_target(text: str) -> str | None:
    match = _REDIRECT.match(text)
    return match.group(1) if match else None


def _redirect_body(redirect: str, code: Wikicode, ctx: Context) -> list[str]:
    """"This page redirects to <link>."; the page's categories are still noted."""
    link = inline_rst(ctx.tokens(parse(redirect).nodes[:1]))
    ctx.categories = [
        normalise_title(str(n.title)).partition(":")[2]
        for n in code.filter_wikilinks()
        if isinstance(n, Wikilink) and normalise_title(str(n.title)).startswith("Category:")
    ]
    return ["This page redirects to " + link + "."] if link else []


# -- the body, with its endpoints -----------------------------------------------------------------


def _body(text: str, code: Wikicode, ctx: Context) -> list[str]:
    """Convert a page body, letting the endpoint detector take its segments first."""
    segments: list[str | Endpoint] = [text]
    if ctx.options.detect_endpoints:
        segments = split(text)
    blocks: list[Block] = []
    for segment in segments:
        if isinstance(segment, str):
            # The whole page comes back when no endpoint is found: reuse its parse.
            nodes = code.nodes if segment == text else parse(segment).nodes
            blocks += ctx.blocks(nodes, nested=False)
            continue
        ctx.endpoint_sources.append(segment.source)
        rendered = render(converted_endpoint(segment, ctx))
        if rendered.strip():
            blocks.append(("raw", rendered.rstrip("\n").split("\n")))
    blocks += footnotes(ctx)
    return join_blocks(blocks, top=True)


def converted_endpoint(endpoint: Endpoint, ctx: Context) -> Endpoint:
    """The endpoint with its description and field texts converted to reST on this page
    (footnotes and labels stay unique on the page)."""

    def fields(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, _field_body(text, ctx) if text.strip() else "") for name, text in entries]

    # Converted in the order they are written: description, then fields by kind.
    description = _fragment(endpoint.description, ctx) if endpoint.description else ""
    return replace(endpoint, description=description, params=fields(endpoint.params),
                   queries=fields(endpoint.queries), reqheaders=fields(endpoint.reqheaders),
                   resheaders=fields(endpoint.resheaders),
                   statuscodes=fields(endpoint.statuscodes))


def _field_body(wikitext: str, ctx: Context) -> str:
    """A field's text as reST: one line when it is one paragraph, else its blocks as the
    converter wrote them (never joined into one line, where a literal block's text or a list
    would become live markup: :func:`.endpoint_fields.render` indents them under the field)."""
    blocks = [block for block in ctx.blocks(parse(preclean(wikitext)).nodes) if block[1]]
    if len(blocks) == 1 and blocks[0][0] == "para" and not blocks[0][1][0].startswith("| "):
        return " ".join(line.strip() for line in blocks[0][1])
    return "\n".join(join_blocks(blocks, False))


def _fragment(wikitext: str, ctx: Context) -> str:
    lines = join_blocks(ctx.blocks(parse(preclean(wikitext)).nodes), False)
    return "\n".join(lines)
