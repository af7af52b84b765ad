"""Lists: wiki list lines (``*``, ``#``, ``;``, ``:`` nested and mixed, indentation) and
HTML ``<ul>``/``<ol>``. Terms of a Glossary section are collected for the shared glossary."""

from __future__ import annotations

from mwparserfromhell.nodes import Comment, Node, Tag

from ... import rst
from ...rst import Block, join_blocks
from .context import Context
from .inline import BOLD, NO_STYLE, emit_lines
from .limits import MAX_LIST_DEPTH
from .wikinodes import LIST_TAGS, children, is_blank, plain_text, tag_name

Item = tuple[str, list[Node]]  # (list prefix such as "*#", the line's content)


def prefix(line: list[Node]) -> str:
    """The list markers a line starts with ("" for a line that is not a list item)."""
    markers = ""
    for node in line:
        if isinstance(node, Tag) and node.wiki_markup and tag_name(node) in LIST_TAGS:
            markers += str(node.wiki_markup)
        else:
            break
    return markers


def items(line: list[Node]) -> list[Item]:
    """(prefix, content) of a list line; ";term : def" gives a term and a definition. Past
    :data:`.limits.MAX_LIST_DEPTH` markers, an item stays at the deepest level."""
    markers = prefix(line)
    rest = line[len(markers) :]
    if len(markers) > MAX_LIST_DEPTH:
        markers = markers[: MAX_LIST_DEPTH - 1] + markers[-1]
    if markers.endswith(";"):
        for i, node in enumerate(rest):
            if isinstance(node, Tag) and tag_name(node) == "dd" and node.wiki_markup:
                return [(markers, rest[:i]), (markers[:-1] + ":", rest[i + 1 :])]
    return [(markers, rest)]


def list_blocks(group: list[Item], ctx: Context, depth: int = 0,
                in_item: bool = False) -> list[Block]:
    """Blocks for list lines whose prefixes agree up to ``depth``."""
    blocks: list[Block] = []
    i = 0
    while i < len(group):
        kind = _kind(group[i][0][depth])
        j = i
        while j < len(group) and _kind(group[j][0][depth]) == kind:
            j += 1
        if kind == "dl":
            blocks.extend(_dl_blocks(group[i:j], depth, ctx, in_item))
        else:
            marker = "*" if kind == "bullet" else "#."
            blocks.extend(_ordered_blocks(group[i:j], depth, ctx, marker))
        i = j
    return blocks


def html_list(tag: Tag, ctx: Context) -> list[Block]:
    """``<ul>``, ``<ol>``: a bullet or enumerated list of their ``<li>``. What stands between
    the items (a ``<ul>`` nested straight in a ``<ul>``, stray text) is shown where it is, as
    MediaWiki does: under the item before it, or before the list."""
    marker = "#." if tag_name(tag) == "ol" else "*"
    before: list[Block] = []
    entries: list[list[Block]] = []
    stray: list[Node] = []

    def flush_stray() -> None:
        if stray and not is_blank(stray):
            (entries[-1] if entries else before).extend(ctx.blocks(list(stray)))
        stray.clear()

    for node in children(tag):
        if isinstance(node, Tag) and tag_name(node) == "li":
            flush_stray()
            entries.append(ctx.blocks(node.contents.nodes))
        elif not isinstance(node, Comment):
            stray.append(node)
    flush_stray()
    rendered = [join_blocks(blocks, False) for blocks in entries]
    return before + ([("list", _list_lines(marker, rendered))] if rendered else [])


def html_definition_list(tag: Tag, ctx: Context) -> list[Block]:
    """``<dl>`` with ``<dt>`` terms and ``<dd>`` definitions: a definition list (a ``<dd>``
    without a term is indented text, a term without a definition a bold line)."""
    blocks: list[Block] = []
    term: list[Node] | None = None
    stray: list[Node] = []

    def flush(definition: list[Block] | None) -> None:
        nonlocal term
        if stray and not is_blank(stray):
            blocks.extend(ctx.blocks(list(stray)))
        stray.clear()
        if definition is not None or term is not None:
            blocks.extend(_definition(term, definition or [], ctx))
        term = None

    for node in children(tag):
        name = tag_name(node) if isinstance(node, Tag) else ""
        if isinstance(node, Tag) and name == "dt":
            flush(None)
            term = list(node.contents.nodes)
        elif isinstance(node, Tag) and name == "dd":
            flush(ctx.blocks(node.contents.nodes))
        elif not isinstance(node, Comment):
            stray.append(node)
    flush(None)
    return _joined_definitions(blocks)


def _definition(term: list[Node] | None, definition: list[Block],
                ctx: Context) -> list[Block]:
    inner = join_blocks(definition, False)
    if not inner:
        return _dl_blocks([(";", term)], 0, ctx, False) if term else []
    if term is None:
        return [_quote(inner)]
    return [("dl", [_glossary_term(term, inner, ctx)] + rst.indent(inner, 3))]


def _joined_definitions(blocks: list[Block]) -> list[Block]:
    """Neighbouring definitions make one list."""
    out: list[Block] = []
    for block in blocks:
        if out and block[0] == "dl" and out[-1][0] == "dl":
            out[-1] = ("dl", out[-1][1] + [""] + block[1])
        else:
            out.append(block)
    return out


def _kind(ch: str) -> str:
    return {"*": "bullet", "#": "enum"}.get(ch, "dl")


def _ordered_blocks(group: list[Item], depth: int, ctx: Context, marker: str) -> list[Block]:
    entries: list[tuple[list[Node], list[Item]]] = []
    for markers, nodes in group:
        if len(markers) == depth + 1 or not entries:
            entries.append((nodes if len(markers) == depth + 1 else [], []))
        if len(markers) > depth + 1:
            entries[-1][1].append((markers, nodes))
    rendered = []
    for nodes, nested in entries:
        blocks = ctx.line_blocks(nodes)
        if nested:
            blocks += list_blocks(nested, ctx, depth + 1, in_item=True)
        rendered.append(join_blocks(blocks, False))
    return [("list", _list_lines(marker, rendered))]


def _list_lines(marker: str, rendered: list[list[str]]) -> list[str]:
    out: list[str] = []
    pad = len(marker) + 1
    for lines in rendered:
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


# -- definition lists and indentation -------------------------------------------------------------

# A definition list entry: the term's nodes (None: plain indentation), the blocks under it,
# and whether it starts a list of its own.
_Entry = tuple[list[Node] | None, list[Block], bool]


def _dl_blocks(group: list[Item], depth: int, ctx: Context, in_item: bool) -> list[Block]:
    blocks: list[Block] = []
    for term, body, restart in _dl_entries(group, depth, ctx):
        inner = join_blocks(body, False)
        if term is None:
            # Indented under the item too ("#:"), as the wiki shows it.
            if inner:
                blocks.append(_quote(inner))
            continue
        if not inner:
            # A term alone is a bold line in MediaWiki (often used as a small heading).
            bold = emit_lines(ctx.tokens(term, BOLD))
            blocks.append(("para", [" ".join(line for line in bold if line)]))
            continue
        item = [_glossary_term(term, inner, ctx)] + rst.indent(inner, 3)
        if blocks and blocks[-1][0] == "dl" and not restart:
            blocks[-1][1].extend([""] + item)
        else:
            blocks.append(("dl", item))  # a list of its own (join_blocks keeps it apart)
    return blocks


def _dl_entries(group: list[Item], depth: int, ctx: Context) -> list[_Entry]:
    entries: list[_Entry] = []
    deeper: list[Item] = []

    def flush_deeper() -> bool:
        if not deeper:
            return False
        if not entries:
            entries.append((None, [], False))
        entries[-1][1].extend(list_blocks(list(deeper), ctx, depth + 1, in_item=False))
        deeper.clear()
        return True

    for markers, nodes in group:
        if len(markers) > depth + 1:
            deeper.append((markers, nodes))
            continue
        # A term right after deeper items starts a new list on the wiki.
        after_deeper = flush_deeper()
        if markers[depth] == ";" and plain_text(nodes).strip():
            entries.append((nodes, [], after_deeper))
        elif markers[depth] == ";":
            # A term showing nothing ("; &nbsp;", a spacer): an empty term on the wiki.
            entries.append(([], [("comment", [".."])], after_deeper))
        elif entries and (entries[-1][0] is not None or markers[depth] == ":"):
            entries[-1][1].extend(_item_blocks(nodes, ctx))
        else:
            entries.append((None, _item_blocks(nodes, ctx), False))
    flush_deeper()
    return entries


def _quote(inner: list[str]) -> Block:
    """An indented block of ``inner``; one starting with an indented block of its own
    ("::" lines) keeps both levels (docutils would read one deeper block)."""
    if inner and inner[0].startswith(" "):
        inner = ["..", ""] + inner
    return ("quote", rst.indent(inner, 4))


def _item_blocks(nodes: list[Node], ctx: Context) -> list[Block]:
    """The blocks of an indented line; one showing nothing (":", ":&nbsp;", a spacer) still
    makes its indented block on the wiki: one holding an empty comment here (nothing to
    read, as there)."""
    return ctx.line_blocks(nodes) or [("comment", [".."])]


def _glossary_term(term: list[Node], inner: list[str], ctx: Context) -> str:
    """The term's reST; in a Glossary section the term is also collected, and becomes a
    reference to the shared glossary when the importer gave its spellings."""
    term_rst = _term(term, ctx)
    plain = " ".join(plain_text(term).split())
    if ctx.in_glossary and plain:
        ctx.glossary.append((plain, "\n".join(inner)))
        spellings = ctx.options.glossary_terms
        if spellings is not None and plain:
            term_rst = rst.role("term", spellings.get(plain.lower(), plain))
    return term_rst


def _term(nodes: list[Node], ctx: Context) -> str:
    """A definition-list term: one line, no classifier separator, no literal-block marker."""
    tokens = ctx.tokens(nodes, NO_STYLE)
    tokens = [t if t[0] != "br" else ("t", " ", t[2]) for t in tokens]
    line = emit_lines(tokens)[0].strip() if tokens else ""
    return line.replace(" : ", " \\: ") or "\\ "
