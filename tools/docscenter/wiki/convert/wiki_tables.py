"""Wiki tables (``{| ... |}`` and ``<table>``) into reST tables (see :mod:`.rst_tables`),
with a fast path for simple ones. Cells hold wikitext of their own, converted as blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mwparserfromhell.nodes import Comment, Node, Tag, Text

from ... import rst
from ...rst import Block, join_blocks
from .context import Context, SplitTable
from .inline import escape_text, inline_rst
from .parsing import LITERAL_SPANS, parse
from .rst_tables import Cell, grid_table, layout, list_table
from .wikinodes import tag_name


def table(tag: Tag, ctx: Context) -> list[Block]:
    """A wiki table: a grid table keeping spans, or a list-table; text found between rows
    (MediaWiki shows it before the table) comes first."""
    reader = _TableReader(ctx)
    reader.read(tag.contents.nodes)
    caption = reader.caption
    caption_rst = inline_rst(ctx.tokens(caption)) if caption else ""
    return reader.before + _table_blocks(reader.rows, caption_rst)


class _TableReader:
    """The rows, caption and stray content of one parsed table."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: list[list[Cell]] = []
        self.caption: list[Node] | None = None
        self.before: list[Block] = []

    def read(self, nodes: Iterable[Node]) -> None:
        for child in nodes:
            if not isinstance(child, Tag):
                if isinstance(child, Text | Comment) and not str(child).strip():
                    continue
                if not isinstance(child, Comment):
                    self.before.extend(self.ctx.line_blocks([child]))
                continue
            name = tag_name(child)
            if name == "tr":
                self.rows.append([])
                for c in child.contents.nodes:
                    if isinstance(c, Tag) and tag_name(c) in ("td", "th"):
                        self.rows[-1].append(_cell(c, self.ctx))
            elif name in ("td", "th"):
                self._cell_outside_row(child)
            elif name in ("thead", "tbody", "tfoot"):
                self.read(child.contents.nodes)
            elif name == "caption":
                self.caption = list(child.contents.nodes)
            else:
                self.before.extend(self.ctx.line_blocks([child]))

    def _cell_outside_row(self, child: Tag) -> None:
        contents = child.contents.nodes
        first = contents[0] if contents else None
        if child.wiki_markup == "|" and self.caption is None and not self.rows:
            # mwparserfromhell reads "|+ caption" as a cell starting with "+", and
            # "|+ style=x | caption" as a cell whose first attribute is "+".
            if isinstance(first, Text) and first.value.startswith("+"):
                self.caption = [Text(first.value[1:])] + list(contents[1:])
                return
            if child.attributes and str(child.attributes[0].name).strip() == "+":
                self.caption = list(contents)
                return
        if not self.rows:
            self.rows.append([])
        self.rows[-1].append(_cell(child, self.ctx))


def _cell(tag: Tag, ctx: Context) -> Cell:
    if _link_before_pipe(tag):
        # "| See [[A|b]]| c": MediaWiki reads attributes before a cell's first "|" only
        # when no link opens there; the whole cell is its text, with no attributes.
        blocks = ctx.blocks(parse(str(tag)[len(tag.wiki_markup or ""):]).nodes)
        return Cell(join_blocks(blocks, False), tag_name(tag) == "th")
    blocks = ctx.blocks(tag.contents.nodes)
    return Cell(join_blocks(blocks, False), tag_name(tag) == "th",
                _span(tag, "colspan"), _span(tag, "rowspan"))


def _link_before_pipe(tag: Tag) -> bool:
    """A wiki-markup cell read as "attributes | text" whose part before the first "|" opens
    a link (mwparserfromhell takes it for attributes)."""
    return bool(tag.wiki_markup and tag.attributes
                and "[[" in str(tag)[len(tag.wiki_markup):].split("|", 1)[0])


def _span(node: Tag, name: str) -> int:
    if not node.has(name):
        return 1
    digits = re.match(r"\s*[\"']?\s*(\d+)", str(node.get(name).value))
    return max(1, min(int(digits.group(1)), 64)) if digits else 1


def _table_blocks(rows: list[list[Cell]], caption_rst: str) -> list[Block]:
    """A grid table keeping the spans, or a list-table when a grid cannot hold the cells."""
    rows = [r for r in rows if r]
    if not rows:
        return [("para", [rst.escape_line_start(caption_rst)])] if caption_rst else []
    has_code = any(
        line.lstrip().startswith((".. code-block", ".. list-table", ".. figure"))
        for row in rows for c in row for line in c.lines
    )
    laid = layout(rows)
    grid = None if has_code else grid_table(laid)
    if grid is None:
        lines = list_table(laid)
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

_PLACEHOLDER = re.compile(r"^\x01T(\d+)\x01$")
# A cell that is text and nothing else: no brackets, tags, entities or escapes anywhere, no
# '' / __ / ~~~ / !! runs, no URL, and no list, heading, rule or indent marker in front.
_PLAIN_CELL = re.compile(
    r"^(?![*#:;= ]|-{4})(?!.*(?:''|__|~~~|!!|[A-Za-z]://|mailto:|=$))[^\[\]{}<>&|\\`\n]*$")
# Tables the splitter leaves to the parser: templates, nested tables, tags whose content is
# not wikitext, links holding "||", and tags left open at the end of a line (a tag may span
# cells, as in "| <a" / "| />").
_RISKY = re.compile(r"\{\{|\{\||<(?:ref|nowiki|pre|source|syntaxhighlight|math|gallery|!--)"
                    r"|\[\[[^\]]*\|\||<[A-Za-z/!][^>\n]*$", re.I | re.M)


def _literal_lines(text: str) -> set[int]:
    """Numbers of the lines inside <pre>, <nowiki>, <source>... or comments: text, never
    table markup."""
    protected: set[int] = set()
    for match in LITERAL_SPANS.finditer(text):
        first = text.count("\n", 0, match.start())
        protected.update(range(first, first + match.group().count("\n") + 1))
    return protected


_OPEN = re.compile(r"^[ \t]*(:*)[ \t]*\{\|")
_CLOSE = re.compile(r"^[ \t]*\|\}")


def close_tables(text: str) -> str:
    """Tables as MediaWiki reads them: one opened after indentation (``:{|``) is an indented
    table (a block quote around it here), and one left open is closed at the end of the page."""
    if "{|" not in text:
        return text
    lines = text.split("\n")
    protected = _literal_lines(text)
    open_tables: list[int] = []  # the indentation depth of each table still open
    for i, line in enumerate(lines):
        if i in protected:
            continue
        opened = _OPEN.match(line)
        if opened:
            depth = len(opened[1])
            open_tables.append(depth)
            if depth:
                lines[i] = "<blockquote>" * depth + "\n" + line[opened.end(1):].lstrip()
        elif open_tables and _CLOSE.match(line):
            depth = open_tables.pop()
            if depth:
                lines[i] += "\n" + "</blockquote>" * depth
    closing = "".join("\n|}" + "\n</blockquote>" * depth for depth in reversed(open_tables))
    return "\n".join(lines) + closing


def lift_tables(text: str) -> tuple[str, list[SplitTable]]:
    """Replace simple top-level tables by placeholder lines; return the text and the tables."""
    if "{|" not in text:
        return text, []
    lines = text.split("\n")
    protected = _literal_lines(text)
    out: list[str] = []
    tables: list[SplitTable] = []
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


def _split_table(body: list[str]) -> SplitTable | None:
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
            caption = _caption_text(stripped[2:])
        elif stripped.startswith(("|", "!")):
            header = stripped[0] == "!"
            if header and "||" in stripped and "!!" in stripped:
                return None  # mixed separators: the parser has its own reading
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


_CAPTION_ATTRIBUTES = re.compile(r"^[^|\[\]{}<>]*=[^|\[\]{}<>]*\|(?!\|)")


def _caption_text(raw: str) -> str:
    """A caption's text: "style=x | text" has attributes before its one "|"."""
    return _CAPTION_ATTRIBUTES.sub("", raw, count=1).strip()


def placeholder(line: list[Node]) -> int | None:
    """The number of the lifted table a line stands for, or None for any other line."""
    if len(line) == 1 and isinstance(line[0], Text):
        match = _PLACEHOLDER.match(line[0].value.strip())
        if match:
            return int(match[1])
    return None


def lifted_table(number: int, ctx: Context) -> list[Block]:
    """The blocks of a table lifted out before parsing (see lift_tables)."""
    caption, raw_rows = ctx.lifted[number]
    rows: list[list[Cell]] = []
    for raw_row in raw_rows:
        row = []
        for header, raw in raw_row:
            text = raw.strip()
            if _PLAIN_CELL.match(text):
                lines = [rst.escape_line_start(escape_text(" ".join(text.split())))]
                row.append(Cell(lines if text else [], header))
                continue
            # Anything else is parsed as a one-cell table: the same reading of attributes
            # ("colspan=2 | text") and markup as inside the whole table, for a fraction of it.
            # (A space after the marker: "|" + "-x" would read as a row separator.)
            parsed = parse("{|\n" + ("! " if header else "| ") + raw + "\n|}")
            tags = [n for n in parsed.filter_tags(recursive=True) if tag_name(n) in ("td", "th")]
            row.append(_cell(tags[0], ctx) if tags else Cell([], header))
        rows.append(row)
    caption_rst = inline_rst(ctx.tokens(parse(caption).nodes)) if caption else ""
    return _table_blocks(rows, caption_rst)
