"""Inline conversion: the nodes of a paragraph line become tokens, and tokens become reST
lines (MediaWiki's quote rules, links, images, inline templates, footnote references).

Tokens are ("t", text, styles), ("q", run, styles), ("a", reST, styles), ("br", "", styles)
and ("nl", "", styles) between source lines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote

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

from ... import rst
from ...rst import Block, join_blocks
from ..titles import _anchor, _wiki_url, normalise_title, section_label
from .context import _Ctx, _Footnote
from .parser_functions import _expand
from .parsing import _parse
from .wikinodes import (
    _BLOCK_TAGS,
    _BOLD_TAGS,
    _CODE_TAGS,
    _HIDDEN,
    _ITALIC_TAGS,
    _LIST_CHARS,
    _MAGIC,
    _TRANSPARENT,
    _name,
    _plain,
    _raw_contents,
    _split_nodes,
    _template_rule,
    _template_text,
    _unknown_key,
)

Token = tuple[str, str, frozenset[str]]
_NO_STYLE: frozenset[str] = frozenset()


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


# -- quotes ---------------------------------------------------------------------------------------


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


# -- links ----------------------------------------------------------------------------------------

_SCHEMES = re.compile(r"^(https?|ftps?|mailto|irc|ircs|news|git|svn|ssh|sftp|tel|xmpp):|^//", re.I)


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
        file_path = "Special:FilePath/" + title.partition(":")[2]
        url = _wiki_url(ctx.options.wiki_url, file_path, "")
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
    url = _wiki_url(ctx.options.wiki_url, title, _anchor(anchor))
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


# -- images ---------------------------------------------------------------------------------------

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
    url = _wiki_url(ctx.options.wiki_url, "Special:FilePath/" + name, "")
    if not url:
        words = [("t", f"[Image: {name}]", _NO_STYLE)]
        if caption:
            words += [("t", " ", _NO_STYLE)] + _tokens(caption, ctx, _NO_STYLE)
        return [("para", [rst.escape_line_start(_inline_rst(words))])]
    # Option values are not inline markup, but a backslash still escapes the line's end.
    alt = " ".join((alt or caption_text or name).replace("\\", "").split()) or name
    lines = [f".. figure:: {rst.escape_url(url)}", f"   :alt: {alt}"]
    if caption_lines:
        body = join_blocks(caption_lines, False)
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


# -- templates and footnote references ------------------------------------------------------------


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
