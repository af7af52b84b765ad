"""Inline handlers for text and the tags that format it: text nodes (quotes, magic words),
entities, comments, bold and italic tags, code spans, ``<sub>``/``<sup>``, ``<br>``,
``<nowiki>``, hidden and transparent tags, and HTML MediaWiki shows as text."""

from __future__ import annotations

import html

from mwparserfromhell.nodes import ExternalLink, HTMLEntity, Node, Tag, Text, Wikilink

from ... import rst
from .context import Context
from .inline import Styles, Token, quote_tokens
from .wikinodes import MAGIC, plain_text, raw_contents, tag_name

# -- nodes ----------------------------------------------------------------------------------------


def text(node: Text, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """Wiki text: quote runs become styles later, behaviour switches and signatures go."""
    return quote_tokens(MAGIC.sub("", node.value), styles)


def entity(node: HTMLEntity, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """``&amp;``, ``&#124;``...: the character itself (escaped when written)."""
    return [("t", node.normalize(), styles)]


def comment(node: Node, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """Comments: nothing."""
    return []


def argument(node: Node, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """Template arguments (``{{{1}}}``): shown as written."""
    return [("t", str(node), styles)]


# -- tags -----------------------------------------------------------------------------------------


def list_marker(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """A wiki list marker where only inline text may go stays a character; ``<li>``,
    ``<dt>`` and ``<dd>`` are transparent."""
    if tag.wiki_markup:
        return [("t", str(tag.wiki_markup), styles)]
    return transparent(tag, ctx, styles)


def bold(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<b>``, ``<strong>``."""
    return ctx.tokens(tag.contents.nodes, styles | {"b"})


def italic(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<i>``, ``<em>``, ``<cite>``..."""
    return ctx.tokens(tag.contents.nodes, styles | {"i"})


def code_span(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<code>``, ``<tt>``, ``<kbd>``...: a literal of the visible text. A link inside stays
    a link, as on the wiki (a reST literal cannot hold one: the code around it is literal,
    the link shows its text as a link)."""
    nodes = tag.contents.nodes
    if not any(_is_link(node) for node in nodes):
        return [("a", rst.literal(plain_text(nodes)), styles)]
    out: list[Token] = []
    run: list[Node] = []
    for node in [*nodes, None]:
        if node is not None and not _is_link(node):
            run.append(node)
            continue
        code = plain_text(run)
        run = []
        if code[:1].isspace():
            out.append(("t", " ", styles))
        if code.strip():
            out.append(("a", rst.literal(code), styles))
            if code[-1:].isspace():
                out.append(("t", " ", styles))
        if node is not None:
            out.extend(ctx.tokens([node], styles))
    return out


def _is_link(node: Node | None) -> bool:
    """A link the wiki shows as one (not a file, an image or a category)."""
    if isinstance(node, ExternalLink):
        return True
    return isinstance(node, Wikilink) and not str(node.title).strip().lower().startswith(
        ("file:", "image:", "media:", "category:"))


def raw_code_span(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<math>``, and ``<source>`` inline: a literal of the contents as written."""
    return [("a", rst.literal(raw_contents(tag)), styles)]


def sub_sup(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<sub>``, ``<sup>``: the reST role of the same name."""
    value = " ".join(plain_text(tag.contents.nodes).split())
    return [("a", rst.role(tag_name(tag), value), styles)] if value else []


def line_break(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<br>``: a new line (the paragraph becomes a line block)."""
    return [("br", "", styles)]


def nowiki(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<nowiki>``: its text, never markup."""
    if not tag.contents.nodes:
        return []
    return [("t", html.unescape(raw_contents(tag)), styles)]


def hidden(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<includeonly>`` and extension tags that show nothing on the page itself."""
    return []


def transparent(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """``<span>``, ``<div>``, ``<u>``...: their contents, the tag itself means nothing here."""
    return ctx.tokens(tag.contents.nodes, styles)


def flattened(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """A block tag inside a construct that only takes inline text (a heading, a term)."""
    return [("t", " ".join(plain_text(tag.contents.nodes).split()), styles)]


def unknown_tag(tag: Tag, ctx: Context, styles: Styles) -> list[Token]:
    """Unknown or unsafe HTML (script, iframe, details, ...): MediaWiki shows the tags as
    text, so do we; what they hold is wikitext like any other (a <div> in a <details>)."""
    if tag.self_closing or tag.wiki_markup or tag.closing_tag is None:
        return [("t", str(tag), styles)]
    opening = f"<{tag.tag}{''.join(str(a) for a in tag.attributes)}{tag.padding}>"
    if not str(tag).startswith(opening):  # written in some way the parts do not give back
        return [("t", str(tag), styles)]
    return ([("t", opening, styles)] + ctx.tokens(tag.contents.nodes, styles)
            + [("t", f"</{tag.closing_tag}>", styles)])
