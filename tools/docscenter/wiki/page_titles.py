"""The titles imported pages show readers: the last segment of the wiki title
("Authentication" for "Services/Accounts/Authentication"), with as many segments before it
as it takes to tell it from the other pages of its service ("Accounts/API" beside
"Storage/API"). The full wiki title stays in the page's provenance and in the note under its
title (see :func:`docscenter.wiki.convert.page.source_note`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..core.rst_scan import scan_text

# A namespace opening a title ("WPD:Projects/SSO"): one word, the title right after the colon.
_NAMESPACE = re.compile(r"^[\w-]+:(?=\S)")


def _key(title: str) -> str:
    """Titles compared as readers would: letter case and spacing ignored."""
    return " ".join(title.replace("\\", "").split()).casefold()


def _segments(title: str) -> list[str]:
    parts = [part.strip() for part in _NAMESPACE.sub("", title).split("/") if part.strip()]
    return parts or [title.strip()]


def short_titles(titles: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """The title each wiki title in ``titles`` shows: its last segment, or more segments
    while it is the same as another's (or as one of ``taken``, the titles of the service's
    other pages); the full wiki title when even that is not enough."""
    wanted = list(dict.fromkeys(titles))
    parts = {title: _segments(title) for title in wanted}
    depth = dict.fromkeys(wanted, 1)
    others = {_key(title) for title in taken}

    def shown(title: str) -> str:
        if depth[title] > len(parts[title]):
            return " ".join(title.split())
        return "/".join(parts[title][-depth[title]:])

    while True:
        seen: dict[str, list[str]] = {}
        for title in wanted:
            seen.setdefault(_key(shown(title)), []).append(title)
        clashing = {title for key, group in seen.items()
                    if len(group) > 1 or key in others for title in group}
        growing = [title for title in clashing if depth[title] <= len(parts[title])]
        if not growing:
            return {title: shown(title) for title in wanted}
        for title in growing:
            depth[title] += 1


def page_titles(folder: Path, leave_out: Iterable[Path], suffix: str = ".rst",
                leave_out_index: bool = False) -> list[str]:
    """The titles of the pages in ``folder`` (the first section title of each; subfolders
    not included), but those of ``leave_out`` (and of its index, ``leave_out_index``)."""
    pages = sorted(folder.glob(f"*{suffix}")) if folder.is_dir() else []
    if not pages:
        return []  # a new folder: nothing to look up
    skipped = {path.resolve() for path in leave_out}
    if leave_out_index:
        skipped.add((folder / f"index{suffix}").resolve())
    titles = []
    for path in pages:
        if path.resolve() in skipped:
            continue
        try:
            sections = scan_text("", path.read_text(encoding="utf-8")).sections
        except (OSError, UnicodeDecodeError):
            continue
        if sections:
            titles.append(sections[0][0])
    return titles
