"""Reading mwparserfromhell nodes: tag names and kinds, line splitting, template rules and
the plain text of nodes. Nothing here writes reST."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from ..options import TemplateRule
from ..titles import _template_key, normalise_title
from .context import _Ctx

# Tag names by how the converter treats them (a name may be in more than one set).
_LIST_CHARS = {"li", "dt", "dd"}
_BLOCK_TAGS = {"table", "pre", "blockquote", "div", "center", "gallery", "references", "ul", "ol",
               "dl", "h1", "h2", "h3", "h4", "h5", "h6", "poem", "hr", "source",
               "syntaxhighlight", "noinclude", "onlyinclude"}
_MAGIC = re.compile(r"__[A-Z]+__|~{3,5}")
_BOLD_TAGS = {"b", "strong"}
_ITALIC_TAGS = {"i", "em", "cite", "var", "dfn"}
_CODE_TAGS = {"code", "tt", "kbd", "samp", "math", "var"}
_TRANSPARENT = {"span", "font", "small", "big", "abbr", "acronym", "bdi", "bdo", "data", "mark",
                "q", "ruby", "rb", "rp", "rt", "rtc", "time", "wbr", "s", "del", "strike", "u",
                "ins", "includeonly", "noinclude", "onlyinclude", "div", "center", "p", "li",
                "dd", "dt", "caption", "translate", "languages"}
_HIDDEN = {"includeonly", "templatedata", "categorytree", "inputbox"}
_KNOWN_TAGS = (_BOLD_TAGS | _ITALIC_TAGS | _CODE_TAGS | _TRANSPARENT | _BLOCK_TAGS | _LIST_CHARS
               | {"sub", "sup", "source", "syntaxhighlight", "table", "tr", "td", "th",
                  "thead", "tbody", "tfoot", "hr"})


def _name(tag: Tag) -> str:
    """The lower-case tag name (mwparserfromhell keeps it as wikicode)."""
    nodes = tag.tag.nodes
    if len(nodes) == 1 and isinstance(nodes[0], Text):
        return nodes[0].value.strip().lower()
    return str(tag.tag).strip().lower()


def _split_nodes(nodes: Iterable[Node], separator: str) -> list[list[Node]]:
    """Split a node list at ``separator`` in its text nodes (other nodes stay whole)."""
    parts: list[list[Node]] = [[]]
    for node in nodes:
        if isinstance(node, Text) and separator in node.value:
            for i, piece in enumerate(node.value.split(separator)):
                if i:
                    parts.append([])
                if piece:
                    parts[-1].append(Text(piece))
        else:
            parts[-1].append(node)
    return parts


def _lines(nodes: Iterable[Node]) -> list[list[Node]]:
    """Split a node list at the newlines of its text nodes."""
    return _split_nodes(nodes, "\n")


def _is_category(link: Wikilink) -> bool:
    target = str(link.title).strip()
    return not target.startswith(":") and normalise_title(target).startswith("Category:")


def _is_file(target: str) -> bool:
    ns = normalise_title(target).partition(":")[0]
    return ns in ("File", "Image")


def _raw_contents(tag: Tag) -> str:
    text = str(tag.contents) if tag.contents is not None else ""
    return text.strip("\n")


def _html_children(tag: Tag) -> list[Node]:
    return list(tag.contents.nodes) if tag.contents is not None else []


# -- templates ------------------------------------------------------------------------------------


def _template_text(node: Template, rule: TemplateRule) -> Wikicode | None:
    names = [rule.param] if rule.param else []
    positional = [p for p in node.params if not p.showkey]
    if not rule.param and positional:
        return positional[0].value
    for name in names + ["text", "content", "1"]:
        if node.has(name):
            return node.get(name).value
    return None


def _template_rule(node: Template, ctx: _Ctx) -> tuple[str, TemplateRule | None]:
    key = _template_key(str(node.name))
    return key, ctx.templates.get(key)


def _unknown_key(key: str) -> str:
    return key.partition(":")[0] if key.startswith("#") else key


# -- plain text -----------------------------------------------------------------------------------


def _plain(nodes: Iterable[Node], ctx: _Ctx | None = None) -> str:
    """Visible text of nodes, without markup (for titles, anchors, alt text, literals)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            text = _MAGIC.sub("", node.value)
            out.append(re.sub(r"'{2,}", "", text))
        elif isinstance(node, HTMLEntity):
            out.append(node.normalize())
        elif isinstance(node, Wikilink):
            target = str(node.title).strip()
            if not target.startswith(":") and (_is_category(node) or _is_file(target)):
                continue
            out.append(_plain(node.text.nodes) if node.text is not None else target.lstrip(":"))
        elif isinstance(node, ExternalLink):
            out.append(_plain(node.title.nodes) if node.title is not None else str(node.url))
        elif isinstance(node, Tag):
            if _name(node) in ("ref", "references") or _name(node) in _HIDDEN:
                continue
            if _name(node) == "br":
                out.append(" ")
            elif node.wiki_markup and _name(node) in _LIST_CHARS:
                out.append(str(node.wiki_markup))
            elif _name(node) in ("nowiki", "pre"):
                out.append(html.unescape(_raw_contents(node)))
            elif _name(node) in _KNOWN_TAGS:
                if node.contents is not None:
                    out.append(_plain(node.contents.nodes, ctx))
            else:
                out.append(str(node))  # unknown HTML is text in MediaWiki
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, Template):
            if ctx is not None:
                key, rule = _template_rule(node, ctx)
                value = _template_text(node, rule) if rule and rule.kind != "drop" else None
                if rule is None:
                    ctx.unknown[_unknown_key(key)] += 1
                elif value is None:
                    continue
                else:
                    out.append(_plain(value.nodes, ctx))
                    continue
            out.append(str(node))
        else:
            out.append(str(node))
    return "".join(out)
