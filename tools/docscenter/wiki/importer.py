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
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
import tomlkit

from ..center import Center, UsageError
from ..glossary_merge import glossary_spellings, merge_terms
from ..services import SLUG
from .convert import ConvertOptions, PageRef, convert_page, normalise_title
from .manifest import Manifest, load_manifest
from .naming import page_name
from .pool import TimedOut, run_bounded
from .source_types import SourceError, WikiPage
from .sources import open_source
from .stubs import Provenance, StubState, install_all, render_stub, split_stub, stub_state

PAGE_TIMEOUT = 30.0  # seconds one page may take to convert
TIMEOUT_VARIABLE = "DOCSCENTER_PAGE_TIMEOUT"  # overrides PAGE_TIMEOUT (slow machines, tests)
WIKI_FOLDER = "wiki"


@dataclass
class PlannedPage:
    """One wiki page and where it goes."""

    title: str
    service: str
    path: Path  # the stub file
    docname: str
    label: str
    revision: int | None
    timestamp: str | None
    url: str | None
    anchors: frozenset[str] = frozenset()
    action: str = ""  # new, updated, unchanged, kept-edited, overwritten-edited, timed-out
    unknown_templates: dict[str, int] = field(default_factory=dict)


@dataclass
class Report:
    pages: list[PlannedPage] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    unassigned: list[str] = field(default_factory=list)
    unknown_templates: Counter[str] = field(default_factory=Counter)
    timed_out: list[str] = field(default_factory=list)
    glossary_terms: list[tuple[str, str]] = field(default_factory=list)
    glossary: dict[str, list[str]] = field(default_factory=dict)
    other_files: list[str] = field(default_factory=list)
    committed: str | None = None
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for page in self.pages if page.action == action)


# -- pass 1: where does every page go ------------------------------------------------------

_PROTECTED = re.compile(r"<(nowiki|pre|source|syntaxhighlight|math)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
                        re.I | re.S)
_HEADING = re.compile(r"^(={1,6})(.+?)\1[ \t]*$", re.M)


def quick_anchors(text: str) -> frozenset[str]:
    """Anchors of the headings whose title is plain text, found without a full parse. Only
    these are offered as ``:ref:`` targets to other pages, so a reference never points at a
    label the converter did not make."""
    from .titles import _next_anchor

    seen: Counter[str] = Counter()
    plain: set[str] = set()
    for match in _HEADING.finditer(_PROTECTED.sub("", text)):
        title = match[2].strip()
        anchor = _next_anchor(seen, re.sub(r"['\[\]{}<>|&]", "", title))
        if not re.search(r"['\[\]{}<>|&_%]", title):
            plain.add(anchor)
    return frozenset(plain)


def _existing_names(folder: Path) -> dict[str, str]:
    """Stub name by wiki title, for the stubs already in ``folder`` (keeps names stable)."""
    names: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.rst")):
            try:
                parts = split_stub(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            if parts and "title" in parts[0]:
                names[normalise_title(parts[0]["title"])] = path.stem
    return names


class Planner:
    """Assigns pages to services and safe file names inside them."""

    def __init__(self, center: Center, manifest: Manifest, service: str | None) -> None:
        self.center = center
        self.manifest = manifest
        self.service = service
        self.known: dict[str, dict[str, str]] = {}
        self.taken: dict[str, set[str]] = {}

    def _folder(self, service: str) -> Path:
        return self.center.services_dir / service / WIKI_FOLDER

    def plan(self, page: WikiPage) -> PlannedPage | None:
        assignment = self.manifest.assign(page.title, self.service)
        if assignment is None:
            return None
        service = assignment.service
        folder = self.center.services_dir / service
        if not (folder / "service.toml").is_file():
            raise UsageError(f"{page.source or page.title}: page {page.title!r} goes to service "
                             f"{service!r}, which does not exist (docscenter new-service "
                             f"{service})")
        if service not in self.known:
            self.known[service] = _existing_names(self._folder(service))
            self.taken[service] = {p.stem for p in self._folder(service).glob("*.rst")}
        title = normalise_title(page.title)
        if assignment.page:
            path = folder / f"{assignment.page}.rst"
            relative = assignment.page
        else:
            name = self.known[service].get(title)
            if name is None:
                name = page_name(assignment.stem.replace("/", " "), self.taken[service])
                self.known[service][title] = name
            path = self._folder(service) / f"{name}.rst"
            relative = f"{WIKI_FOLDER}/{name}"
        # Defence in depth: whatever the title, the stub stays inside its service folder.
        if not path.resolve().is_relative_to(folder.resolve()):
            raise UsageError(f"{page.title!r}: would be written outside {folder}")
        return PlannedPage(
            title=page.title, service=service, path=path,
            docname=f"services/{service}/{relative}",
            label=f"wiki-{service}-{relative.replace('/', '-')}",
            revision=page.revision, timestamp=page.timestamp, url=page.url,
            anchors=quick_anchors(page.text),
        )


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


def prefix_endpoints(rst: str, service: str) -> str:
    """Endpoint paths in a center start with the service's name, so the routing table groups
    them per service and API version."""
    return _ENDPOINT.sub(lambda m: f"{m[1]}/{service}/", rst)


def timed_out_body(page: PlannedPage, text: str, seconds: float) -> str:
    """A stub for a page the converter gave up on: its wikitext, kept verbatim."""
    title = " ".join(page.title.split())
    from ..rst import escape, heading

    lines = [f".. _{page.label}:", "", heading(escape(title), "="), "",
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


def _open(spec: str, manifest: Manifest, pages: tuple[str, ...], prefix: str | None):
    try:
        return open_source(spec, pages=pages, prefix=prefix, title_prefix=manifest.title_prefix)
    except SourceError as exc:
        raise UsageError(str(exc)) from None


CACHE_BUDGET = 8 * 1024 * 1024  # characters of wikitext kept in memory between the passes


def _read_all(specs: list[str], manifest: Manifest, pages: tuple[str, ...],
              prefix: str | None):
    """Iterate the pages of every source. URLs are fetched once and kept in memory; files
    are kept too while they are small, and read again when they are not (a huge dump)."""
    cache: dict[str, list[WikiPage]] = {}

    def iterate():
        try:
            for spec in specs:
                if spec in cache:
                    yield from cache[spec]
                    continue
                stream, _site = _open(spec, manifest, pages, prefix)
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
                    cache[spec] = kept
        except SourceError as exc:
            raise UsageError(str(exc)) from None

    return iterate


def _site_url(specs: list[str], manifest: Manifest, pages: tuple[str, ...],
              prefix: str | None) -> str | None:
    for spec in specs:
        _stream, site = _open(spec, manifest, pages, prefix)
        if site is not None and site.article_path:
            return site.article_path
    return None


def run_import(center: Center, *, sources: tuple[str, ...], service: str | None,
               manifest: Path | None, wiki_url: str | None, pages: tuple[str, ...],
               prefix: str | None, glossary: bool, commit: bool, dry_run: bool, force: bool,
               output_format: str) -> int:
    """The import-wiki command; returns the exit status."""
    manifest_path = manifest or (center.tools_dir / "wiki.toml")
    loaded = load_manifest(manifest_path) if (manifest or manifest_path.exists()) else Manifest()
    if service is not None and not SLUG.match(service):
        raise UsageError(f"--service {service!r}: not a service name")
    if service is None and not loaded.rules:
        raise UsageError("import-wiki: say where pages go: --service NAME or a manifest with "
                         "[[pages]] entries (tools/wiki.toml)")
    specs = _sources(center, loaded, sources)
    pages_of = _read_all(specs, loaded, pages, prefix)
    base_url = wiki_url or loaded.wiki_url or _site_url(specs, loaded, pages, prefix)

    report = Report(dry_run=dry_run)
    planner = Planner(center, loaded, service)
    planned: dict[str, PlannedPage] = {}
    for page in pages_of():
        title = normalise_title(page.title)
        if page.redirect or _is_redirect(page.text):
            report.redirects[page.title] = page.redirect or _is_redirect(page.text) or ""
            continue
        plan = planner.plan(page)
        if plan is None:
            report.unassigned.append(page.title)
            continue
        if plan.url is None and base_url:
            plan.url = base_url.replace("$1", page.title.replace(" ", "_"))
        planned[title] = plan
    refs = {title: PageRef("/" + p.docname, p.label, p.anchors) for title, p in planned.items()}
    for source, target in report.redirects.items():
        resolved = _follow(target, report.redirects, refs)
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

        tasks = largest_first((task_of(p) for p in pages_of()
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
        extra = _service_files(center, report)
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


def _is_redirect(text: str) -> str | None:
    from .source_types import redirect_target

    return redirect_target(text)


def _follow(target: str, redirects: dict[str, str], refs: dict[str, PageRef]) -> PageRef | None:
    """Follow a chain of redirects (at most a few hops; loops end) to an imported page."""
    seen: set[str] = set()
    title = normalise_title(target.split("#", 1)[0])
    normalised = {normalise_title(k): v for k, v in redirects.items()}
    while title not in refs and title in normalised and title not in seen:
        seen.add(title)
        title = normalise_title(normalised[title].split("#", 1)[0])
    return refs.get(title)


def _decide(path: Path, text: str, force: bool) -> str:
    """What to do with the stub at ``path`` given its new ``text``."""
    state = stub_state(path)
    if state is StubState.MISSING:
        return "new"
    if state is StubState.EDITED:
        return "overwritten-edited" if force else "kept-edited"
    return "unchanged" if path.read_text(encoding="utf-8") == text else "updated"


def _service_files(center: Center, report: Report) -> dict[Path, str]:
    """service.toml (original wiki pages), the wiki index page and the toctree entry."""
    files: dict[Path, str] = {}
    by_service: dict[str, list[PlannedPage]] = {}
    for plan in report.pages:
        by_service.setdefault(plan.service, []).append(plan)
    for service, plans in by_service.items():
        folder = center.services_dir / service
        toml_path = folder / "service.toml"
        old_toml = toml_path.read_text(encoding="utf-8")
        new_toml = update_wiki_pages(old_toml, plans)
        if new_toml != old_toml:
            files[toml_path] = new_toml
        if any(plan.path.parent.name == WIKI_FOLDER for plan in plans):
            index = folder / WIKI_FOLDER / "index.rst"
            if not index.exists():
                files[index] = WIKI_INDEX.format(service=service)
            entry_name = f"{WIKI_FOLDER}/index"
        else:
            entry_name = None
        landing = folder / "index.rst"
        wanted = [entry_name] if entry_name else []
        wanted += [p.docname.split("/", 2)[2] for p in plans if p.path.parent == folder]
        updated = add_to_toctree(landing.read_text(encoding="utf-8"), wanted)
        if updated is not None:
            files[landing] = updated
    return files


def _wanted_entries(text: str, plans: list[PlannedPage]) -> tuple[list[dict], list[dict]]:
    """The existing ``wiki_pages`` entries updated from ``plans``, and the new ones."""
    entries = tomllib.loads(text).get("wiki_pages", [])
    by_title = {normalise_title(str(e.get("title", ""))): e for e in entries}
    added: list[dict] = []
    for plan in plans:
        entry = by_title.get(normalise_title(plan.title))
        if entry is None:
            entry = {"title": plan.title}
            by_title[normalise_title(plan.title)] = entry
            added.append(entry)
        if plan.url:
            entry["url"] = plan.url
        if plan.revision is not None:
            entry["revision"] = plan.revision
        entry["page"] = plan.docname.split("/", 2)[2]
    return entries, added


def _line_value(line: str, key: str) -> object:
    try:
        return tomllib.loads(line).get(key)
    except tomllib.TOMLDecodeError:  # a value over several lines: rewritten, then checked
        return None


def _toml_value(value: object) -> str:
    # A JSON string is a valid TOML basic string (same escapes); integers read the same.
    return json.dumps(value, ensure_ascii=False)


_AOT_HEADER = re.compile(r"^\s*\[\[\s*wiki_pages\s*\]\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*(title|url|revision|page)\s*=")


def update_wiki_pages(text: str, plans: list[PlannedPage]) -> str:
    """``service.toml`` with a ``[[wiki_pages]]`` entry (title, url, revision, page) per
    imported page; everything else, comments included, is left as it was.

    Edits the text line by line: a format-preserving TOML model of a service with thousands
    of pages costs hundreds of MB. An unusual layout (an inline ``wiki_pages = [...]``) goes
    through tomlkit instead; either way the result is checked with tomllib."""
    entries, added = _wanted_entries(text, plans)
    expected = tomllib.loads(text)
    expected["wiki_pages"] = entries + added
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _AOT_HEADER.match(line)]
    if len(starts) == len(entries):
        out: list[str] = []
        previous = 0
        for start, entry in zip(starts, entries, strict=True):
            end = start + 1
            while end < len(lines) and not lines[end].lstrip().startswith("["):
                end += 1
            out += lines[previous:start + 1]
            block = lines[start + 1:end]
            for key in ("title", "url", "revision", "page"):
                if key not in entry:
                    continue
                line = f"{key} = {_toml_value(entry[key])}"
                index = next((i for i, old in enumerate(block)
                              if (m := _KEY_LINE.match(old)) and m[1] == key), None)
                if index is None:
                    last = max((i for i, old in enumerate(block) if "=" in old), default=-1)
                    block.insert(last + 1, line)
                elif block[index].strip() != line and _line_value(block[index], key) != entry[key]:
                    block[index] = line
            out += block
            previous = end
        out += lines[previous:]
        result = "\n".join(out)
        if added:
            result = result.rstrip("\n") + "\n" + "".join(
                "\n[[wiki_pages]]\n" + "".join(f"{key} = {_toml_value(entry[key])}\n"
                                               for key in ("title", "url", "revision", "page")
                                               if key in entry)
                for entry in added)
        try:
            if tomllib.loads(result) == expected:
                return result
        except tomllib.TOMLDecodeError:
            pass
    return _update_with_tomlkit(text, entries + added)


def _update_with_tomlkit(text: str, entries: list[dict]) -> str:
    """The slow, general way: ``wiki_pages`` rewritten as an array of tables."""
    document = tomlkit.parse(text)
    document.pop("wiki_pages", None)
    tables = tomlkit.aot()
    for entry in entries:
        table = tomlkit.table()
        table.update(entry)
        tables.append(table)
    document["wiki_pages"] = tables
    return tomlkit.dumps(document)


WIKI_INDEX = """\
.. _service-{service}-wiki:

Imported wiki pages
===================

These pages were imported from the wiki. Edit them freely: a re-import refreshes only the
pages nobody has edited since.

.. toctree::
   :maxdepth: 1
   :glob:

   *
"""


def add_to_toctree(text: str, entries: list[str]) -> str | None:
    """Add ``entries`` to the first toctree of a landing page; None when nothing changes."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == ".. toctree::"), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    present = {line.strip() for line in lines[start + 1 : end]}
    missing = [entry for entry in entries if entry not in present]
    if not missing:
        return None
    return "\n".join(lines[:end] + [f"   {entry}" for entry in missing] + lines[end:])


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


def commit_message(report: Report) -> str:
    """The commit message of an import: one line per wiki title and revision."""
    written = [p for p in report.pages if p.action in WRITES]
    lines = [f"Import {len(written)} wiki page{'s' if len(written) != 1 else ''}", ""]
    for plan in written:
        revision = f"revision {plan.revision}" if plan.revision is not None else "no revision"
        lines.append(f"- {plan.title} ({revision})")
    return "\n".join(lines) + "\n"


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


# -- the report ----------------------------------------------------------------------------

ACTIONS = ("new", "updated", "unchanged", "kept-edited", "overwritten-edited", "timed-out")
WRITES = ("new", "updated", "overwritten-edited", "timed-out")  # the actions that write a stub


def _finish(report: Report, output_format: str) -> int:
    if output_format == "json":
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    else:
        click.echo(report_text(report))
    return 0


def report_json(report: Report) -> dict[str, Any]:
    """The import report as JSON (documented in the writers' guide)."""
    pages = []
    for plan in report.pages:
        item = asdict(plan)
        item["path"] = str(plan.path)
        item.pop("anchors")
        item.pop("label")
        pages.append(item)
    return {
        "dry_run": report.dry_run,
        "counts": {action: report.count(action) for action in ACTIONS}
        | {"redirects": len(report.redirects), "unassigned": len(report.unassigned)},
        "pages": pages,
        "redirects": report.redirects,
        "unassigned": report.unassigned,
        "unknown_templates": dict(report.unknown_templates.most_common()),
        "timed_out": report.timed_out,
        "glossary": report.glossary,
        "other_files": report.other_files,
        "committed": report.committed,
    }


def report_text(report: Report) -> str:
    counts = ", ".join(f"{report.count(a)} {a}" for a in ACTIONS if report.count(a))
    head = "would import" if report.dry_run else "imported"
    lines = [f"{head} {len(report.pages)} page{'s' if len(report.pages) != 1 else ''}"
             + (f": {counts}" if counts else "")]
    if report.dry_run:
        lines += [f"  {p.action:<19} {p.title} -> {p.path}" for p in report.pages]
    if report.redirects:
        lines.append(f"redirects followed: {len(report.redirects)}")
    if report.unassigned:
        lines.append(f"not in the manifest (skipped): {len(report.unassigned)}")
    if report.unknown_templates:
        names = ", ".join(f"{name} ({n})" for name, n in report.unknown_templates.most_common())
        lines.append(f"unknown templates (kept visibly): {names}")
    for title in report.timed_out:
        lines.append(f"hit the time bound, kept as wiki text: {title}")
    edited = [p for p in report.pages if p.action == "kept-edited"]
    for plan in edited:
        lines.append(f"kept (edited since import; --force overwrites): {plan.path}")
    if report.glossary:
        lines.append(f"glossary: {len(report.glossary.get('added', []))} terms added")
        for item in report.glossary.get("differing", []):
            lines.append("glossary: the wiki defines "
                         f"{item['term']!r} differently: {item['wiki']}")
    if report.committed:
        lines.append(f"committed as {report.committed}")
    return "\n".join(lines)
