"""``docscenter import-wiki``: wiki pages -> reST stubs in the center's services.

Two passes over the sources: the first decides where every page goes (so links between
imported pages can become internal references), the second converts pages on every core,
decides what to do with each page's file (:mod:`.decision`: refresh, merge, keep, overwrite)
and stages the result. Only when everything succeeded are the files installed, in one
transaction under the center's lock (:mod:`.install`, :mod:`.transaction`), so a failed or
killed import leaves the center as it was. Each page is converted with the options it was
imported with last time unless the request says otherwise (its provenance records them).
:func:`import_wiki` returns a :class:`.report.Report`; showing progress and the report is
the command line's business.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from ..core.center import Center
from ..core.provenance import split_stub
from ..core.services import SLUG
from ..core.vocabulary import describe
from ..errors import UsageError
from ..glossary_merge import glossary_spellings
from .bases import BaseStore
from .convert import ConvertOptions, convert_page
from .decision import WRITES, Decision, decide, file_digest, read_current
from .file_import import PlacedFiles, file_sources, place_files
from .history_job import HistoryJob
from .install import InstallOptions, install_import, is_forced, refuse_dirty
from .install import page_result as _page_result
from .manifest import Manifest, load_manifest
from .options import LocalFile
from .planning import PlannedPage, Planner, plan_import, recorded_pages
from .pool import TimedOut, run_bounded
from .report import PageResult, Report
from .source_pages import SourcePages, source_session
from .source_types import WikiPage
from .stub_body import prefix_endpoints, timed_out_body
from .stub_check import foreign_markup
from .stubs import Provenance, render_stub
from .transaction import Transaction
from .transclusions import TransclusionScan, transcluded_texts


def body_of(stub: str) -> str:
    """The body of a stub the importer rendered (below its provenance)."""
    parts = split_stub(stub)
    return parts[1] if parts is not None else stub

PAGE_TIMEOUT = 30.0  # seconds one page may take to convert
TIMEOUT_VARIABLE = "DOCSCENTER_PAGE_TIMEOUT"  # overrides PAGE_TIMEOUT (slow machines, tests)


# -- pass 2: conversion (in worker processes) ----------------------------------------------

@dataclass(frozen=True)
class _Task:
    """One page for a worker: convert it, render the stub, decide, stage the file."""

    title: str
    text: str
    label: str
    heading: str  # the title readers see
    service: str
    provenance: Provenance
    path: Path  # where the stub goes in the center
    staged: Path | None  # where to stage it (None: dry run)
    force: bool
    files: dict[str, LocalFile]  # the wiki files it may refer to, placed by the import


@dataclass(frozen=True)
class _Shared:
    """What every worker gets once: the converter's options and the center's root."""

    options: ConvertOptions
    root: Path


@dataclass(frozen=True)
class _Done:
    """What a worker sends back (the stub itself stays on disk)."""

    decision: Decision
    seen: str | None
    unknown_templates: dict[str, int]
    glossary: list[tuple[str, str]]
    text_kept: float = 1.0
    reason: str = ""  # why a page was kept as wiki text, or its stub refused
    base: str | None = None  # the body to keep as the base of the next merge (when staged)


def _convert(shared: _Shared, task: _Task) -> _Done:
    """In a worker: the whole per-page job, so the parent only collects small results.
    The page is converted with the options it was imported with (see :mod:`.recorded`).
    The stub is parsed before anything is staged: one holding markup the converter never
    writes is refused (see :mod:`.stub_check`)."""
    provenance = task.provenance
    options = replace(shared.options, label=task.label, heading=task.heading, files=task.files,
                      wiki_url=provenance.wiki_url or shared.options.wiki_url,
                      glossary_terms=shared.options.glossary_terms if provenance.glossary
                      else None)
    page = convert_page(task.text, task.title, options)
    text = render_stub(provenance, prefix_endpoints(page.rst, task.service))
    foreign = foreign_markup(text, options.link_schemes)
    if foreign:
        where = f" at line {foreign[0].line}" if foreign[0].line else ""
        return _Done(Decision("refused", None, None), None, dict(page.unknown_templates), [],
                     reason=describe(foreign[0]) + where)
    decision, seen, base = _stage(shared.root, task, text)
    if page.kept_as_wikitext and decision.action in ("new", "updated"):
        decision = replace(decision, action="wikitext")
    return _Done(decision, seen, dict(page.unknown_templates), page.glossary, page.text_kept,
                 page.kept_as_wikitext, base)


def _stage(root: Path, task: _Task, new_stub: str) -> tuple[Decision, str | None, str | None]:
    """Decide what to do with the page's file and stage what to write: the text to install
    and the stub as converted, to decide again at install time (see :func:`.install.converted`:
    beside it, as ``.wiki``, unless it is the text to install). Returns the decision, the
    digest of the file as found, and the base of the next merge to keep (None: dry run)."""
    current = read_current(task.path)
    decision = decide(task.path, current, new_stub, task.provenance.revision, task.force,
                      BaseStore(root))
    if task.staged is None:
        return decision, file_digest(current), None
    if decision.text != new_stub:
        task.staged.with_suffix(".wiki").write_text(new_stub, encoding="utf-8", newline="\n")
    if decision.text is not None:
        task.staged.write_text(decision.text, encoding="utf-8", newline="\n")
    return decision, file_digest(current), body_of(new_stub)


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
    glossary: bool | None = None  # None: as each page was imported last time
    commit: bool = False
    dry_run: bool = False
    force: tuple[str, ...] = ()  # titles or globs of pages to overwrite; "*" for every page
    redirect_hosts: tuple[str, ...] = ()  # hosts besides the API's own it may redirect to
    files: Path | None = None  # the folder of wiki files beside a dump
    history: bool = False  # replay the wiki's revisions of new pages as commits


def _load_manifest(center: Center, request: ImportRequest) -> Manifest:
    path = request.manifest or center.manifest_path
    loaded = load_manifest(path) if (request.manifest or path.exists()) else Manifest()
    if request.service is not None and not SLUG.match(request.service):
        raise UsageError(f"--service {request.service!r}: not a service name")
    if request.service is None and not loaded.rules and not recorded_pages(center):
        raise UsageError("import-wiki: say where pages go: --service NAME or a manifest with "
                         "[[pages]] entries (tools/wiki.toml)")
    return loaded


def import_wiki(center: Center, request: ImportRequest, progress: Progress = _quiet,
                on_wait: Callable[[str], None] | None = None) -> Report:
    """Import wiki pages as stubs: plan, convert every page, then install the stubs and the
    center files they change as one transaction (nothing when ``dry_run``). Bad input raises
    UsageError and leaves the center as it was; ``progress`` hears of every page converted,
    ``on_wait`` whom the import waits for when another one holds the center."""
    if request.dry_run:
        return _run(center, request, None, progress)
    with Transaction(center.root, on_wait=on_wait) as txn:
        report = _run(center, request, txn, progress)
        report.recovered = txn.recovered.message() if txn.recovered else None
        taken = txn.lock.taken_over
        report.lock_taken_over = taken.describe() if taken is not None else None
    return report


def _run(center: Center, request: ImportRequest, txn: Transaction | None,
         progress: Progress) -> Report:
    manifest = _load_manifest(center, request)
    if request.history and not request.commit:
        raise UsageError("import-wiki --history needs --commit: the wiki's edits become "
                         "commits, then the import's own commit follows them")
    session = source_session(manifest, request.wiki_url, request.redirect_hosts)
    specs = _sources(center, manifest, request.sources)
    source_pages = SourcePages(specs, manifest, request.pages, request.prefix, session)
    scan = TransclusionScan()
    plan = plan_import(scan.watch(source_pages), Planner(center, manifest, request.service),
                       lambda: request.wiki_url or manifest.wiki_url or source_pages.article_path)
    report = Report(plan, dry_run=request.dry_run, skipped=session.skipped)
    if request.commit and txn is not None:
        refuse_dirty(center, [p.path for p in plan.pages])
    spellings = glossary_spellings(center.root / center.glossary_path)
    shared = ConvertOptions(label="", pages=dict(plan.refs), wiki_url=plan.base_url,
                            templates=dict(manifest.templates), glossary_terms=spellings,
                            transclusions=transcluded_texts(source_pages, scan, plan.redirects),
                            link_schemes=center.config.allowed_uri_schemes)
    bases = BaseStore(center.root)
    try:
        with _files_staging(center, txn) as staging:
            placed = place_files(center, plan, file_sources(
                center, manifest.files, request.files, specs, session), staging,
                request.dry_run)
            report.files = placed.results
            staged = _convert_all(source_pages, report, txn, request,
                                  _Shared(shared, center.root), page_timeout(), progress,
                                  placed, bases)
        merged = {term.lower() for term, _ in report.glossary_merge_terms}
        report.glossary_new_terms = len({term.lower() for term, _ in report.glossary_terms
                                         if term.lower() not in spellings
                                         and term.lower() not in merged})
        if txn is not None:
            history = HistoryJob(shared, placed.for_page, session, page_timeout()) \
                if request.history else None
            bases.put_in_place()
            install_import(center, report, staged, txn, InstallOptions(
                glossary=bool(report.glossary_merge_terms), commit=request.commit,
                force=request.force, files=placed.install, history=history))
    finally:
        bases.discard()
    return report


@contextlib.contextmanager
def _files_staging(center: Center, txn: Transaction | None) -> Iterator[Path]:
    """Where the wiki's files are staged: the transaction's staging folder, or a folder
    removed afterwards for a dry run (which reads and checks them, and writes nothing)."""
    if txn is not None:
        yield txn.staging
        return
    with tempfile.TemporaryDirectory(prefix=".docscenter-files-", dir=center.root) as folder:
        yield Path(folder)


def _glossary_of(request: ImportRequest, page: PlannedPage) -> bool:
    """Whether ``page`` is converted with the glossary: as asked, else as last time."""
    if request.glossary is not None:
        return request.glossary
    return page.recorded.get("glossary") == "yes"


def _provenance(request: ImportRequest, page: PlannedPage) -> Provenance:
    """The page's provenance, recording what it is imported with."""
    wiki_url = request.wiki_url or page.recorded.get("wiki_url") or None
    return Provenance(page.title, page.revision, page.timestamp, page.url, wiki_url,
                      _glossary_of(request, page), page.case_sensitive)


def _convert_all(source_pages: SourcePages, report: Report, txn: Transaction | None,
                 request: ImportRequest, shared: _Shared, timeout: float,
                 progress: Progress, placed: PlacedFiles,
                 bases: BaseStore) -> dict[Path, Path]:
    """Convert every planned page on every core; the stubs to write are staged (memory stays
    flat however large the dump), the bases of the next merges added to ``bases``. Returns
    stub path -> staged file."""
    plan = report.plan
    staged: dict[Path, Path] = {}

    tasked: set[Path] = set()

    def task_of(page: WikiPage) -> _Task:
        planned = plan.page(page.title, page.case_sensitive)
        assert planned is not None
        tasked.add(planned.path)
        target = None if txn is None else txn.staging / f"{len(tasked)}.rst"
        if target is not None:
            staged[planned.path] = target
        return _Task(page.title, page.text, planned.label, planned.heading or planned.title,
                     planned.service,
                     _provenance(request, planned), planned.path, target,
                     is_forced(request.force, planned.title, planned.path),
                     placed.for_page(planned))

    def wanted(page: WikiPage) -> bool:
        # A page a source gives twice is converted once: as the plan has it (the last one).
        planned = plan.page(page.title, page.case_sensitive)
        return (planned is not None and planned.path not in tasked
                and page.revision == planned.revision)

    tasks = largest_first((task_of(p) for p in source_pages if wanted(p)),
                          size=lambda task: len(task.text))
    total = len(plan.pages)
    progress(0, total)
    for done, (task, result) in enumerate(run_bounded(_convert, tasks, shared=shared,
                                                        timeout=timeout), 1):
        planned = plan.page(task.title, task.provenance.case_sensitive)
        assert planned is not None
        report.results[planned.path] = _result(report, planned, task, result, shared.root,
                                               bases)
        if report.action(planned) not in WRITES:
            staged.pop(planned.path, None)
        progress(done, total)
    return staged


def _result(report: Report, planned: PlannedPage, task: _Task, result: object,
            root: Path, bases: BaseStore) -> PageResult:
    """What a worker's ``result`` for ``task`` means; a page that timed out is kept as wiki
    text."""
    if isinstance(result, TimedOut):
        report.timed_out.append(planned.title)
        text = render_stub(task.provenance, timed_out_body(planned, task.text, result.seconds))
        decision, seen, base = _stage(root, task, text)
        if base is not None:
            bases.add(base)
        if decision.action in ("new", "updated"):
            decision = replace(decision, action="timed-out")
        return _page_result(decision, seen, {})
    if isinstance(result, Exception):
        raise UsageError(f"{planned.title!r}: conversion failed: {result}")
    assert isinstance(result, _Done)
    if result.base is not None:
        bases.add(result.base)
    report.unknown_templates.update(result.unknown_templates)
    report.glossary_terms.extend(result.glossary)
    if task.provenance.glossary:
        report.glossary_merge_terms.extend(result.glossary)
    if result.decision.action == "refused":
        report.refused.append((planned.title, result.reason))
    elif result.reason:
        report.wikitext.append((planned.title, result.reason))
    return replace(_page_result(result.decision, result.seen, result.unknown_templates),
                   text_kept=result.text_kept)


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
