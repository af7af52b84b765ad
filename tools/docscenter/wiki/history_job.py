"""What an import hands the history replay (:mod:`.history_replay`) and what it reports back:
plain values, so the import and its report load the replay (and the API client it may use)
only when ``--history`` is asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .options import ConvertOptions, LocalFile
from .planning import PlannedPage
from .source_limits import SourceSession


@dataclass(frozen=True)
class HistoryJob:
    """What the replay shares with the import: how pages are converted and read."""

    options: ConvertOptions
    files: Callable[[PlannedPage], dict[str, LocalFile]]  # the files a page may refer to
    session: SourceSession
    timeout: float


@dataclass
class HistoryResult:
    """What the replay did for one page."""

    title: str
    commits: int = 0  # revisions committed
    unchanged: int = 0  # revisions whose stub is the one before (a null edit, say)
    skipped: int = 0  # revisions larger than max_page_size or past max_revisions
    note: str = ""  # why the history is missing or cut short
