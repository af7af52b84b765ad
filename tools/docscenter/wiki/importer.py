"""``docscenter import-wiki``: wiki pages -> reST stubs in the center's services.

Two passes over the sources: the first decides where every page goes (so links between
imported pages can become internal references), the second converts pages on every core and
stages the stubs; only when everything succeeded are the stubs moved into place, so a failed
import leaves the center as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import rst
from ..center import Center, UsageError
from ..glossary_merge import glossary_spellings, merge_terms
from ..services import SLUG
from .center_files import service_files
from .convert import ConvertOptions, PageRef, convert_page, normalise_title
from .manifest import Manifest, load_manifest
from .planning import PlannedPage, Planner, follow_redirects
from .pool import TimedOut, run_bounded
from .report import WRITES, Report, commit_message, report_json, report_text
from .source_limits import SourceSession, limits_from_environment
from .source_types import SourceError, WikiPage, checked_site_url, redirect_target
from .sources import open_source
from .stubs import Provenance, StubState, install_all, render_stub, stub_state

PAGE_TIMEOUT = 30.0  # seconds one page may take to convert
TIMEOUT_VARIABLE = "DOCSCENTER_PAGE_TIMEOUT"  # overrides PAGE_TIMEOUT (slow machines, tests)


# -- pass 2: conversion (in worker processes) ----------------------------------------------

@dataclass(frozen=True)
class _Shared:
    refs: dict[str, PageRef]
    wiki_url: str | None
    templates: dict[str, Any]
    glossary_terms: dict[str, str] | None = None  # shared glossary spellings, with --glossary


_SHARED: _Shared | None = None  # set before the worker pool forks


def _resolve(title: str) -> PageRef | None:
    assert _SHARED is not None
    return _SHARED.refs.get(normalise_title(title))


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


@dataclass(frozen=True)
class _Done:
    """What a worker sends back (the stub itself stays on disk)."""

    action: str
    unknown_templates: dict[str, int]
    glossary: list[tuple[str, str]]


def _convert(task: _Task) -> _Done:
    """In a worker: the whole per-page job, so the parent only collects small results."""
    assert _SHARED is not None
    options = ConvertOptions(label=task.label, resolve=_resolve, wiki_url=_SHARED.wiki_url,
                             templates=_SHARED.templates,
                             glossary_terms=_SHARED.glossary_terms)
    page = convert_page(task.text, task.title, options)
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


_ENDPOINT = re.compile(r"^(\s*\.\. http:(?:get|put|post|delete|patch|head|options)::\s+)/",
                       re.M)


def prefix_endpoints(text: str, service: str) -> str:
    """Endpoint paths in a center start with the service's name, so the routing table groups
    them per service and API version."""
    return _ENDPOINT.sub(lambda m: f"{m[1]}/{service}/", text)


def timed_out_body(page: PlannedPage, text: str, seconds: float) -> str:
    """A stub for a page the converter gave up on: its wikitext, kept verbatim."""
    lines = [f".. _{page.label}:", "", *rst.heading(rst.escape_line(page.title), "="), "",
             f".. note:: This page took longer than {seconds:g} seconds to convert; its wiki "
             "text is kept below as it was.", "", "::", ""]
    lines += [("   " + line) if line.strip() else "" for line in text.splitlines()]
    return "\n".join(lines) + "\n"


# -- orchestration -------------------------------------------------------------------------

def _sources(center: Center, manifest: Manifest, given: tuple[str, ...]) -> list[str]:
    if given:
        return list(given)
    if manifest.sources:
        return [s if s.startswith(("http://", "https://")) else str(center.root / s)
                for s in manifest.sources]
    raise UsageError("import-wiki: name a source (a .xml export, .wiki files or an api.php "
                     "URL) or list sources in the manifest's [wiki] sources")


def _open(spec: str, manifest: Manifest, pages: tuple[str, ...], prefix: str | None,
          session: SourceSession):
    try:
        return open_source(spec, pages=pages, prefix=prefix, title_prefix=manifest.title_prefix,
                           session=session)
    except SourceError as exc:
        raise UsageError(str(exc)) from None


def _session(manifest: Manifest, wiki_url: str | None,
             redirect_hosts: tuple[str, ...]) -> SourceSession:
    """The bounds of this import's sources: the manifest's, then the environment's."""
    try:
        if wiki_url is not None:
            checked_site_url(wiki_url, "--wiki-url")
        limits = limits_from_environment(manifest.limits)
    except SourceError as exc:
        raise UsageError(str(exc)) from None
    if wiki_url is not None and "$1" not in wiki_url:
        raise UsageError(f"--wiki-url {wiki_url!r}: needs $1 where the title goes")
    return SourceSession(limits, redirect_hosts=(*manifest.redirect_hosts, *redirect_hosts))


CACHE_BUDGET = 8 * 1024 * 1024  # characters of wikitext kept in memory between the passes


class SourcePages:
    """The pages of every source, readable twice (one pass each). URLs are fetched once and
    kept in memory; files are kept too while they are small, and read again when they are
    not (a huge dump). The wiki's article path is noted from the first source that gives it."""

    def __init__(self, specs: list[str], manifest: Manifest, pages: tuple[str, ...],
                 prefix: str | None, session: SourceSession) -> None:
        self.specs, self.manifest, self.pages, self.prefix = specs, manifest, pages, prefix
        self.session = session
        self.article_path: str | None = None
        self._cache: dict[str, list[WikiPage]] = {}

    def __iter__(self) -> Iterator[WikiPage]:
        try:
            for spec in self.specs:
                if spec in self._cache:
                    yield from self._cache[spec]
                    continue
                stream, site = _open(spec, self.manifest, self.pages, self.prefix,
                                     self.session)
                if self.article_path is None and site is not None:
                    self.article_path = site.article_path
                remote = spec.startswith(("http://", "https://"))
                kept: list[WikiPage] | None = []
                size = 0
                for page in stream:
                    if kept is not None:
                        kept.append(page)
                        size += len(page.text)
                        if size > CACHE_BUDGET and not remote:
                            kept = None
                    yield page
                if kept is not None:
                    self._cache[spec] = kept
        except SourceError as exc:
            raise UsageError(str(exc)) from None


def run_import(center: Center, *, sources: tuple[str, ...], service: str | None,
               manifest: Path | None, wiki_url: str | None, pages: tuple[str, ...],
               prefix: str | None, glossary: bool, commit: bool, dry_run: bool, force: bool,
               output_format: str, redirect_hosts: tuple[str, ...] = ()) -> int:
    """The import-wiki command; returns the exit status."""
    manifest_path = manifest or (center.tools_dir / "wiki.toml")
    loaded = load_manifest(manifest_path) if (manifest or manifest_path.exists()) else Manifest()
    if service is not None and not SLUG.match(service):
        raise UsageError(f"--service {service!r}: not a service name")
    if service is None and not loaded.rules:
        raise UsageError("import-wiki: say where pages go: --service NAME or a manifest with "
                         "[[pages]] entries (tools/wiki.toml)")
    specs = _sources(center, loaded, sources)
    session = _session(loaded, wiki_url, redirect_hosts)
    source_pages = SourcePages(specs, loaded, pages, prefix, session)

    report = Report(dry_run=dry_run)
    planner = Planner(center, loaded, service)
    planned: dict[str, PlannedPage] = {}
    for page in source_pages:
        title = normalise_title(page.title)
        target = page.redirect or redirect_target(page.text)
        if target:
            report.redirects[page.title] = target
            continue
        plan = planner.plan(page)
        if plan is None:
            report.unassigned.append(page.title)
            continue
        planned[title] = plan
    report.skipped = session.skipped
    base_url = wiki_url or loaded.wiki_url or source_pages.article_path
    for plan in planned.values():
        if plan.url is None and base_url:
            plan.url = base_url.replace("$1", plan.title.replace(" ", "_"))
    refs = {title: PageRef("/" + p.docname, p.label, p.anchors) for title, p in planned.items()}
    for source, target in report.redirects.items():
        resolved = follow_redirects(target, report.redirects, refs)
        if resolved is not None:
            refs[normalise_title(source)] = resolved
    report.pages = sorted(planned.values(), key=lambda p: (p.service, str(p.path)))

    timeout = page_timeout()
    if commit and not dry_run:
        _refuse_dirty(center, [p.path for p in report.pages])

    global _SHARED
    spellings = glossary_spellings(center.source_dir / "glossary.rst") if glossary else None
    _SHARED = _Shared(refs, base_url, dict(loaded.templates), spellings)
    staging = Path(tempfile.mkdtemp(prefix=".docscenter-import-", dir=center.root))
    try:
        # Stubs go to the staging folder as they are converted (memory stays flat however
        # large the dump) and move into the center only once every page has succeeded.
        staged: dict[Path, Path] = {}

        def task_of(page: WikiPage) -> _Task:
            plan = planned[normalise_title(page.title)]
            target = None if dry_run else staging / f"{len(staged)}.rst"
            if target is not None:
                staged[plan.path] = target
            return _Task(page.title, page.text, plan.label, plan.service,
                         Provenance(plan.title, plan.revision, plan.timestamp, plan.url),
                         plan.path, target, force)

        tasks = largest_first((task_of(p) for p in source_pages
                               if normalise_title(p.title) in planned),
                              size=lambda task: len(task.text))
        with click.progressbar(length=len(planned), label="converting", file=sys.stderr,
                               hidden=len(planned) < 20 or not sys.stderr.isatty()) as bar:
            for task, result in run_bounded(_convert, tasks, timeout=timeout):
                plan = planned[normalise_title(task.title)]
                if isinstance(result, TimedOut):
                    report.timed_out.append(plan.title)
                    text = render_stub(task.provenance,
                                       timed_out_body(plan, task.text, result.seconds))
                    plan.action = _decide(plan.path, text, force)
                    if plan.action in ("new", "updated"):
                        plan.action = "timed-out"
                    if plan.action in WRITES and task.staged is not None:
                        task.staged.write_text(text, encoding="utf-8", newline="\n")
                elif isinstance(result, Exception):
                    raise UsageError(f"{plan.title!r}: conversion failed: {result}")
                else:
                    plan.action = result.action
                    plan.unknown_templates = result.unknown_templates
                    report.unknown_templates.update(result.unknown_templates)
                    report.glossary_terms.extend(result.glossary)
                if plan.action not in WRITES:
                    staged.pop(plan.path, None)
                bar.update(1)
        if dry_run:
            return _finish(report, output_format)
        extra = service_files(center, report)
        glossary_path = center.source_dir / "glossary.rst"
        if commit:
            # service.toml, the toctree and the glossary get the import's changes too: a writer's
            # uncommitted edit there must not slip into the import's changeset.
            merging = [glossary_path] if glossary and report.glossary_terms else []
            _refuse_dirty(center, [*extra, *merging])
        try:
            install_all({**staged, **extra}, staging)
        except OSError as exc:
            where = exc.filename or center.root
            raise UsageError(f"{where}: cannot write ({exc.strerror or exc}); the center was "
                             "left as it was") from None
        report.other_files = [str(p.relative_to(center.root)) for p in extra]
        if glossary and report.glossary_terms:
            report.glossary = _merge_glossary(center, report.glossary_terms)
        if commit:
            merged = [glossary_path] if report.glossary.get("added") else []
            report.committed = _commit(center, report, [*staged, *extra, *merged])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _finish(report, output_format)


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


def _finish(report: Report, output_format: str) -> int:
    if output_format == "json":
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    else:
        click.echo(report_text(report))
    return 1 if report.skipped else 0  # pages were asked for that could not be imported



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


def _merge_glossary(center: Center, terms: list[tuple[str, str]]) -> dict[str, list[Any]]:
    result = merge_terms(center.source_dir / "glossary.rst", terms)
    differing = [{"term": term, "glossary": ours, "wiki": theirs}
                 for term, ours, theirs in result.differing]
    return {"added": list(result.added), "differing": differing}


