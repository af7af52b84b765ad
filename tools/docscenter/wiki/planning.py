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
from ..errors import UsageError
from .convert import LITERAL_SPANS, PageRef, next_anchor, normalise_title
from .file_names import file_references
from .manifest import Manifest
from .naming import page_name
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

    def page(self, title: str) -> PlannedPage | None:
        """The planned page of a wiki title, if the import takes it."""
        return self._by_title.get(normalise_title(title))

    @cached_property
    def _by_title(self) -> dict[str, PlannedPage]:
        return {normalise_title(page.title): page for page in self.pages}


_HEADING = re.compile(r"^(={1,6})(.+?)\1[ \t]*$", re.M)


def quick_anchors(text: str) -> frozenset[str]:
    """Anchors of the headings whose title is plain text, found without a full parse. Only
    these are offered as ``:ref:`` targets to other pages, so a reference never points at a
    label the converter did not make."""
    seen: Counter[str] = Counter()
    plain: set[str] = set()
    for match in _HEADING.finditer(LITERAL_SPANS.sub("", text)):
        title = match[2].strip()
        anchor = next_anchor(seen, re.sub(r"['\[\]{}<>|&]", "", title))
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
            title=page.title, service=service, path=path, page=relative,
            docname=f"{self.center.service_folder(service)}/{relative}",
            label=f"wiki-{service}-{relative.replace('/', '-')}",
            revision=page.revision, timestamp=page.timestamp, url=page.url,
            anchors=quick_anchors(page.text), files=tuple(file_references(page.text)),
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
            planned[normalise_title(page.title)] = plan
    url = base_url()
    planned = {title: _with_url(plan, url) for title, plan in planned.items()}
    refs = {title: PageRef("/" + p.docname, p.label, p.anchors) for title, p in planned.items()}
    for source, target in redirects.items():
        resolved = follow_redirects(target, redirects, refs)
        if resolved is not None:
            refs[normalise_title(source)] = resolved
    ordered = sorted(planned.values(), key=lambda p: (p.service, str(p.path)))
    return Plan(tuple(ordered), redirects, tuple(unassigned), refs, url)
