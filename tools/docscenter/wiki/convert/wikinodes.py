"""mwparserfromhell helpers: tag names and vocabularies, line splitting, template parameters
and the plain text of nodes. Nothing here writes reST or knows the page being converted."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping

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
from ..titles import normalise_title, template_key

# Tag vocabularies, by what a tag's contents are inline (the handler table maps each set to
# one handler, see handlers.py); a name is in one set only.
LIST_TAGS = frozenset({"li", "dt", "dd"})  # wiki list markers ("*", "#", ";", ":") too
BOLD_TAGS = frozenset({"b", "strong"})
ITALIC_TAGS = frozenset({"i", "em", "cite", "var", "dfn"})
CODE_TAGS = frozenset({"code", "tt", "kbd", "samp"})
RAW_CODE_TAGS = frozenset({"math", "source", "syntaxhighlight"})  # contents are not wikitext
HIDDEN_TAGS = frozenset({"includeonly", "templatedata", "categorytree", "inputbox"})
TRANSPARENT_TAGS = frozenset({
    "span", "font", "small", "big", "abbr", "acronym", "bdi", "bdo", "data", "mark", "q",
    "ruby", "rb", "rp", "rt", "rtc", "time", "wbr", "s", "del", "strike", "u", "ins",
    "noinclude", "onlyinclude", "div", "center", "p", "caption", "translate", "languages",
})
# Tags that make blocks of their own where a line may hold them (the keys of the block-tag
# handlers); inside a heading or a term they flatten to text.
BLOCK_TAGS = frozenset({
    "table", "pre", "blockquote", "div", "center", "gallery", "references", "ul", "ol", "dl",
    "h1", "h2", "h3", "h4", "h5", "h6", "poem", "hr", "source", "syntaxhighlight",
    "noinclude", "onlyinclude",
})
# Tags whose contents are visible text (any other tag is shown as written, as MediaWiki does).
TEXT_TAGS = (BOLD_TAGS | ITALIC_TAGS | CODE_TAGS | RAW_CODE_TAGS | TRANSPARENT_TAGS | BLOCK_TAGS
             | LIST_TAGS | {"sub", "sup", "table", "tr", "td", "th", "thead", "tbody", "tfoot"})
# Behaviour switches are dropped. Signatures ("~~~~") are expanded only when a page is saved:
# one left in stored text shows as typed on the wiki, and here.
MAGIC = re.compile(r"__[A-Z]+__")


def tag_name(tag: Tag) -> str:
    """The lower-case tag name (mwparserfromhell keeps it as wikicode)."""
    # Asked for many times per tag while a page converts: kept on the tag the first time.
    name: str | None = getattr(tag, "_docscenter_name", None)
    if name is None:
        nodes = tag.tag.nodes
        if len(nodes) == 1 and isinstance(nodes[0], Text):
            name = str(nodes[0].value).strip().lower()
        else:
            name = str(tag.tag).strip().lower()
        tag._docscenter_name = name  # type: ignore[attr-defined]
    return name


def template_name(node: Template) -> str:
    """A template's name as written, comments left out ("Note<!-- box -->" is "Note")."""
    return "".join(str(n) for n in node.name.nodes if not isinstance(n, Comment)).strip()


def split_nodes(nodes: Iterable[Node], separator: str) -> list[list[Node]]:
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


def split_lines(nodes: Iterable[Node]) -> list[list[Node]]:
    """Split a node list at the newlines of its text nodes."""
    return split_nodes(nodes, "\n")


def is_blank(line: Iterable[Node]) -> bool:
    """True when ``line`` holds only white space."""
    for node in line:  # a plain loop: asked of every line, several times
        if not isinstance(node, Text) or node.value.strip():
            return False
    return True


def is_category(link: Wikilink) -> bool:
    """True for ``[[Category:X]]`` (which files the page), not ``[[:Category:X]]`` (a link)."""
    target = str(link.title).strip()
    return not target.startswith(":") and normalise_title(target).startswith("Category:")


def is_file(target: str) -> bool:
    """True when the link target is in the File (or Image) namespace."""
    ns = normalise_title(target).partition(":")[0]
    return ns in ("File", "Image")


def raw_contents(tag: Tag) -> str:
    """The tag's contents as written, without the newlines around them."""
    return str(tag.contents).strip("\n")


def children(tag: Tag) -> list[Node]:
    """The nodes inside a tag (none for a self-closing one)."""
    return tag.contents.nodes


# -- templates ------------------------------------------------------------------------------------


def template_text(node: Template, rule: TemplateRule) -> Wikicode | None:
    """The parameter holding a known template's text: the rule's, else the first positional
    one, else "text", "content" or "1"."""
    names = [rule.param] if rule.param else []
    positional = [p for p in node.params if not p.showkey]
    if not rule.param and positional:
        return positional[0].value
    for name in names + ["text", "content", "1"]:
        if node.has(name):
            return node.get(name).value
    return None


def unknown_key(key: str) -> str:
    """How an unknown template is counted (a parser function by its name alone)."""
    return key.partition(":")[0] if key.startswith("#") else key


# -- plain text -----------------------------------------------------------------------------------


def plain_text(nodes: Iterable[Node], templates: Mapping[str, TemplateRule] | None = None,
               unknown: Counter[str] | None = None) -> str:
    """Visible text of nodes, without markup (for titles, anchors, alt text, literals).

    With ``templates`` (rules by template key), known templates give their text and unknown
    ones are counted in ``unknown``; without, every template stays as written."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(_plain_value(node.value))
        elif isinstance(node, HTMLEntity):
            out.append(node.normalize())
        elif isinstance(node, Wikilink):
            target = str(node.title).strip()
            if not target.startswith(":") and (is_category(node) or is_file(target)):
                continue
            out.append(plain_text(node.text.nodes) if node.text is not None
                       else target.lstrip(":"))
        elif isinstance(node, ExternalLink):
            out.append(plain_text(node.title.nodes) if node.title is not None
                       else str(node.url))
        elif isinstance(node, Tag):
            out.append(_tag_text(node, templates, unknown))
        elif isinstance(node, Template):
            out.append(_template_plain(node, templates, unknown))
        elif not isinstance(node, Comment):
            out.append(str(node))
    return "".join(out)


def _plain_value(text: str) -> str:
    """A text node's visible text: magic words and quote runs left out. Most text has
    neither: the substitutions run only where their first characters are."""
    if "__" in text or "~~~" in text:
        text = MAGIC.sub("", text)
    return _QUOTE_RUN.sub("", text) if "''" in text else text


_QUOTE_RUN = re.compile(r"'{2,}")


def _tag_text(node: Tag, templates: Mapping[str, TemplateRule] | None,
              unknown: Counter[str] | None) -> str:
    name = tag_name(node)
    if name in ("ref", "references") or name in HIDDEN_TAGS:
        return ""
    if name == "br":
        return " "
    if node.wiki_markup and name in LIST_TAGS:
        return str(node.wiki_markup)
    if name in ("nowiki", "pre"):
        return html.unescape(raw_contents(node))
    if name in TEXT_TAGS:
        return plain_text(node.contents.nodes, templates, unknown)
    return str(node)  # unknown HTML is text in MediaWiki


def _template_plain(node: Template, templates: Mapping[str, TemplateRule] | None,
                    unknown: Counter[str] | None) -> str:
    if templates is None:
        return str(node)
    key = template_key(template_name(node))
    rule = templates.get(key)
    if rule is None:
        if unknown is not None:
            unknown[unknown_key(key)] += 1
        return str(node)
    value = template_text(node, rule) if rule.kind != "drop" else None
    return plain_text(value.nodes, templates, unknown) if value is not None else ""
