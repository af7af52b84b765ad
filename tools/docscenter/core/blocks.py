"""Indented blocks of reST source lines, as docutils delimits them: a block that follows a
line runs while lines are blank or indented deeper than that line."""

from __future__ import annotations


def indent(line: str) -> int:
    """The number of spaces (or other white space) the line starts with."""
    return len(line) - len(line.lstrip())


def block_end(lines: list[str], start: int, base: int) -> int:
    """The index after the block indented deeper than ``base`` that starts at ``start``
    (blank lines at its end left out)."""
    end = start
    while end < len(lines) and (not lines[end].strip() or indent(lines[end]) > base):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end
