"""reST tables from a matrix of already converted cells: grid tables (keep spans) or list tables."""

from __future__ import annotations

from dataclasses import dataclass

from ...rst import has_combining, indent, width

# Wider grid tables are unreadable in an editor; they become list tables.
MAX_GRID_WIDTH = 240
# reST tables are rectangular, wiki rows are not: a slot no cell of the wiki covers holds an
# empty comment, and the build drops such cells at a row's end (sphinxext.imported), so each
# row shows the cells the wiki gave it. The converter writes no empty comment anywhere else.
PAD = ".."


@dataclass
class Cell:
    """One table cell: converted reST lines and its span."""

    lines: list[str]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1


@dataclass
class _Placed:
    cell: Cell
    row: int
    col: int


@dataclass
class Layout:
    """Cells laid out on a grid (see :func:`layout`), for a grid or a list table."""

    placed: list[_Placed]
    nrows: int
    ncols: int


def layout(rows: list[list[Cell]]) -> Layout:
    """Lay cells out on a grid the way browsers do (spans push later cells right)."""
    return Layout(*_place(rows))


def _place(rows: list[list[Cell]]) -> tuple[list[_Placed], int, int]:
    taken: set[tuple[int, int]] = set()
    placed: list[_Placed] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            # A rowspan may not run past the last row.
            cell.rowspan = max(1, min(cell.rowspan, len(rows) - r))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            placed.append(_Placed(cell, r, c))
            c += cell.colspan
    ncols = max((c + 1 for _, c in taken), default=0)
    nrows = len(rows)
    # Fill holes of ragged rows with padding so every grid slot is covered once.
    for r in range(nrows):
        for c in range(ncols):
            if (r, c) not in taken:
                placed.append(_Placed(Cell([PAD]), r, c))
                taken.add((r, c))
    return placed, nrows, ncols


def _header_rows(placed: list[_Placed], nrows: int) -> int:
    """Number of leading rows made only of header cells that no span crosses."""
    count = 0
    by_row: dict[int, list[_Placed]] = {}
    for p in placed:
        by_row.setdefault(p.row, []).append(p)
    for r in range(nrows):
        in_row = by_row.get(r, [])
        if not in_row or not all(p.cell.header and p.cell.lines for p in in_row):
            break
        count = r + 1
    # The separator line may not cut through a cell.
    while count and any(p.row < count < p.row + p.cell.rowspan for p in placed):
        count -= 1
    # A table of headers only has no body; docutils wants one.
    return 0 if count >= nrows else count


def grid_table(laid: Layout) -> list[str] | None:
    """Return a grid table, or None when it would be too wide to be useful."""
    placed, nrows, ncols = laid.placed, laid.nrows, laid.ncols
    if not nrows or not ncols:
        return None
    if any(has_combining(line) for p in placed for line in p.cell.lines):
        return None
    widths = [3] * ncols
    for p in sorted(placed, key=lambda p: p.cell.colspan):
        need = max((width(line) for line in p.cell.lines), default=0) + 2
        have = sum(widths[p.col : p.col + p.cell.colspan]) + p.cell.colspan - 1
        if need > have:
            widths[p.col + p.cell.colspan - 1] += need - have
    heights = [1] * nrows
    for p in sorted(placed, key=lambda p: p.cell.rowspan):
        need = max(len(p.cell.lines), 1)
        have = sum(heights[p.row : p.row + p.cell.rowspan]) + p.cell.rowspan - 1
        if need > have:
            heights[p.row + p.cell.rowspan - 1] += need - have
    xs = [0]
    for w in widths:
        xs.append(xs[-1] + w + 1)
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    if xs[-1] > MAX_GRID_WIDTH:
        return None
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    for p in placed:
        x0, x1 = xs[p.col], xs[p.col + p.cell.colspan]
        y0, y1 = ys[p.row], ys[p.row + p.cell.rowspan]
        canvas[y0][x0 + 1:x1] = canvas[y1][x0 + 1:x1] = "-" * (x1 - x0 - 1)
        for y in range(y0 + 1, y1):
            canvas[y][x0] = "|"
            canvas[y][x1] = "|"
        for i, line in enumerate(p.cell.lines):
            _write(canvas[y0 + 1 + i], x0 + 2, line)
    # Corners last, so a wide cell's edge does not erase a neighbour's corner.
    for p in placed:
        x0, x1 = xs[p.col], xs[p.col + p.cell.colspan]
        y0, y1 = ys[p.row], ys[p.row + p.cell.rowspan]
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            canvas[y][x] = "+"
    header = _header_rows(placed, nrows)
    if header:
        canvas[ys[header]] = ["=" if ch == "-" else ch for ch in canvas[ys[header]]]
    return ["".join(row).rstrip() for row in canvas]


def _write(row: list[str], x: int, text: str) -> None:
    """Write ``text`` into a canvas row; a wide character fills two slots."""
    if text.isascii():
        row[x : x + len(text)] = text
        return
    for ch in text:
        row[x] = ch
        if width(ch) == 2:
            row[x + 1] = ""
            x += 1
        x += 1


def list_table(laid: Layout) -> list[str]:
    """Fallback without spans: a ``list-table`` with spanned slots left empty."""
    placed, nrows, ncols = laid.placed, laid.nrows, laid.ncols
    grid: dict[tuple[int, int], list[str]] = {(p.row, p.col): p.cell.lines for p in placed}
    header = _header_rows(placed, nrows)
    out = [".. list-table::"]
    if header:
        out.append(f"   :header-rows: {header}")
    out.append("")
    for r in range(nrows):
        for c in range(ncols):
            lines = grid.get((r, c), [])
            marker = "   * - " if c == 0 else "     - "
            if not lines:
                out.append(marker.rstrip())
                continue
            if lines[0] and not lines[0].startswith(".."):
                out.append(marker + lines[0])
                out.extend(indent(lines[1:], 7))
            else:
                out.extend([marker.rstrip(), ""])
                out.extend(indent(lines, 7))
    return out
