"""Where each wiki page goes: the service, a safe file name, its label and anchors (the
importer's first pass, which needs no conversion). The result is an immutable :class:`Plan`;
what the conversion then does to each page is recorded apart (see :mod:`.report`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..core.center import Center
from ..core.provenance import split_stub
from ..core.rules.wiki_title import title_key
from ..errors import UsageError
from .convert import LITERAL_SPANS, MAX_HEADINGS, PageRef, next_anchor, normalise_title
from .file_names import file_references
from .manifest import Assignment, Manifest
from .naming import page_name
from .page_titles import page_titles, short_titles
from .source_types import WikiPage, redirect_target

WIKI_FOLDER = "wiki"


@dataclass(frozen=True)
class PlannedPage:
    """One wiki page and where it goes."""

    title: str
    service: str
    path: Path  # the stub file
    page: str  # the page it becomes, relative to the service folder, without suffix
    docname: str
    label: str
    revision: int | None
    timestamp: str | None
    url: str | None
    anchors: frozenset[str] = frozenset()
    heading: str = ""  # the title readers see (see .page_titles); empty: the wiki title
    # The provenance of the stub already there (empty when there is none): what the page was
    # imported with last time (see :mod:`.recorded`).
    recorded: Mapping[str, str] = field(default_factory=dict)
    case_sensitive: bool = False  # the wiki keeps the case of the title's first letter
    files: tuple[str, ...] = ()  # the wiki files it shows or links to (file_names.file_key)
    source: str = ""  # the source it was read from (a dump, an api.php URL, a file)


@dataclass(frozen=True)
class Plan:
    """Every page of an import and where it goes, redirects, and the pages no rule took."""

    pages: tuple[PlannedPage, ...]  # by service, then path
    redirects: Mapping[str, str] = field(default_factory=dict)  # title -> target title
    unassigned: tuple[str, ...] = ()
    refs: Mapping[str, PageRef] = field(default_factory=dict)  # normalised title -> page
    base_url: str | None = None  # the wiki's article path ("$1" for the title)

    def page(self, title: str, case_sensitive: bool = False) -> PlannedPage | None:
        """The planned page of a wiki title, if the import takes it."""
        return self._by_title.get(page_key(title, case_sensitive))

    @cached_property
    def _by_title(self) -> dict[str, PlannedPage]:
        return {page_key(page.title, page.case_sensitive): page for page in self.pages}


def page_key(title: str, case_sensitive: bool) -> str:
    """What tells two pages of one import apart: the title as the wiki compares it (its
    first letter too where the wiki's titles are case-sensitive)."""
    if case_sensitive:
        return "=" + " ".join(title.replace("_", " ").split())
    return normalise_title(title)


_HEADING = re.compile(r"^(={1,6})(.+?)\1[ \t]*$", re.M)
_HTML_HEADING = re.compile(r"<h[1-6][\s>]", re.I)


def quick_anchors(text: str) -> frozenset[str]:
    """Anchors of the headings whose title is plain text, found without a full parse. Only
    these are offered as ``:ref:`` targets to other pages, so a reference never points at a
    label the converter did not make."""
    seen: Counter[str] = Counter()
    plain: set[str] = set()
    stripped = LITERAL_SPANS.sub("", text) if "<" in text else text  # tags and comments
    headings = list(_HEADING.finditer(stripped))
    html = len(_HTML_HEADING.findall(stripped)) if "<" in stripped else 0
    if html + len(headings) > MAX_HEADINGS:
        return frozenset()  # past the limit headings get no label: link to the page instead
    for match in headings:
        title = match[2].strip()
        anchor = next_anchor(seen, re.sub(r"['\[\]{}<>|&]", "", title))
        if not re.search(r"['\[\]{}<>|&_%]", title):
            plain.add(anchor)
    return frozenset(plain)


def _existing_names(folder: Path) -> dict[str, str]:
    """Stub name by wiki title, for the stubs already in ``folder`` (keeps names stable): by
    the title as recorded, and by its key under the wiki's default case rules (a stub written
    from a source that spelt the title otherwise, ``WPD:discuss`` for ``WPD:Discuss``)."""
    names: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.rst")):
            fields = read_provenance(path)
            if "title" in fields:
                names.setdefault(page_key(fields["title"], True), path.stem)
                names.setdefault(normalise_title(fields["title"]), path.stem)
                names.setdefault("key:" + title_key(fields["title"]), path.stem)
    return names


def read_provenance(path: Path) -> dict[str, str]:
    """The provenance fields of the stub at ``path`` (empty when it is none)."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return {}
    parts = split_stub(head)
    return parts[0] if parts else {}


def recorded_pages(center: Center) -> dict[str, Assignment]:
    """Where earlier imports put each wiki page, from the services' ``[[wiki_pages]]``: a
    re-import sends a page no rule names back where it is."""
    found: dict[str, Assignment] = {}
    for meta in center.services():
        for source in meta.wiki_pages:
            if source.page and SLUG_PATH.match(source.page):
                found.setdefault(title_key(source.title),
                                 Assignment(meta.name, source.page, source.title))
    return found


SLUG_PATH = re.compile(r"^(?:wiki/)?[A-Za-z0-9][A-Za-z0-9_-]*$")


class Planner:
    """Assigns pages to services and safe file names inside them."""

    def __init__(self, center: Center, manifest: Manifest, service: str | None) -> None:
        self.center = center
        self.manifest = manifest
        self.service = service
        self.known: dict[str, dict[str, str]] = {}
        self.taken: dict[str, set[str]] = {}
        self._real: dict[Path, Path] = {}  # folders with symbolic links followed
        self._recorded: dict[str, Assignment] | None = None

    def _assign(self, title: str) -> Assignment | None:
        assignment = self.manifest.assign(title, self.service)
        if assignment is not None:
            return assignment
        if self._recorded is None:
            self._recorded = recorded_pages(self.center)
        return self._recorded.get(title_key(title))

    def _folder(self, service: str) -> Path:
        return self.center.services_dir / service / WIKI_FOLDER

    def _folder_resolved(self, folder: Path) -> Path:
        """``folder`` with symbolic links followed (looked up once)."""
        real = self._real.get(folder)
        if real is None:
            real = self._real[folder] = folder.resolve()
        return real

    def _resolved(self, path: Path) -> Path:
        """``path`` with symbolic links followed (its folder's looked up once)."""
        real = self._folder_resolved(path.parent) / path.name
        return real.resolve() if path.is_symlink() else real

    def plan(self, page: WikiPage) -> PlannedPage | None:
        assignment = self._assign(page.title)
        if assignment is None:
            return None
        service = assignment.service
        folder = self.center.services_dir / service
        if service not in self.known:
            if not (folder / "service.toml").is_file():
                raise UsageError(f"{page.source or page.title}: page {page.title!r} goes to "
                                 f"service {service!r}, which does not exist (docscenter "
                                 f"new-service {service})")
            self.known[service] = _existing_names(self._folder(service))
            self.taken[service] = {p.stem for p in self._folder(service).glob("*.rst")}
        title = normalise_title(page.title)
        if assignment.page:
            path = folder / f"{assignment.page}.rst"
            relative = assignment.page
        else:
            if page.case_sensitive:
                name = self.known[service].get(page_key(page.title, True))
            else:
                name = self.known[service].get(title) or \
                    self.known[service].get("key:" + title_key(title))
            if name is None:
                name = page_name(assignment.stem.replace("/", " "), self.taken[service])
                self.known[service][title] = name
            path = self._folder(service) / f"{name}.rst"
            relative = f"{WIKI_FOLDER}/{name}"
        # Defence in depth: whatever the title, the stub stays inside its service folder.
        if not self._resolved(path).is_relative_to(self._folder_resolved(folder)):
            raise UsageError(f"{page.title!r}: would be written outside {folder}")
        return PlannedPage(
            title=page.title, service=service, path=path, page=relative,
            docname=f"{self.center.service_folder(service)}/{relative}",
            label=f"wiki-{service}-{relative.replace('/', '-')}",
            revision=page.revision, timestamp=page.timestamp, url=page.url,
            anchors=quick_anchors(page.text), recorded=read_provenance(path),
            case_sensitive=page.case_sensitive,
            files=tuple(file_references(page.text)),
            source=page.source,
        )


def follow_redirects(target: str, redirects: Mapping[str, str],
                     refs: Mapping[str, PageRef]) -> PageRef | None:
    """Follow a chain of redirects (at most a few hops; loops end) to an imported page."""
    seen: set[str] = set()
    title = normalise_title(target.split("#", 1)[0])
    normalised = {normalise_title(k): v for k, v in redirects.items()}
    while title not in refs and title in normalised and title not in seen:
        seen.add(title)
        title = normalise_title(normalised[title].split("#", 1)[0])
    return refs.get(title)


def _with_url(page: PlannedPage, base_url: str | None) -> PlannedPage:
    if page.url is not None or not base_url:
        return page
    return replace(page, url=base_url.replace("$1", page.title.replace(" ", "_")))


def with_headings(planned: Mapping[str, PlannedPage],
                  center: Center) -> dict[str, PlannedPage]:
    """Every planned page with the title readers will see: the end of its wiki title, as
    long as it takes to tell it from its siblings, the other pages of its folder that the
    same table of contents lists (see :mod:`.page_titles`)."""
    by_folder: dict[Path, list[PlannedPage]] = {}
    for page in planned.values():
        by_folder.setdefault(page.path.parent, []).append(page)
    headings: dict[Path, str] = {}
    for folder, pages in by_folder.items():
        # The folder's index lists its pages: their parent, not a sibling.
        others = page_titles(folder, [p.path for p in pages], center.source_suffix,
                             leave_out_index=True)
        shown = short_titles([p.title for p in pages], others)
        headings.update((p.path, shown[p.title]) for p in pages)
    return {key: replace(page, heading=headings[page.path]) for key, page in planned.items()}


def plan_import(pages: Iterable[WikiPage], planner: Planner,
                base_url: Callable[[], str | None]) -> Plan:
    """Plan every page of ``pages``: redirects are followed, not imported; pages no rule takes
    are listed. ``base_url`` gives the wiki's article path once the pages are read (a source
    may name it)."""
    planned: dict[str, PlannedPage] = {}
    redirects: dict[str, str] = {}
    unassigned: list[str] = []
    for page in pages:
        target = page.redirect or redirect_target(page.text)
        if target:
            redirects[page.title] = target
        elif (plan := planner.plan(page)) is None:
            unassigned.append(page.title)
        else:
            planned[page_key(page.title, page.case_sensitive)] = plan
    url = base_url()
    planned = {title: _with_url(plan, url) for title, plan in planned.items()}
    planned = with_headings(planned, planner.center)
    refs: dict[str, PageRef] = {}
    for p in planned.values():  # links name pages as the wiki's default rules do
        refs.setdefault(normalise_title(p.title), PageRef("/" + p.docname, p.label, p.anchors))
    for source, target in redirects.items():
        resolved = follow_redirects(target, redirects, refs)
        if resolved is not None:
            refs[normalise_title(source)] = resolved
    ordered = sorted(planned.values(), key=lambda p: (p.service, str(p.path)))
    return Plan(tuple(ordered), redirects, tuple(unassigned), refs, url)
