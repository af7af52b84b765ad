"""Links: internal links (pipes, anchors, namespaces, interwiki, link trails) become
references to imported pages or links to the wiki; categories are collected; external and
bare links keep only safe schemes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

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
    """``[[Page#anchor|text]]``; letters right after ``]]`` join the text (the link trail)."""
    raw = str(node.title).strip()
    colon = raw.startswith(":")
    target = raw.lstrip(":").strip()
    text = " ".join(plain_text(node.text.nodes).split()) if node.text is not None else ""
    page, _, anchor = target.partition("#")
    title = normalise_title(page) if page.strip() else ""
    ns = title.partition(":")[0]
    if not colon and ns == "Category":
        ctx.categories.append(title.partition(":")[2])
        return []
    if not colon and ns in ("File", "Image"):
        return [("t", text or title, styles)]
    if not text:
        text = target if not colon else raw.lstrip(":")
        text = text.replace("_", " ") if not anchor else text
    if isinstance(after, Text):
        trail = _TRAIL.match(after.value)
        if trail:
            text += trail.group(0)
            after.value = after.value[trail.end() :]
    return _link(page, title, anchor, text, ctx, styles)


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
    """``[https://x text]`` and bare URLs; other schemes stay text."""
    url = plain_text(node.url.nodes).strip()
    text = " ".join(plain_text(node.title.nodes).split()) if node.title is not None else ""
    if not _SCHEMES.match(url):
        return [("t", str(node), styles)]
    if url.startswith("//"):
        url = "https:" + url
    if node.brackets and not text:
        # [http://x] shows as a numbered link in MediaWiki; the URL is clearer here.
        text = url
    return [("a", rst.anonymous_link(text, url), styles)]


def collect_categories(line: Iterable[Node], ctx: Context) -> None:
    """Note the categories a line files the page in."""
    for node in line:
        if isinstance(node, Wikilink) and is_category(node):
            ctx.categories.append(normalise_title(str(node.title)).partition(":")[2])
