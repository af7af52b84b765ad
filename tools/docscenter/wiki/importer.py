"""``docscenter import-wiki``: wiki pages -> reST stubs in the center's services.

Two passes over the sources: the first decides where every page goes (so links between
imported pages can become internal references), the second converts pages on every core and
stages the stubs; only when everything succeeded are the stubs moved into place, so a failed
import leaves the center as it was. :func:`import_wiki` returns a :class:`.report.Report`;
showing progress and the report is the command line's business.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from ..core.center import Center
from ..core.services import SLUG
from ..errors import UsageError
from ..glossary_merge import glossary_spellings, merge_terms
from .center_files import service_files
from .convert import ConvertOptions, convert_page
from .file_import import PlacedFiles, file_sources, place_files
from .history_replay import HistoryJob, replay_history
from .manifest import Manifest, load_manifest
from .options import LocalFile
from .planning import PlannedPage, Planner, plan_import
from .pool import TimedOut, run_bounded
from .report import WRITES, PageResult, Report, commit_message
from .source_pages import SourcePages, source_session
from .source_types import WikiPage
from .stub_body import prefix_endpoints, timed_out_body
from .stubs import Provenance, StubState, install_all, render_stub, stub_state

PAGE_TIMEOUT = 30.0  # seconds one page may take to convert
TIMEOUT_VARIABLE = "DOCSCENTER_PAGE_TIMEOUT"  # overrides PAGE_TIMEOUT (slow machines, tests)


# -- pass 2: conversion (in worker processes) ----------------------------------------------

@dataclass(frozen=True)
class _Task:
    """One page for a worker: convert it, render the stub, decide, stage the file."""

    title: str
    text: str
    label: str
    service: str
    provenance: Provenance
    path: Path  # where the stub goes in the center
    staged: Path | None  # where to stage it (None: dry run)
    force: bool
    files: dict[str, LocalFile]  # the wiki files it may refer to, placed by the import


@dataclass(frozen=True)
class _Done:
    """What a worker sends back (the stub itself stays on disk)."""

    action: str
    unknown_templates: dict[str, int]
    glossary: list[tuple[str, str]]


def _convert(options: ConvertOptions, task: _Task) -> _Done:
    """In a worker: the whole per-page job, so the parent only collects small results.
    ``options`` hold what every page shares (link targets, wiki URL, templates)."""
    page = convert_page(task.text, task.title,
                        replace(options, label=task.label, files=task.files))
    text = render_stub(task.provenance, prefix_endpoints(page.rst, task.service))
    action = _decide(task.path, text, task.force)
    if action in WRITES and task.staged is not None:
        task.staged.write_text(text, encoding="utf-8", newline="\n")
    return _Done(action, dict(page.unknown_templates), page.glossary)


T = TypeVar("T")
SCHEDULE_BUFFER = 4 * 1024 * 1024  # characters of wikitext held back for scheduling


def largest_first(tasks: Iterable[T], size: Callable[[T], int],
                  budget: int = SCHEDULE_BUFFER) -> Iterator[T]:
    """``tasks`` reordered largest first within windows of about ``budget`` size.

    Conversion time grows with page size; a big page started last leaves the other cores
    idle while it finishes. The window keeps memory bounded on huge dumps."""
    window: list[T] = []
    held = 0
    for task in tasks:
        window.append(task)
        held += size(task)
        if held >= budget:
            yield from sorted(window, key=size, reverse=True)
            window, held = [], 0
    yield from sorted(window, key=size, reverse=True)


# -- orchestration -------------------------------------------------------------------------

def _sources(center: Center, manifest: Manifest, given: tuple[str, ...]) -> list[str]:
    if given:
        return list(given)
    if manifest.sources:
        return [s if s.startswith(("http://", "https://")) else str(center.root / s)
                for s in manifest.sources]
    raise UsageError("import-wiki: name a source (a .xml export, .wiki files or an api.php "
                     "URL) or list sources in the manifest's [wiki] sources")


Progress = Callable[[int, int], None]  # (pages done, pages in all), after each page


def _quiet(done: int, total: int) -> None:
    """No progress shown."""


@dataclass(frozen=True)
class ImportRequest:
    """What ``import-wiki`` was asked to do (its options)."""

    sources: tuple[str, ...] = ()
    service: str | None = None
    manifest: Path | None = None
    wiki_url: str | None = None
    pages: tuple[str, ...] = ()
    prefix: str | None = None
    glossary: bool = False
    commit: bool = False
    dry_run: bool = False
    force: bool = False
    redirect_hosts: tuple[str, ...] = ()  # hosts besides the API's own it may redirect to
    files: Path | None = None  # the folder of wiki files beside a dump
    history: bool = False  # replay the wiki's revisions of new pages as commits


def _load_manifest(center: Center, request: ImportRequest) -> Manifest:
    path = request.manifest or center.manifest_path
    loaded = load_manifest(path) if (request.manifest or path.exists()) else Manifest()
    if request.service is not None and not SLUG.match(request.service):
        raise UsageError(f"--service {request.service!r}: not a service name")
    if request.service is None and not loaded.rules:
        raise UsageError("import-wiki: say where pages go: --service NAME or a manifest with "
                         "[[pages]] entries (tools/wiki.toml)")
    return loaded


def import_wiki(center: Center, request: ImportRequest, progress: Progress = _quiet) -> Report:
    """Import wiki pages as stubs: plan, convert every page, then install the stubs and the
    center files they change all at once (nothing when ``dry_run``). Bad input raises
    UsageError and leaves the center as it was; ``progress`` hears of every page converted."""
    manifest = _load_manifest(center, request)
    if request.history and not request.commit:
        raise UsageError("import-wiki --history needs --commit: the wiki's edits become "
                         "commits, then the import's own commit follows them")
    session = source_session(manifest, request.wiki_url, request.redirect_hosts)
    specs = _sources(center, manifest, request.sources)
    source_pages = SourcePages(specs, manifest, request.pages, request.prefix, session)
    plan = plan_import(source_pages, Planner(center, manifest, request.service),
                       lambda: request.wiki_url or manifest.wiki_url or source_pages.article_path)
    report = Report(plan, dry_run=request.dry_run, skipped=session.skipped)
    timeout = page_timeout()
    if request.commit and not request.dry_run:
        _refuse_dirty(center, [p.path for p in plan.pages])

    spellings = glossary_spellings(center.root / center.glossary_path) \
        if request.glossary else None
    shared = ConvertOptions(label="", pages=dict(plan.refs), wiki_url=plan.base_url,
                            templates=dict(manifest.templates), glossary_terms=spellings)
    staging = Path(tempfile.mkdtemp(prefix=".docscenter-import-", dir=center.root))
    try:
        placed = place_files(center, plan, file_sources(center, manifest.files, request.files,
                                                        specs, session), staging,
                             request.dry_run)
        report.files = placed.results
        staged = _convert_all(source_pages, report, staging, request, shared, timeout,
                              progress, placed)
        history = HistoryJob(shared, placed.for_page, session, timeout) \
            if request.history else None
        if not request.dry_run:
            _install(center, request, report, {**staged, **placed.install}, staging, history)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _convert_all(source_pages: SourcePages, report: Report, staging: Path,
                 request: ImportRequest, shared: ConvertOptions, timeout: float,
                 progress: Progress, placed: PlacedFiles) -> dict[Path, Path]:
    """Convert every planned page on every core; the stubs to write are staged (memory stays
    flat however large the dump). Returns stub path -> staged file."""
    plan = report.plan
    staged: dict[Path, Path] = {}

    def task_of(page: WikiPage) -> _Task:
        planned = plan.page(page.title)
        assert planned is not None
        target = None if request.dry_run else staging / f"{len(staged)}.rst"
        if target is not None:
            staged[planned.path] = target
        return _Task(page.title, page.text, planned.label, planned.service,
                     Provenance(planned.title, planned.revision, planned.timestamp,
                                planned.url), planned.path, target, request.force,
                     placed.for_page(planned))

    tasks = largest_first((task_of(p) for p in source_pages if plan.page(p.title) is not None),
                          size=lambda task: len(task.text))
    total = len(plan.pages)
    progress(0, total)
    for done, (task, result) in enumerate(run_bounded(_convert, tasks, shared=shared,
                                                        timeout=timeout), 1):
        planned = plan.page(task.title)
        assert planned is not None
        report.results[planned.path] = _result(report, planned, task, result)
        if report.action(planned) not in WRITES:
            staged.pop(planned.path, None)
        progress(done, total)
    return staged


def _result(report: Report, planned: PlannedPage, task: _Task, result: object) -> PageResult:
    """What a worker's ``result`` for ``task`` means; a page that timed out is kept as wiki
    text."""
    if isinstance(result, TimedOut):
        report.timed_out.append(planned.title)
        text = render_stub(task.provenance, timed_out_body(planned, task.text, result.seconds))
        action = _decide(planned.path, text, task.force)
        if action in ("new", "updated"):
            action = "timed-out"
        if action in WRITES and task.staged is not None:
            task.staged.write_text(text, encoding="utf-8", newline="\n")
        return PageResult(action)
    if isinstance(result, Exception):
        raise UsageError(f"{planned.title!r}: conversion failed: {result}")
    assert isinstance(result, _Done)
    report.unknown_templates.update(result.unknown_templates)
    report.glossary_terms.extend(result.glossary)
    return PageResult(result.action, result.unknown_templates)


def _install(center: Center, request: ImportRequest, report: Report,
             staged: dict[Path, Path | str], staging: Path,
             history: HistoryJob | None = None) -> None:
    """Move the staged stubs and the center files they change into place, all or none; then
    merge the glossary, replay the history of new pages and commit, when asked."""
    extra = service_files(center, report)
    glossary_path = center.root / center.glossary_path
    if request.commit:
        # service.toml, the toctree and the glossary get the import's changes too: a writer's
        # uncommitted edit there must not slip into the import's changeset.
        merging = [glossary_path] if request.glossary and report.glossary_terms else []
        _refuse_dirty(center, [*extra, *merging])
    try:
        install_all({**staged, **extra}, staging)
    except OSError as exc:
        where = exc.filename or center.root
        raise UsageError(f"{where}: cannot write ({exc.strerror or exc}); the center was "
                         "left as it was") from None
    report.other_files = [str(p.relative_to(center.root)) for p in extra]
    if request.glossary and report.glossary_terms:
        report.glossary = _merge_glossary(glossary_path, report.glossary_terms)
    if history is not None:
        report.history = replay_history(center, history, [
            page for page in report.pages if report.action(page) == "new"])
    if request.commit:
        merged = [glossary_path] if report.glossary.get("added") else []
        report.committed = _commit(center, report, [*staged, *extra, *merged])


def page_timeout() -> float:
    """The time bound per page: ``$DOCSCENTER_PAGE_TIMEOUT`` seconds, else PAGE_TIMEOUT."""
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return PAGE_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(f"{TIMEOUT_VARIABLE}={raw!r}: not a positive number of seconds")
    return seconds


def _decide(path: Path, text: str, force: bool) -> str:
    """What to do with the stub at ``path`` given its new ``text``."""
    state = stub_state(path)
    if state is StubState.MISSING:
        return "new"
    if state is StubState.EDITED:
        return "overwritten-edited" if force else "kept-edited"
    return "unchanged" if path.read_text(encoding="utf-8") == text else "updated"


def _refuse_dirty(center: Center, paths: list[Path]) -> None:
    from .. import vcs

    repo = vcs.detect(center.root)
    if repo is None:
        raise UsageError(f"{center.root}: --commit needs a Mercurial or Git repository")
    dirty = repo.modified([p for p in paths if p.exists()])
    if dirty:
        names = ", ".join(sorted(str(p.relative_to(center.root)) for p in dirty))
        raise UsageError(f"--commit: uncommitted local edits in {names}; commit or revert "
                         "them first")


def _commit(center: Center, report: Report, paths: list[Path]) -> str | None:
    from .. import vcs

    repo = vcs.detect(center.root)
    if repo is None or not paths:
        return None
    try:
        return repo.add_and_commit(paths, commit_message(report))
    except vcs.VcsError as exc:
        raise UsageError(str(exc)) from None


def _merge_glossary(path: Path, terms: list[tuple[str, str]]) -> dict[str, list[Any]]:
    result = merge_terms(path, terms)
    differing = [{"term": term, "glossary": ours, "wiki": theirs}
                 for term, ours, theirs in result.differing]
    return {"added": list(result.added), "differing": differing}
