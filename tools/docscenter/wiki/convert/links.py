"""Links: internal links (pipes, anchors, namespaces, interwiki, link trails) become
references to imported pages or links to the wiki; categories are collected; external and
bare links keep only safe schemes."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from mwparserfromhell.nodes import ExternalLink, Node, Text, Wikilink

from ... import rst
from ..titles import anchor_of, normalise_title, section_label, wiki_url
from .context import Context
from .images import media_link
from .inline import Styles, Token
from .wikinodes import is_category, plain_text

_SCHEMES = re.compile(r"^(https?|ftps?|mailto|irc|ircs|news|git|svn|ssh|sftp|tel|xmpp):|^//", re.I)
_TRAIL = re.compile(r"[a-z]+")


def wikilink(node: Wikilink, ctx: Context, styles: Styles, after: Node | None) -> list[Token]:
    """``[[Page#anchor|text]]``; letters right after ``]]`` join the text (the link trail).
    As on the wiki: entities and percent escapes in the target are decoded, a target no
    title can have stays text, as do a pipe with no text after it (the pipe trick is applied
    when a page is saved, never to imported text) and a link inside the text."""
    raw = str(node.title).strip()
    target_raw = _decoded(raw)
    colon = target_raw.startswith(":")
    target = target_raw.lstrip(":").strip()
    page, _, anchor = target.partition("#")
    if _INVALID_TITLE.search(page) or not (page.strip() or anchor) or (
            node.text is not None and not str(node.text)):
        return [("t", str(node), styles)]
    text_nodes = node.text.nodes if node.text is not None else []
    if any(isinstance(n, Wikilink) for n in text_nodes):
        # A link inside a link's text: the outer one is text around the inner one.
        return ([("t", f"[[{node.title}|", styles)] + ctx.tokens(text_nodes, styles)
                + [("t", "]]", styles)])
    # An external link inside the text is shown as written.
    text = " ".join(plain_text([Text(str(n)) if isinstance(n, ExternalLink) else n
                                for n in text_nodes]).split())
    title = normalise_title(page) if page.strip() else ""
    ns = title.partition(":")[0]
    if not colon and ns == "Category":
        ctx.categories.append(title.partition(":")[2])
        return []
    if not colon and ns in ("File", "Image"):
        return [("t", text or title, styles)]
    if not text:
        # The target as typed (underscores kept), its entities and escapes decoded.
        text = target if not colon else target_raw.lstrip(":")
    if isinstance(after, Text):
        trail = _TRAIL.match(after.value)
        if trail:
            text += trail.group(0)
            after.value = after.value[trail.end() :]
    return _link(page, title, anchor, text, ctx, styles)


# Characters no wiki title holds (a link to such a target is text on the wiki).
_INVALID_TITLE = re.compile(r"[<>\[\]{}|\x00-\x1f\x7f]")


def _decoded(target: str) -> str:
    """A link target as MediaWiki reads it: entities, then percent escapes, decoded."""
    if "&" in target:
        target = html.unescape(target)
    if "%" in target:
        target = unquote(target)
    return target


def _link(page: str, title: str, anchor: str, text: str, ctx: Context,
          styles: Styles) -> list[Token]:
    """Where a link to ``page`` (normalised: ``title``) goes: another wiki, a file, a
    section of this page, an imported page, the wiki, or nowhere (plain text)."""
    prefix, sep, rest = page.partition(":")
    interwiki = ctx.interwiki.get(prefix.strip().lower()) if sep else None
    if interwiki:
        name = rest.strip().replace(" ", "_") + ("#" + anchor if anchor else "")
        other_wiki = interwiki.replace("$1", quote(name, safe="/:()!,;*@$'#."))
        return [("a", rst.anonymous_link(text, other_wiki), styles)]
    if title.partition(":")[0] == "Media":
        return media_link(title.partition(":")[2], text, ctx, styles)
    key = anchor_of(anchor)
    if not title:
        if key in ctx.anchors:
            label = section_label(ctx.options.label, key)
            role = rst.role("ref", text, label)
            ctx.same_page_refs.append((role, label, text))
            return [("a", role, styles)]
        return [("t", text, styles)]
    ref = ctx.options.pages.get(title)
    if ref is not None:
        if anchor and key in ref.anchors:
            return [("a", rst.role("ref", text, section_label(ref.label, key)), styles)]
        return [("a", rst.role("doc", text, _safe_docname(ref.docname)), styles)]
    url = wiki_url(ctx.options.wiki_url, title, key)
    if url:
        return [("a", rst.anonymous_link(text, url), styles)]
    return [("t", text, styles)]


def _safe_docname(docname: str) -> str:
    return re.sub(r"[\s`<>\\]", "", docname)


def external_link(node: ExternalLink, ctx: Context, styles: Styles,
                  after: Node | None) -> list[Token]:
    """``[https://x text]`` and bare URLs; schemes the center does not link stay text."""
    url = plain_text(node.url.nodes).strip()
    text = " ".join(plain_text(node.title.nodes).split()) if node.title is not None else ""
    scheme = _SCHEMES.match(url)
    if not scheme or (scheme[1] or "https").lower() not in ctx.options.link_schemes:
        return [("t", str(node), styles)]
    if node.title is not None and any(isinstance(n, Wikilink) for n in node.title.nodes):
        # [http://x [[Page]]]: the wiki shows an empty external link, then the inner one.
        return ctx.tokens(node.title.nodes, styles)
    if url.startswith("//"):
        url = "https:" + url
    if node.brackets and not text:
        # [http://x] shows as a link numbered on the page: [1], [2]... as on the wiki.
        ctx.link_numbers += 1
        text = f"[{ctx.link_numbers}]"
    return [("a", rst.anonymous_link(text, url), styles)]


def collect_categories(line: Iterable[Node], ctx: Context) -> None:
    """Note the categories a line files the page in."""
    for node in line:
        if isinstance(node, Wikilink) and is_category(node):
            ctx.categories.append(normalise_title(str(node.title)).partition(":")[2])
