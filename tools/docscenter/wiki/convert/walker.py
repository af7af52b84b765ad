"""Block-level conversion: the walk over a node list line by line, and the blocks it makes
(paragraphs, headings, lists, definition lists, code, quotes, template boxes, footnotes);
tables and images come from their own modules."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from mwparserfromhell.nodes import Comment, Heading, Node, Tag, Template, Text, Wikilink

from ... import rst
from ...rst import Block, join_blocks
from ..titles import _next_anchor, _template_key, normalise_title, section_label
from .context import _Ctx
from .inline import (
    _emit_lines,
    _figure,
    _footnote_ref,
    _gallery,
    _paragraph,
    _tokens,
)
from .parser_functions import _expand
from .wiki_tables import _LIFTED, _lifted_table, _table
from .wikinodes import (
    _BLOCK_TAGS,
    _LIST_CHARS,
    _MAGIC,
    _html_children,
    _is_category,
    _is_file,
    _lines,
    _name,
    _plain,
    _raw_contents,
    _template_rule,
    _template_text,
    _unknown_key,
)


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
            blocks.extend(_lifted_table(ctx.lifted[int(lifted[1])], ctx, _blocks))
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
                    pre.append(_pre_text(lines[i])[1:])
                i += 1
            blocks.append(_code_block(pre, "text"))
            continue
        _segments(line, ctx, para, blocks, flush)
        i += 1
    flush()
    return blocks


def _pre_text(line: list[Node]) -> str:
    """The text of a preformatted line; a footnote inside it stays, in brackets (a literal
    block cannot hold a footnote reference, and nothing may be lost)."""
    kept = [Text(f"[{_plain(n.contents.nodes)}]")
            if isinstance(n, Tag) and _name(n) == "ref" and n.contents is not None else n
            for n in line]
    return _plain(kept)


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


def _is_block_node(node: Node, line: list[Node], ctx: _Ctx) -> bool:
    if isinstance(node, Tag):
        if _name(node) in ("source", "syntaxhighlight") and node.has("inline"):
            return False
        return _name(node) in _BLOCK_TAGS
    if isinstance(node, Wikilink):
        target = str(node.title).strip()
        return not target.startswith(":") and _is_file(target)
    if isinstance(node, Template):
        rule = ctx.templates.get(_template_key(str(node.name)))
        if rule is not None and rule.kind in ("admonition", "references"):
            return True
        alone = all(n is node or _is_blank([n]) or isinstance(n, Comment) for n in line)
        return alone or "\n" in str(node)
    return False


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
        return _table(node, ctx, _blocks, _line_blocks)
    if tag == "pre":
        text = html.unescape(_raw_contents(node))
        return [_code_block(text.split("\n"), "text")]
    if tag in ("source", "syntaxhighlight"):
        lang = str(node.get("lang").value).strip() if node.has("lang") else ""
        code = _raw_contents(node).split("\n")
        return [_code_block(code, _pygments_lang(lang, "\n".join(code)))]
    if tag == "blockquote":
        inner = join_blocks(_blocks(node.contents.nodes, ctx, True), False)
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
        return _paragraph([_poem_nodes(node)], ctx)
    if tag == "hr":
        return [("transition", ["----"])]
    # div, center, noinclude, onlyinclude: transparent containers
    return _blocks(node.contents.nodes if node.contents is not None else [], ctx, True)


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


def _html_list(tag: Tag, ctx: _Ctx) -> list[Block]:
    marker = "#." if _name(tag) == "ol" else "*"
    items = [
        join_blocks(_blocks(n.contents.nodes if n.contents is not None else [], ctx, True), False)
        for n in _html_children(tag)
        if isinstance(n, Tag) and _name(n) == "li"
    ]
    return [("list", _list_lines(marker, items))] if items else []


# -- code -----------------------------------------------------------------------------------------

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


# -- headings -------------------------------------------------------------------------------------

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
    title = rst.escape_line(text)
    if nested:
        return [("heading", lines + [f".. rubric:: {title}"])]
    depth = min(len(stack), len(_ADORNMENTS)) - 1
    return [("heading", lines + rst.heading(title, _ADORNMENTS[depth]))]


# -- lists ----------------------------------------------------------------------------------------


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
        rendered.append(join_blocks(blocks, False))
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
        inner = join_blocks(body, False)
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


# -- template boxes and footnotes -----------------------------------------------------------------


def _template_block(node: Template, ctx: _Ctx) -> list[Block]:
    key, rule = _template_rule(node, ctx)
    if rule is not None and rule.kind == "references":
        return _footnote_blocks(ctx)
    if rule is not None and rule.kind == "admonition":
        value = _template_text(node, rule)
        body = join_blocks(_blocks(value.nodes, ctx, True), False) if value else []
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
        value = join_blocks(_blocks(param.value.nodes, ctx, True), False)
        if not value:
            continue
        if param.showkey:
            # A name can span lines ("|a \n b=c"): a term is one line.
            name = " ".join(str(param.name).split())
            term = rst.escape_line(name)
            term = term.replace(" : ", " \\: ") or "\\ "
            item = [term] + rst.indent(value, 3)
            if body and body[-1][0] == "dl":
                body[-1][1].extend([""] + item)
            else:
                body.append(("dl", item))
        else:
            body.append(("para", value))
    title = rst.escape_inline("Template: " + key)
    lines = join_blocks(body, False)
    if not lines:
        return [("para", [rst.literal(str(node))])]
    return [("directive", [f".. admonition:: {title}", ""] + rst.indent(lines, 3))]


def _footnote_blocks(ctx: _Ctx) -> list[Block]:
    if ctx.writing_footnotes:
        return []  # the list being written already takes every pending footnote
    ctx.writing_footnotes = True
    try:
        return _pending_footnotes(ctx)
    finally:
        ctx.writing_footnotes = False


def _pending_footnotes(ctx: _Ctx) -> list[Block]:
    blocks: list[Block] = []
    while True:
        pending = [n for n in ctx.footnotes.values() if not n.emitted]
        if not pending:
            return blocks
        for note in pending:
            note.emitted = True
            inner = join_blocks(_blocks(note.body.nodes, ctx, True), False) if note.body else []
            if not inner:
                inner = ["(This reference has no text on the wiki page.)"]
            marker = f".. [#{note.label}]"
            if inner[0].startswith(".."):
                lines = [marker, ""] + rst.indent(inner, 3)
            else:
                lines = [f"{marker} {inner[0]}"] + rst.indent(inner[1:], 3)
            blocks.append(("directive", lines))
