"""Where each wiki page goes: the service, a safe file name, its label and anchors (the
importer's first pass, which needs no conversion)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..center import Center, UsageError
from .convert import LITERAL_SPANS, PageRef, next_anchor, normalise_title
from .manifest import Manifest
from .naming import page_name
from .source_types import WikiPage
from .stubs import split_stub

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
            title=page.title, service=service, path=path,
            docname=f"services/{service}/{relative}",
            label=f"wiki-{service}-{relative.replace('/', '-')}",
            revision=page.revision, timestamp=page.timestamp, url=page.url,
            anchors=quick_anchors(page.text),
        )


def follow_redirects(target: str, redirects: dict[str, str],
                     refs: dict[str, PageRef]) -> PageRef | None:
    """Follow a chain of redirects (at most a few hops; loops end) to an imported page."""
    seen: set[str] = set()
    title = normalise_title(target.split("#", 1)[0])
    normalised = {normalise_title(k): v for k, v in redirects.items()}
    while title not in refs and title in normalised and title not in seen:
        seen.add(title)
        title = normalise_title(normalised[title].split("#", 1)[0])
    return refs.get(title)
