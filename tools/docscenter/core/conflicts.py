"""Unresolved merge conflicts in a page: the markers a three-way merge writes where the
writer's edit and the wiki's new revision changed the same lines."""

from __future__ import annotations

START, MIDDLE, END = "<<<<<<<", "=======", ">>>>>>>"


def conflict_lines(text: str) -> list[int]:
    """The 1-based lines where an unresolved conflict starts: a line starting with ``<<<<<<<``
    followed by a line ``=======`` and a line starting with ``>>>>>>>``."""
    found: list[int] = []
    start: int | None = None
    middle = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(START):
            start, middle = number, False
        elif line.rstrip() == MIDDLE and start is not None:
            middle = True
        elif line.startswith(END) and start is not None and middle:
            found.append(start)
            start, middle = None, False
    return found
