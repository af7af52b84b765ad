"""The wiki's history as the center's history (``import-wiki --history --commit``): every
revision of a page new to the center becomes a commit of its stub, with the wiki's author,
date and edit summary, before the import's own commit, so ``hg log`` and ``hg annotate`` of
an imported page reach back into the wiki's edits.

Revisions come from the page's source, oldest first, one at a time (a full-history dump is
read once for all its pages; the API is asked page by page). Each is converted like the
latest one (in a worker, under the page time bound) and committed when its stub differs from
the one before; the stub written by the import is put back at the end. Pages the center had
already are not replayed (their history in the center is the writers'). Authors, dates and
messages come from the wiki: they are cleaned before they reach the VCS.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .. import vcs
from ..core.center import Center
from ..errors import UsageError
from ..files import write_atomic
from ..vcs_history import HistoryWriter, history_writer
from .convert import ConvertOptions, convert_page
from .history_job import HistoryJob, HistoryResult
from .history_sources import api_revisions, dump_revisions
from .mediawiki_client import ApiClient
from .options import LocalFile
from .planning import PlannedPage
from .pool import TimedOut, run_bounded
from .source_types import SourceError, WikiRevision
from .stub_body import prefix_endpoints, timed_out_body
from .stubs import Provenance, render_stub
from .titles import normalise_title

UNKNOWN_USER = "Unknown wiki user"
NO_SUMMARY = "(no edit summary)"


@dataclass(frozen=True)
class _Task:
    number: int  # the order tasks are given in (results are committed in it)
    page: PlannedPage
    revision: WikiRevision
    files: dict[str, LocalFile] = field(default_factory=dict)


def _render(options: ConvertOptions, task: _Task) -> str:
    """In a worker: the stub the import would write for this revision."""
    page = task.page
    converted = convert_page(task.revision.text, page.title,
                             replace(options, label=page.label, files=task.files))
    return render_stub(_provenance(task), prefix_endpoints(converted.rst, page.service))


def _provenance(task: _Task) -> Provenance:
    return Provenance(task.page.title, task.revision.revision, task.revision.timestamp,
                      task.page.url)


# -- what reaches the VCS -------------------------------------------------------------------

def _clean(text: str, limit: int) -> str:
    """One line of printable text: control and format characters (line breaks, bidi
    overrides...) become spaces, whitespace is collapsed, the length bounded."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
                   for c in text)
    return " ".join(kept.split())[:limit].strip()


def commit_author(contributor: str | None, host: str) -> str:
    """``Name <Name@host>`` for a wiki user (an imported ``prefix>Name`` keeps its name),
    with nothing that could end the name early or add a header: no ``<``, ``>``, line
    break or control character."""
    name = contributor or ""
    prefix, mark, rest = name.partition(">")
    if mark and rest.strip() and "<" not in prefix:  # MediaWiki's "imported>Name"
        name = rest
    name = _clean(name.replace("<", " ").replace(">", " "), 100) or UNKNOWN_USER
    # Word characters only: hg shows the part before "@" (up to a dot) as the short name.
    local = re.sub(r"\W+", "_", name).strip("_") or "wiki_user"
    return f"{name} <{local}@{host}>"


def commit_message(page: PlannedPage, revision: WikiRevision) -> str:
    """The edit summary, then the wiki page and revision it comes from."""
    summary = _clean(revision.comment, 500) or NO_SUMMARY
    where = f"Wiki page {_clean(page.title, 300)}"
    if revision.revision is not None:
        where += f", revision {revision.revision}"
    return f"{summary}\n\n{where}\n"


def commit_date(timestamp: str | None, before: datetime) -> datetime:
    """The revision's time; the one before it when the wiki gives none that reads."""
    try:
        when = datetime.fromisoformat((timestamp or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return before
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _host(page: PlannedPage) -> str:
    host = urlsplit(page.url or "").hostname or ""
    return host if re.fullmatch(r"[a-z0-9.-]+", host) else "wiki.invalid"


# -- the replay -----------------------------------------------------------------------------

def replay_history(center: Center, job: HistoryJob,
                   pages: Iterable[PlannedPage]) -> list[HistoryResult]:
    """Commit the history of ``pages`` (new stubs, already in place); see the module."""
    pages = list(pages)
    repo = vcs.detect(center.root)
    if repo is None:
        raise UsageError(f"{center.root}: --history needs a Mercurial or Git repository")
    results = {page.title: HistoryResult(page.title) for page in pages}
    if not pages:
        return []
    try:
        with history_writer(repo) as writer:
            _Replay(job, writer, results).run(_revisions(pages, job, results))
    except vcs.VcsError as exc:
        raise UsageError(f"--history: {exc}") from None
    return list(results.values())


def _revisions(pages: list[PlannedPage], job: HistoryJob,
               results: dict[str, HistoryResult]) -> Iterator[_Task]:
    """Every page's revisions as tasks, page after page, within max_revisions each."""
    limit = job.session.limits.max_revisions
    numbers = itertools.count()
    for page, revisions in _histories(pages, job, results):
        files = job.files(page)
        result = results[page.title]
        try:
            for number, revision in enumerate(revisions):
                if number >= limit or revision.too_large:
                    result.skipped += 1
                    if number >= limit:
                        result.note = f"cut after {limit} revisions (max_revisions)"
                    continue
                yield _Task(next(numbers), page, revision, files)
        except SourceError as exc:
            result.note = f"history read in part: {exc}"


def _histories(pages: list[PlannedPage], job: HistoryJob, results: dict[str, HistoryResult]
               ) -> Iterator[tuple[PlannedPage, Iterator[WikiRevision]]]:
    """(page, its revisions) for every page whose source has a history."""
    by_source: dict[str, list[PlannedPage]] = {}
    for page in pages:
        by_source.setdefault(page.source, []).append(page)
    for source, group in by_source.items():
        if source.startswith(("http://", "https://")):
            client = ApiClient(source, session=job.session)
            for page in group:
                yield page, api_revisions(client, page.title)
        elif source.lower().endswith((".xml", ".xml.gz", ".xml.bz2")):
            wanted = {normalise_title(page.title): page for page in group}
            stream = dump_revisions(Path(source), wanted, job.session)
            for key, revisions in itertools.groupby(stream, lambda r: normalise_title(r.title)):
                yield wanted[key], revisions
        else:
            for page in group:
                results[page.title].note = "its source (a .wiki file) has no history"


class _Replay:
    """Converts tasks in a worker and commits their stubs in order, page after page."""

    def __init__(self, job: HistoryJob, writer: HistoryWriter,
                 results: Mapping[str, HistoryResult]) -> None:
        self.job, self.writer, self.results = job, writer, results
        self.page: PlannedPage | None = None
        self.final = ""  # the stub the import wrote, put back after the page's history
        self.previous = ""
        self.when = datetime.fromtimestamp(0, UTC)

    def run(self, tasks: Iterator[_Task]) -> None:
        try:
            for task, text in _in_order(run_bounded(_render, tasks, shared=self.job.options,
                                                    timeout=self.job.timeout, workers=1)):
                if isinstance(text, TimedOut):
                    text = render_stub(_provenance(task), timed_out_body(
                        task.page, task.revision.text, text.seconds))
                elif isinstance(text, Exception):
                    raise UsageError(f"{task.page.title!r}: converting revision "
                                     f"{task.revision.revision} failed: {text}")
                self._commit(task, text)
        finally:
            self._finish_page()

    def _commit(self, task: _Task, text: str) -> None:
        if task.page is not self.page:
            self._finish_page()
            self.page, self.previous = task.page, ""
            self.final = task.page.path.read_text(encoding="utf-8")
        result = self.results[task.page.title]
        self.when = commit_date(task.revision.timestamp, self.when)
        if text == self.previous:
            result.unchanged += 1
            return
        write_atomic(task.page.path, text)
        self.writer.commit(task.page.path, commit_author(task.revision.contributor,
                                                         _host(task.page)),
                           self.when, commit_message(task.page, task.revision))
        self.previous = text
        result.commits += 1

    def _finish_page(self) -> None:
        if self.page is not None:
            write_atomic(self.page.path, self.final)
            self.page = None


R = str | TimedOut | Exception


def _in_order(results: Iterator[tuple[_Task, R]]) -> Iterator[tuple[_Task, R]]:
    """The pool's results in the order the tasks were given (a timed-out task may come back
    before the one submitted ahead of it)."""
    waiting: dict[int, tuple[_Task, R]] = {}
    expected = 0
    for task, result in results:
        waiting[task.number] = (task, result)
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1
    yield from (waiting[n] for n in sorted(waiting))
