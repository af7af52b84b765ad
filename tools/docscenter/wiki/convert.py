"""Wikitext -> reST, without I/O.

The converter parses with mwparserfromhell (style tags skipped: quotes are resolved per line the
way MediaWiki does it, which also avoids the parser's slow paths), then walks the nodes line by
line to build blocks (paragraphs, lists, tables, code, directives) and joins them into reST. All
wiki text goes through :mod:`docscenter.wiki.rst` escaping, so wiki content stays visible text.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, quote_plus, unquote

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from . import endpoints, rst
from .tables import Cell, grid_table, list_table


@dataclass(frozen=True)
class PageRef:
    """An imported page another page may link to."""

    docname: str  # absolute Sphinx docname, e.g. "/services/storage/wiki/api-notes"
    label: str  # the page's own reST label
    anchors: frozenset[str] = frozenset()  # wiki section anchors on that page


@dataclass(frozen=True)
class TemplateRule:
    """What to do with one wiki template."""

    kind: str  # "admonition" | "drop" | "inline" | "code" | "references"
    admonition: str = ""  # note, warning, tip, ... or "admonition" (generic, needs title)
    title: str = ""  # title of a generic admonition
    param: str = ""  # parameter holding the text; "" = first positional, then "text"


def _rules() -> dict[str, TemplateRule]:
    rules: dict[str, TemplateRule] = {}
    for name in ("note", "warning", "tip", "important", "caution", "danger", "attention",
                 "hint", "error"):
        rules[name.capitalize()] = TemplateRule("admonition", name)
    for alias, name in (("Notice", "note"), ("Info", "note"), ("Warn", "warning"),
                        ("Deprecated", "warning"), ("Seealso", "seealso"),
                        ("See also", "seealso"), ("Main", "seealso")):
        rules[alias] = TemplateRule("admonition", name)
    for name in ("Code", "Tt", "Mono", "Kbd", "Key press"):
        rules[name] = TemplateRule("code")
    for name in ("Reflist", "References"):
        rules[name] = TemplateRule("references")
    for name in ("Clear", "Clr", "TOC", "Toc", "TOC right", "TOC left", "-"):
        rules[name] = TemplateRule("drop")
    return rules


DEFAULT_TEMPLATES: Mapping[str, TemplateRule] = MappingProxyType(_rules())

DEFAULT_INTERWIKI: Mapping[str, str] = MappingProxyType({
    "wikipedia": "https://en.wikipedia.org/wiki/$1",
    "w": "https://en.wikipedia.org/wiki/$1",
    "wikt": "https://en.wiktionary.org/wiki/$1",
    "wiktionary": "https://en.wiktionary.org/wiki/$1",
    "mw": "https://www.mediawiki.org/wiki/$1",
    "mediawikiwiki": "https://www.mediawiki.org/wiki/$1",
    "commons": "https://commons.wikimedia.org/wiki/$1",
    "meta": "https://meta.wikimedia.org/wiki/$1",
    "m": "https://meta.wikimedia.org/wiki/$1",
    "bugzilla": "https://bugzilla.mozilla.org/show_bug.cgi?id=$1",
    "mdn": "https://developer.mozilla.org/$1",
})


def _no_page(title: str) -> PageRef | None:
    return None


@dataclass(frozen=True)
class ConvertOptions:
    """How one page is converted."""

    label: str  # label prefix of this page (unique in the center)
    resolve: Callable[[str], PageRef | None] = _no_page
    wiki_url: str | None = None  # article path with "$1", e.g. "https://wiki.example.org/wiki/$1"
    # Plain dict copies by default, so options pickle into worker processes.
    templates: Mapping[str, TemplateRule] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    interwiki: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_INTERWIKI))
    detect_endpoints: bool = True
    # When set, terms of Glossary/Definitions/Terminology sections become :term: references
    # to the shared glossary, spelt as there (lower-case term -> spelling); terms it lacks
    # keep the wiki's spelling (the importer adds them to the glossary).
    glossary_terms: Mapping[str, str] | None = None


@dataclass
class ConvertedPage:
    """A converted page and what the converter learnt about it."""

    title: str
    rst: str
    redirect: str | None
    categories: list[str] = field(default_factory=list)
    unknown_templates: Counter[str] = field(default_factory=Counter)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Titles, anchors, labels

_NAMESPACES = {
    ns.lower(): ns
    for ns in ("Talk", "User", "User talk", "Project", "Project talk", "File", "File talk",
               "Image", "MediaWiki", "Template", "Template talk", "Help", "Help talk",
               "Category", "Category talk", "Special", "Media", "Module")
}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def normalise_title(title: str) -> str:
    """Normalise a wiki title the way MediaWiki does ("_" is a space, first letter upper)."""
    title = " ".join(title.replace("_", " ").split()).lstrip(":").strip()
    ns, sep, rest = title.partition(":")
    canonical = _NAMESPACES.get(" ".join(ns.split()).lower()) if sep else None
    if canonical:
        return f"{canonical}:{_upper_first(rest.strip())}"
    return _upper_first(title)


def _anchor(text: str) -> str:
    """The anchor MediaWiki gives a heading or a link fragment (spaces become "_")."""
    return "_".join(unquote(text).replace("_", " ").split())


def section_label(page_label: str, anchor: str) -> str:
    """The reST label a heading with ``anchor`` gets on the page labelled ``page_label``."""
    slug = re.sub(r"[\W_]+", "-", anchor.lower()).strip("-")
    if not slug:
        slug = "s" + hashlib.sha1(anchor.encode()).hexdigest()[:8]
    # "--" cannot occur in a page label made of slugs, so a section label never equals the
    # label of another page (a page "A" with a section "B" against a page "A/B").
    return f"{page_label}--{slug}"


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


def _next_anchor(seen: Counter[str], text: str) -> str:
    base = _anchor(text)
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}_{seen[base]}"


# ---------------------------------------------------------------------------------------------
# Pre-cleaning

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_P_TAG = re.compile(r"</?p(?:\s[^<>]*)?/?>", re.I)
_PROTECTED = re.compile(
    r"(<(nowiki|pre|source|syntaxhighlight|math)\b[^>]*>.*?</\2\s*>)", re.I | re.S
)
_BALANCED = ("b", "i", "u", "s", "strong", "em", "small", "big", "font", "span", "code", "tt",
             "sub", "sup", "del", "ins", "strike", "center", "div", "blockquote", "cite", "kbd")


_BALANCED_TAG = re.compile(rf"<(/?)({'|'.join(_BALANCED)})(?:\s[^<>]*?)?\s*(/?)>", re.I)


def _preclean(text: str) -> str:
    """Remove what mwparserfromhell parses slowly or wrongly and MediaWiki treats as noise."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Python (and so docutils) also splits lines at these; MediaWiki does not.
    text = _LINE_SEPARATORS.sub(" ", text)
    parts = _PROTECTED.split(text)
    # re.split with two groups yields: text, whole-match, tag-name, text, ...
    plain = [parts[i] for i in range(0, len(parts), 3)]
    joined = "\x00".join(plain)
    joined = _P_TAG.sub("", joined)
    balance: Counter[str] = Counter()
    for match in _BALANCED_TAG.finditer(joined):
        if not match[3]:  # <br/>-style tags neither open nor close
            balance[match[2].lower()] += -1 if match[1] else 1
    for name, count in balance.items():
        if count:
            # Unbalanced inline tags make parsing quadratic; their text is what matters.
            joined = re.sub(rf"</?{name}(?:\s[^<>]*)?/?>", "", joined, flags=re.I)
    # Attributes of ordinary HTML tags mean nothing in reST and cost parse time.
    joined = _HTML_OPEN.sub(_keep_attributes, joined)
    plain = joined.split("\x00")
    out = []
    for i, chunk in enumerate(plain):
        out.append(chunk)
        if 3 * i + 1 < len(parts):
            out.append(parts[3 * i + 1])
    return "".join(out)


_STYLED_HTML = ("div|span|ul|ol|li|dl|dt|dd|table|tr|td|th|thead|tbody|tfoot|caption|font|"
                "small|big|center|b|i|u|s|em|strong|code|tt|sub|sup|blockquote|h[1-6]|abbr|cite")
_HTML_OPEN = re.compile(rf"<({_STYLED_HTML})(\s[^<>]*?)(/?)>", re.I)
_KEPT_ATTRIBUTE = re.compile(r"\b(colspan|rowspan)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*)", re.I)


def _keep_attributes(match: re.Match[str]) -> str:
    kept = " ".join(m.group(0) for m in _KEPT_ATTRIBUTE.finditer(match.group(2)))
    return f"<{match.group(1)}{' ' + kept if kept else ''}{match.group(3)}>"


def _parse(text: str) -> Wikicode:
    return mwparserfromhell.parse(text, skip_style_tags=True)


# ---------------------------------------------------------------------------------------------
# Conversion state


@dataclass
class _Footnote:
    label: str
    body: Wikicode | None = None
    emitted: bool = False


class _Ctx:
    """Mutable state of one page conversion."""

    def __init__(self, options: ConvertOptions, title: str, anchors: frozenset[str]) -> None:
        self.options = options
        self.title = title
        self.display_title: str | None = None
        self.anchors = anchors
        self.categories: list[str] = []
        self.unknown: Counter[str] = Counter()
        self.glossary: list[tuple[str, str]] = []
        self.images: list[str] = []
        self.warnings: list[str] = []
        self.seen_anchors: Counter[str] = Counter()
        self.labels: set[str] = {options.label}
        self.heading_stack: list[tuple[int, str]] = []
        self.footnotes: dict[str, _Footnote] = {}
        self.anon_refs = 0
        self.same_page_refs: list[tuple[str, str, str]] = []  # (role, label, text)
        self.templates = {_template_key(k): v for k, v in options.templates.items()}
        self.interwiki = {k.lower(): v for k, v in options.interwiki.items()}
        self.lifted: list[_Split] = []  # simple tables taken out before parsing (_lift_tables)

    @property
    def in_glossary(self) -> bool:
        return any(_GLOSSARY.search(text) for _, text in self.heading_stack)


_GLOSSARY = re.compile(r"\b(glossary|definitions|terminology)\b", re.I)

# Blocks are (kind, lines); kinds decide the separators needed between neighbours.
Block = tuple[str, list[str]]
_INDENTED = {"list", "dl", "quote", "code", "directive", "table", "raw"}


def _join_blocks(blocks: list[Block], top: bool) -> list[str]:
    """Join blocks with blank lines, keeping neighbours from merging into each other."""
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        if block[0] == "transition":
            # docutils only allows transitions between body elements of a section.
            prev = kept[-1][0] if kept else None
            nxt = next((b[0] for b in blocks[i + 1 :] if b[0] != "transition"), None)
            if not top or prev in (None, "transition", "heading") or nxt in (None, "heading"):
                continue
        kept.append(block)
    out: list[str] = []
    prev_kind = None
    for kind, lines in kept:
        if not lines:
            continue
        if out:
            out.append("")
            if (kind == "quote" and prev_kind not in ("para", "heading")) or (
                kind == "list" and prev_kind == "list"
            ):
                out.extend(["..", ""])
        out.extend(lines)
        prev_kind = kind
    return out


# ---------------------------------------------------------------------------------------------
# Public entry points


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
    head += rst.heading(rst.escape_line_start(rst.escape_inline(page_title)), "=", True)
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
    lines = _drop_dangling_refs(_join_blocks(blocks, top=False), ctx)
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
        lines = _join_blocks(_blocks(_parse(_preclean(wikitext)).nodes, ctx, True), False)
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
    return _join_blocks(blocks, top=True)


# ---------------------------------------------------------------------------------------------
# Expansion of parser functions and magic variables

_PAGENAME_VARS = {"PAGENAME", "FULLPAGENAME", "PAGENAMEE", "FULLPAGENAMEE", "BASEPAGENAME",
                  "SUBPAGENAME", "ROOTPAGENAME", "ARTICLEPAGENAME"}


def _template_key(name: str) -> str:
    name = " ".join(name.replace("_", " ").split())
    if name.lower().startswith("template:"):
        name = name[9:].strip()
    return _upper_first(name)


def _expand(nodes: Iterable[Node], ctx: _Ctx) -> list[Node]:
    """Replace parser functions and magic variables we can evaluate by their result."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Template):
            result = _evaluate(node, ctx)
            if result is not None:
                out.extend(_expand(_parse(result).nodes, ctx) if result else [])
                continue
        out.append(node)
    return out


def _evaluate(node: Template, ctx: _Ctx) -> str | None:
    """The wikitext a parser function yields, or None when it cannot be evaluated here."""
    name = str(node.name).strip()
    head, colon, arg = name.partition(":")
    key = head.strip().lower()
    params = [str(p.value).strip() for p in node.params]
    if not colon:
        if name.upper() in _PAGENAME_VARS:
            title = ctx.title.partition(":")[2] if ":" in ctx.title else ctx.title
            return title if name.upper().startswith(("PAGE", "BASE", "SUB", "ROOT")) else ctx.title
        if name == "!":
            return "&#124;"
        if name == "=":
            return "&#61;"
        return None
    if _has_arguments(arg) or any(_has_arguments(p) for p in params[:1]):
        return None  # depends on template parameters we do not have: keep it visible
    arg = arg.strip()
    if key == "displaytitle":
        ctx.display_title = _plain(_parse(arg).nodes)
        return ""
    if key in ("defaultsort", "defaultsortkey", "defaultcategorysort"):
        return ""
    if key == "#if":
        return _param(params, 0) if arg else _param(params, 1)
    if key == "#ifeq":
        same = arg == _param(params, 0)
        return _param(params, 1) if same else _param(params, 2)
    if key == "#switch":
        default = ""
        for p in params:
            case, eq, value = p.partition("=")
            if not eq:
                default = p
            elif case.strip() == arg:
                return value.strip()
            elif case.strip() == "#default":
                default = value.strip()
        return default
    if key == "urlencode":
        return html.escape(quote_plus(_plain(_parse(arg).nodes)))
    if key in ("fullurl", "localurl", "canonicalurl", "fullurle", "localurle"):
        url = _wiki_url(ctx, normalise_title(arg), "")
        if url and params:
            url += "?" + params[0]
        return url or arg
    if key in ("lc", "uc", "lcfirst", "ucfirst"):
        funcs: dict[str, Callable[[str], str]] = {
            "lc": str.lower, "uc": str.upper, "ucfirst": _upper_first,
            "lcfirst": lambda s: s[:1].lower() + s[1:],
        }
        return funcs[key](arg)
    return None


def _param(params: list[str], index: int) -> str:
    return params[index] if index < len(params) else ""


def _has_arguments(text: str) -> bool:
    return "{{{" in text


# ---------------------------------------------------------------------------------------------
# Blocks

_LIST_CHARS = {"li", "dt", "dd"}
_BLOCK_TAGS = {"table", "pre", "blockquote", "div", "center", "gallery", "references", "ul", "ol",
               "dl", "h1", "h2", "h3", "h4", "h5", "h6", "poem", "hr", "source",
               "syntaxhighlight", "noinclude", "onlyinclude"}
_MAGIC = re.compile(r"__[A-Z]+__|~{3,5}")


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


def _is_blank(line: list[Node]) -> bool:
    return all(isinstance(n, Text) and not n.value.strip() for n in line)


def _is_ignorable(line: list[Node]) -> bool:
    """Lines holding only comments, categories and magic words vanish in MediaWiki."""
    if _is_blank(line):
        return False
    for node in line:
        if isinstance(node, Comment):
            continue
        if isinstance(node, Text) and not _MAGIC.sub("", node.value).strip():
            continue
        if isinstance(node, Wikilink) and _is_category(node):
            continue
        return False
    return True


def _is_category(link: Wikilink) -> bool:
    target = str(link.title).strip()
    return not target.startswith(":") and normalise_title(target).startswith("Category:")


def _list_prefix(line: list[Node]) -> str:
    prefix = ""
    for node in line:
        if isinstance(node, Tag) and _name(node) in _LIST_CHARS and node.wiki_markup:
            prefix += str(node.wiki_markup)
        else:
            break
    return prefix


def _blocks(nodes: Iterable[Node], ctx: _Ctx, nested: bool) -> list[Block]:
    """Turn a node list into blocks; ``nested`` means no sections may be opened."""
    nodes = _expand(nodes, ctx)
    if nested and nodes and isinstance(nodes[0], Text):
        # Content after "|" or "{{Note|" is not at a line start: no preformatted text.
        nodes[0] = Text(nodes[0].value.lstrip(" \t"))
    lines = _lines(nodes)
    blocks: list[Block] = []
    para: list[list[Node]] = []

    def flush() -> None:
        if para:
            blocks.extend(_paragraph(para, ctx))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_ignorable(line):
            _collect_categories(line, ctx)
            i += 1
            continue
        if _is_blank(line):
            flush()
            i += 1
            continue
        first = line[0]
        if len(line) == 1 and isinstance(first, Text) and ctx.lifted and \
                (lifted := _LIFTED.match(first.value.strip())):
            flush()
            blocks.extend(_lifted_table(ctx.lifted[int(lifted[1])], ctx))
            i += 1
            continue
        if isinstance(first, Heading):
            flush()
            blocks.extend(_heading(first, ctx, nested))
            _segments(line[1:], ctx, para, blocks, flush)
            i += 1
            continue
        if _list_prefix(line):
            flush()
            items: list[tuple[str, list[Node]]] = []
            while i < len(lines) and (_list_prefix(lines[i]) or _is_ignorable(lines[i])):
                if _list_prefix(lines[i]):
                    items.extend(_list_items(lines[i]))
                i += 1
            blocks.extend(_list_blocks(items, 0, ctx, in_item=False))
            continue
        if isinstance(first, Tag) and _name(first) == "hr" and first.wiki_markup:
            flush()
            blocks.append(("transition", ["----"]))
            _segments(line[1:], ctx, para, blocks, flush)
            i += 1
            continue
        if _is_pre_line(line, ctx):
            flush()
            pre: list[str] = []
            while i < len(lines) and (_is_pre_line(lines[i], ctx) or _is_ignorable(lines[i])):
                if not _is_ignorable(lines[i]):
                    pre.append(_plain(lines[i])[1:])
                i += 1
            blocks.append(_code_block(pre, "text"))
            continue
        _segments(line, ctx, para, blocks, flush)
        i += 1
    flush()
    return blocks


def _is_pre_line(line: list[Node], ctx: _Ctx) -> bool:
    if _is_blank(line):
        return False
    first = line[0]
    if not (isinstance(first, Text) and first.value.startswith(" ")):
        return False
    return not any(_is_block_node(n, line, ctx) for n in line)


def _segments(
    line: list[Node], ctx: _Ctx, para: list[list[Node]], blocks: list[Block],
    flush: Callable[[], None],
) -> None:
    """Add a paragraph line, splitting it where block-level nodes sit inside it."""
    current: list[Node] = []
    for node in line:
        if _is_block_node(node, line, ctx):
            if current:
                para.append(current)
                current = []
            flush()
            blocks.extend(_block_node(node, ctx))
        else:
            current.append(node)
    if current and not _is_blank(current):
        para.append(current)


def _is_block_node(node: Node, line: list[Node], ctx: _Ctx | None = None) -> bool:
    if isinstance(node, Tag):
        if _name(node) in ("source", "syntaxhighlight") and node.has("inline"):
            return False
        return _name(node) in _BLOCK_TAGS
    if isinstance(node, Wikilink):
        target = str(node.title).strip()
        return not target.startswith(":") and _is_file(target)
    if isinstance(node, Template):
        rule = ctx.templates.get(_template_key(str(node.name))) if ctx else None
        if rule is not None and rule.kind in ("admonition", "references"):
            return True
        alone = all(n is node or _is_blank([n]) or isinstance(n, Comment) for n in line)
        return alone or "\n" in str(node)
    return False


def _is_file(target: str) -> bool:
    ns = normalise_title(target).partition(":")[0]
    return ns in ("File", "Image")


def _collect_categories(line: Iterable[Node], ctx: _Ctx) -> None:
    for node in line:
        if isinstance(node, Wikilink) and _is_category(node):
            ctx.categories.append(normalise_title(str(node.title)).partition(":")[2])


def _block_node(node: Node, ctx: _Ctx) -> list[Block]:
    """Blocks for one block-level node found inside a line."""
    if isinstance(node, Wikilink):
        return _figure(node, ctx)
    if isinstance(node, Template):
        return _template_block(node, ctx)
    assert isinstance(node, Tag)
    tag = _name(node)
    if tag == "table":
        return _table(node, ctx)
    if tag == "pre":
        text = html.unescape(_raw_contents(node))
        return [_code_block(text.split("\n"), "text")]
    if tag in ("source", "syntaxhighlight"):
        lang = str(node.get("lang").value).strip() if node.has("lang") else ""
        code = _raw_contents(node).split("\n")
        return [_code_block(code, _pygments_lang(lang, "\n".join(code)))]
    if tag == "blockquote":
        inner = _join_blocks(_blocks(node.contents.nodes, ctx, True), False)
        return [("quote", rst.indent(inner, 4))]
    if tag in ("ul", "ol"):
        return _html_list(node, ctx)
    if tag == "dl":
        return _blocks(_html_children(node), ctx, True)
    if tag.startswith("h") and tag[1:].isdigit():
        heading = Heading(node.contents, int(tag[1:]))
        return _heading(heading, ctx, nested=True)
    if tag == "references":
        for child in node.contents.nodes if node.contents is not None else []:
            if isinstance(child, Tag) and _name(child) == "ref":
                _footnote_ref(child, ctx)
        return _footnote_blocks(ctx)
    if tag == "gallery":
        return _gallery(node, ctx)
    if tag == "poem":
        return _paragraph([[n for n in _poem_nodes(node)]], ctx)
    if tag == "hr":
        return [("transition", ["----"])]
    # div, center, noinclude, onlyinclude: transparent containers
    return _blocks(node.contents.nodes if node.contents is not None else [], ctx, True)


def _raw_contents(tag: Tag) -> str:
    text = str(tag.contents) if tag.contents is not None else ""
    return text.strip("\n")


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


def _html_children(tag: Tag) -> list[Node]:
    return list(tag.contents.nodes) if tag.contents is not None else []


def _html_list(tag: Tag, ctx: _Ctx) -> list[Block]:
    marker = "#." if _name(tag) == "ol" else "*"
    items = [
        _join_blocks(_blocks(n.contents.nodes if n.contents is not None else [], ctx, True), False)
        for n in _html_children(tag)
        if isinstance(n, Tag) and _name(n) == "li"
    ]
    return [("list", _list_lines(marker, items))] if items else []


# -- code ---------------------------------------------------------------------------------------

_LANG_ALIASES = {
    "js": "javascript", "html4strict": "html", "html5": "html", "xhtml": "html",
    "sh": "bash", "shell": "bash", "console": "console", "cpp": "cpp", "c++": "cpp",
    "csharp": "csharp", "c#": "csharp", "py": "python", "python3": "python", "rb": "ruby",
    "apache": "apacheconf", "dos": "batch", "bat": "batch", "cmd": "batch", "text": "text",
    "txt": "text", "none": "text", "plain": "text", "mysql": "mysql", "json": "json",
    "xml": "xml", "css": "css", "php": "php", "java": "java", "perl": "perl", "sql": "sql",
    "ini": "ini", "diff": "diff", "make": "make", "makefile": "make", "yaml": "yaml",
    "http": "http", "nginx": "nginx", "go": "go", "rust": "rust", "ts": "typescript",
}


def _pygments_lang(lang: str, code: str) -> str:
    """A Pygments lexer name that lexes ``code`` without errors, else ``text``.

    Sphinx warns when a lexer meets an error token, so wiki code with a wrong or unknown
    language is shown as plain text instead.
    """
    lang = _LANG_ALIASES.get(lang.lower(), lang.lower())
    if not lang or lang == "text":
        return "text"
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.token import Error

        lexer = get_lexer_by_name(lang)
    except Exception:  # pygments missing or no such lexer
        return "text"
    if any(token is Error for token, _ in lexer.get_tokens(code)):
        return "text"
    return lang if re.fullmatch(r"[\w+#.-]+", lang) else "text"


def _code_block(lines: list[str], lang: str) -> Block:
    lines = [part.rstrip().expandtabs(8) for line in lines for part in line.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ("code", [])
    return ("code", [f".. code-block:: {lang}", ""] + rst.indent(lines, 3))


# -- headings ---------------------------------------------------------------------------------

_ADORNMENTS = "=-~^\"'`"


def _heading(node: Heading, ctx: _Ctx, nested: bool) -> list[Block]:
    text = " ".join(_plain(node.title.nodes, ctx=ctx).split())
    anchor = _next_anchor(ctx.seen_anchors, text)
    stack = ctx.heading_stack
    while stack and stack[-1][0] >= node.level:
        stack.pop()
    stack.append((node.level, text))
    if not text:
        ctx.warnings.append("empty heading dropped")
        return []
    lines: list[str] = []
    label = section_label(ctx.options.label, anchor)
    if label not in ctx.labels:
        ctx.labels.add(label)
        lines += [f".. _{label}:", ""]
    else:
        ctx.warnings.append(f"heading {text!r}: label {label} already used")
    title = rst.escape_line_start(rst.escape_inline(text))
    if nested:
        return [("heading", lines + [f".. rubric:: {title}"])]
    depth = min(len(stack), len(_ADORNMENTS)) - 1
    return [("heading", lines + rst.heading(title, _ADORNMENTS[depth]))]


# -- lists ------------------------------------------------------------------------------------


def _list_items(line: list[Node]) -> list[tuple[str, list[Node]]]:
    """(prefix, content) of a list line; ";term : def" gives a term and a definition."""
    prefix = _list_prefix(line)
    rest = line[len(prefix) :]
    if prefix.endswith(";"):
        for i, node in enumerate(rest):
            if isinstance(node, Tag) and _name(node) == "dd" and node.wiki_markup:
                return [(prefix, rest[:i]), (prefix[:-1] + ":", rest[i + 1 :])]
    return [(prefix, rest)]


def _list_kind(ch: str) -> str:
    return {"*": "bullet", "#": "enum"}.get(ch, "dl")


def _list_blocks(
    items: list[tuple[str, list[Node]]], depth: int, ctx: _Ctx, in_item: bool
) -> list[Block]:
    """Blocks for list lines whose prefixes agree up to ``depth``."""
    blocks: list[Block] = []
    i = 0
    while i < len(items):
        kind = _list_kind(items[i][0][depth])
        j = i
        while j < len(items) and _list_kind(items[j][0][depth]) == kind:
            j += 1
        group = items[i:j]
        if kind == "dl":
            blocks.extend(_dl_blocks(group, depth, ctx, in_item))
        else:
            blocks.extend(_ordered_blocks(group, depth, ctx, "*" if kind == "bullet" else "#."))
        i = j
    return blocks


def _ordered_blocks(
    group: list[tuple[str, list[Node]]], depth: int, ctx: _Ctx, marker: str
) -> list[Block]:
    entries: list[tuple[list[Node], list[tuple[str, list[Node]]]]] = []
    for prefix, nodes in group:
        if len(prefix) == depth + 1 or not entries:
            entries.append((nodes if len(prefix) == depth + 1 else [], []))
        if len(prefix) > depth + 1:
            entries[-1][1].append((prefix, nodes))
    rendered = []
    for nodes, children in entries:
        blocks = _line_blocks(nodes, ctx)
        if children:
            blocks += _list_blocks(children, depth + 1, ctx, in_item=True)
        rendered.append(_join_blocks(blocks, False))
    return [("list", _list_lines(marker, rendered))]


def _list_lines(marker: str, items: list[list[str]]) -> list[str]:
    out: list[str] = []
    pad = len(marker) + 1
    for lines in items:
        if out:
            out.append("")
        if not lines:
            out.append(marker)
        elif lines[0].startswith(".."):
            out += [marker, ""] + rst.indent(lines, pad)
        else:
            out.append(f"{marker} {lines[0]}")
            out.extend(rst.indent(lines[1:], pad))
    return out


def _dl_blocks(
    group: list[tuple[str, list[Node]]], depth: int, ctx: _Ctx, in_item: bool
) -> list[Block]:
    # entries: [term nodes or None (plain indentation), blocks]
    entries: list[tuple[list[Node] | None, list[Block]]] = []
    deeper: list[tuple[str, list[Node]]] = []

    def flush_deeper() -> None:
        if deeper:
            if not entries:
                entries.append((None, []))
            entries[-1][1].extend(_list_blocks(list(deeper), depth + 1, ctx, in_item=False))
            deeper.clear()

    for prefix, nodes in group:
        if len(prefix) > depth + 1:
            deeper.append((prefix, nodes))
            continue
        flush_deeper()
        if prefix[depth] == ";" and _plain(nodes).strip():
            entries.append((nodes, []))
        elif entries and (entries[-1][0] is not None or prefix[depth] == ":"):
            entries[-1][1].extend(_line_blocks(nodes, ctx))
        else:
            entries.append((None, _line_blocks(nodes, ctx)))
    flush_deeper()

    blocks: list[Block] = []
    for term, body in entries:
        inner = _join_blocks(body, False)
        if term is None:
            if in_item:
                blocks.extend(body)
            elif inner:
                blocks.append(("quote", rst.indent(inner, 4)))
            continue
        if not inner:
            # A term alone is a bold line in MediaWiki (often used as a small heading).
            bold = _emit_lines(_tokens(term, ctx, frozenset({"b"})))
            blocks.append(("para", [" ".join(line for line in bold if line)]))
            continue
        term_rst = _term(term, ctx)
        if ctx.in_glossary:
            plain = " ".join(_plain(term).split())
            ctx.glossary.append((plain, "\n".join(inner)))
            spellings = ctx.options.glossary_terms
            if spellings is not None and plain and not re.search(r"[`<>\\]", plain):
                term_rst = f":term:`{spellings.get(plain.lower(), plain)}`"
        item = [term_rst] + rst.indent(inner, 3)
        if blocks and blocks[-1][0] == "dl":
            blocks[-1][1].extend([""] + item)
        else:
            blocks.append(("dl", item))
    return blocks


def _term(nodes: list[Node], ctx: _Ctx) -> str:
    """A definition-list term: one line, no classifier separator, no literal-block marker."""
    tokens = _tokens(nodes, ctx, frozenset())
    tokens = [t if t[0] != "br" else ("t", " ", t[2]) for t in tokens]
    line = _emit_lines(tokens)[0].strip() if tokens else ""
    return line.replace(" : ", " \\: ") or "\\ "


def _line_blocks(nodes: list[Node], ctx: _Ctx) -> list[Block]:
    """Blocks for the content of one list line (it may hold block-level nodes)."""
    blocks: list[Block] = []
    para: list[list[Node]] = []

    def flush() -> None:
        if para:
            blocks.extend(_paragraph(para, ctx))
            para.clear()

    _segments(nodes, ctx, para, blocks, flush)
    flush()
    return blocks


# ---------------------------------------------------------------------------------------------
# Inline content: tokens are ("t", text, styles), ("q", run, styles), ("a", reST, styles),
# ("br", "", styles) and ("nl", "", styles) between source lines.

Token = tuple[str, str, frozenset[str]]
_NO_STYLE: frozenset[str] = frozenset()
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


def _paragraph(lines: list[list[Node]], ctx: _Ctx) -> list[Block]:
    tokens: list[Token] = []
    for i, line in enumerate(lines):
        if i:
            tokens.append(("nl", "", _NO_STYLE))
        tokens.extend(_tokens(line, ctx, _NO_STYLE))
    out = _emit_lines(tokens)
    if any(t[0] == "br" for t in tokens):
        block = [("| " + line.lstrip()).rstrip() for line in out]
        while block and block[-1] == "|":
            block.pop()
        return [("para", block)] if block else []
    out = [line.strip() for line in out if line.strip()]
    return [("para", out)] if out else []


def _inline_rst(tokens: list[Token]) -> str:
    return " ".join(line.strip() for line in _emit_lines(tokens) if line.strip())


def _tokens(nodes: Iterable[Node], ctx: _Ctx, styles: frozenset[str]) -> list[Token]:
    """Inline tokens for nodes of one paragraph."""
    out: list[Token] = []
    nodes = list(nodes)
    for index, node in enumerate(nodes):
        if isinstance(node, Text):
            text = _MAGIC.sub("", node.value)
            for part in re.split(r"('{2,})", text):
                if re.fullmatch(r"'{2,}", part):
                    out.append(("q", part, styles))
                elif part:
                    out.append(("t", part, styles))
        elif isinstance(node, HTMLEntity):
            out.append(("t", node.normalize(), styles))
        elif isinstance(node, Comment):
            continue
        elif isinstance(node, Wikilink):
            out.extend(_link_tokens(node, ctx, nodes[index + 1 :], styles))
        elif isinstance(node, ExternalLink):
            out.extend(_external_tokens(node, ctx, styles))
        elif isinstance(node, Template):
            out.extend(_template_tokens(node, ctx, styles))
        elif isinstance(node, Argument):
            out.append(("t", str(node), styles))
        elif isinstance(node, Heading):
            out.append(("t", _plain(node.title.nodes), styles))
        elif isinstance(node, Tag):
            out.extend(_tag_tokens(node, ctx, styles))
        else:
            out.append(("t", str(node), styles))
    return out


def _tag_tokens(node: Tag, ctx: _Ctx, styles: frozenset[str]) -> list[Token]:
    tag = _name(node)
    contents = node.contents.nodes if node.contents is not None else []
    if node.wiki_markup and tag in _LIST_CHARS:
        return [("t", str(node.wiki_markup), styles)]
    if tag in _BOLD_TAGS:
        return _tokens(contents, ctx, styles | {"b"})
    if tag in _ITALIC_TAGS:
        return _tokens(contents, ctx, styles | {"i"})
    if tag in _CODE_TAGS:
        code = _plain(contents) if tag != "math" else _raw_contents(node)
        return [("a", rst.literal(code), styles)]
    if tag in ("source", "syntaxhighlight"):
        return [("a", rst.literal(_raw_contents(node)), styles)]
    if tag in ("sub", "sup"):
        text = " ".join(_plain(contents).split())
        return [("a", rst.role(tag, text), styles)] if text else []
    if tag == "br":
        return [("br", "", styles)]
    if tag == "nowiki":
        return [("t", html.unescape(_raw_contents(node)), styles)] if contents else []
    if tag == "ref":
        label = _footnote_ref(node, ctx)
        return [("a", f"[#{label}]_", styles)]
    if tag in _HIDDEN:
        return []
    if tag in _TRANSPARENT:
        return _tokens(contents, ctx, styles)
    if tag in _BLOCK_TAGS:
        # A block tag inside a construct that only takes inline text (a heading, a term).
        return [("t", " ".join(_plain(contents).split()), styles)]
    # Unknown or unsafe HTML (script, iframe, ...): MediaWiki shows it as text, and so do we.
    return [("t", str(node), styles)]


# -- quotes -------------------------------------------------------------------------------------


def _resolve_quotes(tokens: list[Token]) -> list[Token]:
    """Apply MediaWiki's bold/italic rules for one line: runs of '' and ''' toggle styles."""
    fixed: list[Token] = []
    for kind, value, styles in tokens:
        if kind == "q":
            n = len(value)
            if n == 4:
                fixed += [("t", "'", styles), ("q", "'''", styles)]
            elif n > 5:
                fixed += [("t", "'" * (n - 5), styles), ("q", "'''''", styles)]
            else:
                fixed.append((kind, value, styles))
        else:
            fixed.append((kind, value, styles))
    twos = sum(1 for t in fixed if t[0] == "q" and len(t[1]) in (2, 5))
    threes = sum(1 for t in fixed if t[0] == "q" and len(t[1]) in (3, 5))
    if twos % 2 and threes % 2:
        # One ''' is really an apostrophe followed by '' (as in l'''amour''); prefer one
        # after a single-letter word, then one after a word, then the first.
        candidates = [i for i, t in enumerate(fixed) if t[0] == "q" and len(t[1]) == 3]
        chosen = None
        for i in candidates:
            before = fixed[i - 1][1] if i and fixed[i - 1][0] == "t" else ""
            if len(before) >= 2 and before[-1] != " " and before[-2] == " ":
                chosen = i
                break
        if chosen is None:
            for i in candidates:
                before = fixed[i - 1][1] if i and fixed[i - 1][0] == "t" else ""
                if before and before[-1] != " ":
                    chosen = i
                    break
        if chosen is None and candidates:
            chosen = candidates[0]
        if chosen is not None:
            s = fixed[chosen][2]
            fixed[chosen : chosen + 1] = [("t", "'", s), ("q", "''", s)]
    out: list[Token] = []
    bold = italic = False
    for kind, value, styles in fixed:
        if kind == "q":
            if len(value) == 2:
                italic = not italic
            elif len(value) == 3:
                bold = not bold
            else:
                bold, italic = not bold, not italic
            continue
        extra = ({"b"} if bold else set()) | ({"i"} if italic else set())
        out.append((kind, value, styles | extra))
    return out


def _emit_lines(tokens: list[Token]) -> list[str]:
    """Render tokens into output lines (one per source line or <br>)."""
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if token[0] in ("nl", "br"):
            lines.append([])
        else:
            lines[-1].append(token)
    # Quotes are per source line; a <br> does not end them in MediaWiki, but keeping them per
    # output line is what reST can express.
    return [_emit_line(_resolve_quotes(line)).strip() for line in lines]


def _emit_line(tokens: list[Token]) -> str:
    pieces: list[tuple[str, bool]] = []
    run: list[str] = []
    run_style: frozenset[str] | None = None

    def close() -> None:
        nonlocal run_style
        if run_style is None:
            return
        text = "".join(run)
        run.clear()
        style, run_style = run_style, None
        if not style or not text.strip():
            pieces.append((rst.escape_inline(_collapse(text)), False))
            return
        mark = "**" if "b" in style else "*"
        stripped = _collapse(text)
        lead = " " if stripped[:1] == " " else ""
        trail = " " if stripped[-1:] == " " else ""
        if lead:
            pieces.append((" ", False))
        pieces.append((mark + rst.escape_inline(stripped.strip()) + mark, True))
        if trail:
            pieces.append((" ", False))

    for kind, value, styles in tokens:
        style = frozenset(s for s in styles if s in ("b", "i"))
        if kind == "t":
            if run_style is not None and style != run_style:
                close()
            run_style = style
            run.append(value)
        else:
            close()
            pieces.append((value, True))
    close()
    # Escape the line start and end only where they are text, never inside our own markup.
    while pieces and not pieces[0][0].strip():
        pieces.pop(0)
    while pieces and not pieces[-1][0].strip():
        pieces.pop()
    if pieces and not pieces[0][1]:
        pieces[0] = (rst.escape_start(pieces[0][0].lstrip()), False)
    if pieces and not pieces[-1][1]:
        pieces[-1] = (rst.escape_end(pieces[-1][0].rstrip()), False)
    return rst.join_pieces(pieces)


def _collapse(text: str) -> str:
    # Whitespace inside a paragraph line is not significant; newlines would break the line.
    return re.sub(r"[ \t\n]+", " ", text)


# -- links --------------------------------------------------------------------------------------

_SCHEMES = re.compile(r"^(https?|ftps?|mailto|irc|ircs|news|git|svn|ssh|sftp|tel|xmpp):|^//", re.I)


def _wiki_url(ctx: _Ctx, title: str, anchor: str) -> str | None:
    base = ctx.options.wiki_url
    if not base:
        return None
    url = base.replace("$1", quote(title.replace(" ", "_"), safe="/:()!,;*@$'"))
    return url + ("#" + quote(anchor, safe="/:()!,;*@$'.") if anchor else "")


def _link_tokens(
    node: Wikilink, ctx: _Ctx, following: list[Node], styles: frozenset[str]
) -> list[Token]:
    raw = str(node.title).strip()
    colon = raw.startswith(":")
    target = raw.lstrip(":").strip()
    text = " ".join(_plain(node.text.nodes).split()) if node.text is not None else ""
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
    # MediaWiki's link trail: letters right after ]] join the link text.
    if following and isinstance(following[0], Text):
        trail = re.match(r"[a-z]+", following[0].value)
        if trail:
            text += trail.group(0)
            following[0].value = following[0].value[trail.end() :]
    prefix, sep, rest = page.partition(":")
    interwiki = ctx.interwiki.get(prefix.strip().lower()) if sep else None
    if interwiki:
        name = rest.strip().replace(" ", "_") + ("#" + anchor if anchor else "")
        url = interwiki.replace("$1", quote(name, safe="/:()!,;*@$'#."))
        return [("a", rst.anonymous_link(text, url), styles)]
    if ns == "Media":
        url = _wiki_url(ctx, "Special:FilePath/" + title.partition(":")[2], "")
        return [("a", rst.anonymous_link(text, url), styles)] if url else [("t", text, styles)]
    if not title:
        key = _anchor(anchor)
        if key in ctx.anchors:
            label = section_label(ctx.options.label, key)
            role = rst.role("ref", text, label)
            ctx.same_page_refs.append((role, label, text))
            return [("a", role, styles)]
        return [("t", text, styles)]
    ref = ctx.options.resolve(title)
    if ref is not None:
        key = _anchor(anchor)
        if anchor and key in ref.anchors:
            return [("a", rst.role("ref", text, section_label(ref.label, key)), styles)]
        return [("a", rst.role("doc", text, _safe_docname(ref.docname)), styles)]
    url = _wiki_url(ctx, title, _anchor(anchor))
    if url:
        return [("a", rst.anonymous_link(text, url), styles)]
    return [("t", text, styles)]


def _safe_docname(docname: str) -> str:
    return re.sub(r"[\s`<>\\]", "", docname)


def _external_tokens(node: ExternalLink, ctx: _Ctx, styles: frozenset[str]) -> list[Token]:
    url = _plain(node.url.nodes).strip()
    text = " ".join(_plain(node.title.nodes).split()) if node.title is not None else ""
    if not _SCHEMES.match(url):
        return [("t", str(node), styles)]
    if url.startswith("//"):
        url = "https:" + url
    if node.brackets and not text:
        # [http://x] shows as a numbered link in MediaWiki; the URL is clearer here.
        text = url
    return [("a", rst.anonymous_link(text, url), styles)]


# -- images -----------------------------------------------------------------------------------

_IMAGE_OPTION = re.compile(
    r"^(thumb|thumbnail|frame|framed|frameless|border|left|right|center|centre|none|baseline|"
    r"sub|super|top|text-top|middle|bottom|text-bottom|upright(=.*)?|\d*(x\d+)?px|"
    r"(alt|link|page|class|lang|thumbtime|start|end)=.*)$",
    re.I | re.S,
)


def _split_params(code: Wikicode | None) -> list[list[Node]]:
    """Split link text at top-level pipes."""
    return _split_nodes(code.nodes if code is not None else [], "|")


def _figure(node: Wikilink, ctx: _Ctx, caption_nodes: list[Node] | None = None) -> list[Block]:
    name = normalise_title(str(node.title)).partition(":")[2]
    ctx.images.append(name)
    caption: list[Node] = []
    alt = ""
    for part in _split_params(node.text):
        value = _plain(part).strip()
        if value.lower().startswith("alt="):
            alt = value[4:]
        elif not _IMAGE_OPTION.match(value):
            caption = part
    if caption_nodes is not None:
        caption = caption_nodes
    # A figure caption must be one paragraph: line breaks become spaces.
    caption = [Text(" ") if isinstance(n, Tag) and _name(n) == "br" else n for n in caption]
    caption_lines = _paragraph([caption], ctx) if caption else []
    caption_text = " ".join(_plain(caption).split())
    url = _wiki_url(ctx, "Special:FilePath/" + name, "")
    if not url:
        words = [("t", f"[Image: {name}]", _NO_STYLE)]
        if caption:
            words += [("t", " ", _NO_STYLE)] + _tokens(caption, ctx, _NO_STYLE)
        return [("para", [rst.escape_line_start(_inline_rst(words))])]
    # Option values are not inline markup, but a backslash still escapes the line's end.
    alt = " ".join((alt or caption_text or name).replace("\\", "").split()) or name
    lines = [f".. figure:: {rst.escape_url(url)}", f"   :alt: {alt}"]
    if caption_lines:
        body = _join_blocks(caption_lines, False)
        lines += [""] + rst.indent(body, 3)
    return [("directive", lines)]


def _gallery(node: Tag, ctx: _Ctx) -> list[Block]:
    blocks: list[Block] = []
    for line in _raw_contents(node).split("\n"):
        target, _, caption = line.strip().partition("|")
        if not target.strip():
            continue
        if ":" not in target:
            target = "File:" + target
        link = _parse(f"[[{target}]]").nodes[0]
        if isinstance(link, Wikilink):
            blocks.extend(_figure(link, ctx, _parse(caption).nodes))
    return blocks


# -- templates --------------------------------------------------------------------------------


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


def _template_tokens(node: Template, ctx: _Ctx, styles: frozenset[str]) -> list[Token]:
    key, rule = _template_rule(node, ctx)
    if rule is None or rule.kind in ("admonition", "references"):
        if rule is None:
            ctx.unknown[_unknown_key(key)] += 1
        return [("a", rst.literal(str(node)), styles)]
    if rule.kind == "drop":
        return []
    value = _template_text(node, rule)
    if value is None:
        return []
    if rule.kind == "code":
        return [("a", rst.literal(_plain(value.nodes)), styles)]
    return _tokens(_expand(value.nodes, ctx), ctx, styles)


def _unknown_key(key: str) -> str:
    return key.partition(":")[0] if key.startswith("#") else key


def _template_block(node: Template, ctx: _Ctx) -> list[Block]:
    key, rule = _template_rule(node, ctx)
    if rule is not None and rule.kind == "references":
        return _footnote_blocks(ctx)
    if rule is not None and rule.kind == "admonition":
        value = _template_text(node, rule)
        body = _join_blocks(_blocks(value.nodes, ctx, True), False) if value else []
        if not body:
            ctx.warnings.append(f"template {key}: no text, dropped")
            return []
        name = rule.admonition or "note"
        head = f".. {name}::"
        if name == "admonition" or rule.title:
            head = f".. admonition:: {rst.escape_inline(rule.title or key)}"
        return [("directive", [head, ""] + rst.indent(body, 3))]
    if rule is not None:
        return _paragraph([[node]], ctx)
    # Unknown: keep it visible, with its parameters converted so no content is lost.
    ctx.unknown[_unknown_key(key)] += 1
    if not node.params or key.startswith("#"):
        return [("para", [rst.literal(str(node))])]
    body: list[Block] = []
    for param in node.params:
        value = _join_blocks(_blocks(param.value.nodes, ctx, True), False)
        if not value:
            continue
        if param.showkey:
            term = rst.escape_line_start(rst.escape_inline(str(param.name).strip()))
            term = term.replace(" : ", " \\: ") or "\\ "
            item = [term] + rst.indent(value, 3)
            if body and body[-1][0] == "dl":
                body[-1][1].extend([""] + item)
            else:
                body.append(("dl", item))
        else:
            body.append(("para", value))
    title = rst.escape_inline("Template: " + key)
    lines = _join_blocks(body, False)
    if not lines:
        return [("para", [rst.literal(str(node))])]
    return [("directive", [f".. admonition:: {title}", ""] + rst.indent(lines, 3))]


# -- footnotes --------------------------------------------------------------------------------


def _footnote_ref(node: Tag, ctx: _Ctx) -> str:
    name = str(node.get("name").value).strip().strip("\"'") if node.has("name") else ""
    body = node.contents if node.contents is not None and str(node.contents).strip() else None
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
    ctx.footnotes[name] = _Footnote(label, body)
    return label


def _footnote_blocks(ctx: _Ctx) -> list[Block]:
    blocks: list[Block] = []
    while True:
        pending = [n for n in ctx.footnotes.values() if not n.emitted]
        if not pending:
            return blocks
        for note in pending:
            note.emitted = True
            inner = _join_blocks(_blocks(note.body.nodes, ctx, True), False) if note.body else []
            if not inner:
                inner = ["(This reference has no text on the wiki page.)"]
            marker = f".. [#{note.label}]"
            if inner[0].startswith(".."):
                lines = [marker, ""] + rst.indent(inner, 3)
            else:
                lines = [f"{marker} {inner[0]}"] + rst.indent(inner[1:], 3)
            blocks.append(("directive", lines))


# -- tables -----------------------------------------------------------------------------------


def _span(node: Tag, name: str) -> int:
    if not node.has(name):
        return 1
    digits = re.match(r"\s*[\"']?\s*(\d+)", str(node.get(name).value))
    return max(1, min(int(digits.group(1)), 64)) if digits else 1


def _cell(tag: Tag, ctx: _Ctx) -> Cell:
    blocks = _blocks(tag.contents.nodes if tag.contents is not None else [], ctx, True)
    return Cell(_join_blocks(blocks, False), _name(tag) == "th",
                _span(tag, "colspan"), _span(tag, "rowspan"))


def _table(node: Tag, ctx: _Ctx) -> list[Block]:
    rows: list[list[Cell]] = []
    caption: list[Node] | None = None
    before: list[Block] = []

    def cell(tag: Tag) -> Cell:
        return _cell(tag, ctx)

    def walk(nodes: Iterable[Node]) -> None:
        nonlocal caption
        for child in nodes:
            if not isinstance(child, Tag):
                if isinstance(child, Text | Comment) and not str(child).strip():
                    continue
                if not isinstance(child, Comment):
                    before.extend(_line_blocks([child], ctx))
                continue
            tag = _name(child)
            if tag == "tr":
                rows.append([])
                for c in child.contents.nodes if child.contents is not None else []:
                    if isinstance(c, Tag) and _name(c) in ("td", "th"):
                        rows[-1].append(cell(c))
            elif tag in ("td", "th"):
                contents = child.contents.nodes if child.contents is not None else []
                first = contents[0] if contents else None
                if (child.wiki_markup == "|" and isinstance(first, Text)
                        and first.value.startswith("+") and caption is None and not rows):
                    # mwparserfromhell reads "|+ caption" as a cell starting with "+".
                    caption = [Text(first.value[1:])] + list(contents[1:])
                    continue
                if not rows:
                    rows.append([])
                rows[-1].append(cell(child))
            elif tag in ("thead", "tbody", "tfoot"):
                walk(child.contents.nodes if child.contents is not None else [])
            elif tag == "caption":
                caption = list(child.contents.nodes) if child.contents is not None else []
            else:
                before.extend(_line_blocks([child], ctx))

    walk(node.contents.nodes if node.contents is not None else [])
    caption_rst = _inline_rst(_tokens(caption, ctx, _NO_STYLE)) if caption else ""
    return before + _table_blocks(rows, caption_rst)


def _table_blocks(rows: list[list[Cell]], caption_rst: str) -> list[Block]:
    """A grid table keeping the spans, or a list-table when a grid cannot hold the cells."""
    rows = [r for r in rows if r]
    if not rows:
        return [("para", [rst.escape_line_start(caption_rst)])] if caption_rst else []
    has_code = any(
        line.lstrip().startswith((".. code-block", ".. list-table", ".. figure"))
        for row in rows for c in row for line in c.lines
    )
    grid = None if has_code else grid_table(rows)
    if grid is None:
        lines = list_table(rows)
        if caption_rst:
            lines[0] += " " + caption_rst
        return [("table", lines)]
    if caption_rst:
        grid = [f".. table:: {caption_rst}", ""] + rst.indent(grid, 3)
    return [("table", grid)]


# ---------------------------------------------------------------------------------------------
# Simple tables without a full parse
#
# Building mwparserfromhell's node tree for a large table costs far more than converting it
# (a 58 KB table of plain cells takes most of a second). Tables made only of plain rows and
# cells are split here, line by line as MediaWiki does, and only cells holding markup are
# parsed; any table this splitter is not sure about keeps the full parse.

_LIFTED = re.compile(r"^\x01T(\d+)\x01$")
_LITERAL_SPANS = re.compile(
    r"<(nowiki|pre|source|syntaxhighlight|math)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)",
    re.I | re.S)
_PLAIN_CELL = re.compile(r"^[^\[\]{}<>&|'~_*#:;=!\\`\n]*$")
_RISKY = re.compile(r"\{\{|\{\||<(?:ref|nowiki|pre|source|syntaxhighlight|math|gallery|!--)"
                    r"|\[\[[^\]]*\|\|", re.I)


_Split = tuple[str | None, list[list[tuple[bool, str]]]]


def _lift_tables(text: str) -> tuple[str, list[_Split]]:
    """Replace simple top-level tables by placeholder lines; return the text and the tables."""
    if "{|" not in text:
        return text, []
    lines = text.split("\n")
    # Lines inside <pre>, <nowiki>, <source>... or comments are text, never tables.
    protected: set[int] = set()
    for match in _LITERAL_SPANS.finditer(text):
        first = text.count("\n", 0, match.start())
        protected.update(range(first, first + match.group().count("\n") + 1))
    out: list[str] = []
    tables: list[_Split] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("{|") and i not in protected:
            end = i + 1
            while end < len(lines) and not lines[end].lstrip().startswith(("|}", "{|")):
                end += 1
            if end < len(lines) and lines[end].lstrip().startswith("|}") \
                    and lines[end].strip() == "|}":
                inner = "\n".join(lines[i + 1:end])
                split = None
                if not _RISKY.search(inner) and not protected.intersection(range(i, end + 1)):
                    split = _split_table(lines[i + 1:end])
                if split is not None:
                    out.append(f"\x01T{len(tables)}\x01")
                    tables.append(split)
                    i = end + 1
                    continue
        out.append(lines[i])
        i += 1
    return "\n".join(out), tables


def _split_table(body: list[str]) -> _Split | None:
    """The lines between ``{|`` and ``|}`` as (caption, rows of (header, raw cell text)), or
    None when the table is not simple."""
    rows: list[list[tuple[bool, list[str]]]] = []
    caption: str | None = None
    current: list[str] | None = None  # lines of the cell being read
    for line in body:
        stripped = line.lstrip()
        if stripped.startswith("|-"):
            rows.append([])
            current = None
        elif stripped.startswith("|+"):
            if caption is not None or rows:
                return None
            caption = stripped[2:].strip()
        elif stripped.startswith(("|", "!")):
            header = stripped[0] == "!"
            if not rows:
                rows.append([])
            for part in re.split(r"!!|\|\|" if header else r"\|\|", stripped[1:]):
                current = [part]
                rows[-1].append((header, current))
        elif current is not None:
            current.append(line)
        elif line.strip():
            return None  # text between rows: leave it to the parser
    return caption, [[(header, "\n".join(lines)) for header, lines in row] for row in rows]


def _lifted_table(split: _Split, ctx: _Ctx) -> list[Block]:
    caption, raw_rows = split
    rows: list[list[Cell]] = []
    for raw_row in raw_rows:
        row = []
        for header, raw in raw_row:
            text = raw.strip()
            if _PLAIN_CELL.match(text):
                lines = [rst.escape_line_start(rst.escape_inline(" ".join(text.split())))]
                row.append(Cell(lines if text else [], header))
                continue
            # Anything else is parsed as a one-cell table: the same reading of attributes
            # ("colspan=2 | text") and markup as inside the whole table, for a fraction of it.
            parsed = _parse("{|\n" + ("!" if header else "|") + raw + "\n|}")
            tags = [n for n in parsed.filter_tags(recursive=True) if _name(n) in ("td", "th")]
            row.append(_cell(tags[0], ctx) if tags else Cell([], header))
        rows.append(row)
    caption_rst = _inline_rst(_tokens(_parse(caption).nodes, ctx, _NO_STYLE)) if caption else ""
    return _table_blocks(rows, caption_rst)


# ---------------------------------------------------------------------------------------------
# Plain text


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
