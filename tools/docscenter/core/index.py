"""The center index: everything the rules judge, in one small structure.

Two builders fill it: :func:`docscenter.indexing.scan_center` from the files, with a fast text
scan (``docscenter check``, ``status``, the commit hook), and the Sphinx extension from what
the build has read (:mod:`docscenter.sphinxext.index`). The rules
(:mod:`docscenter.core.rules`) are pure functions of it, so both report the same findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .center import Center
from .services import ServiceMeta
from .vocabulary import Markup


@dataclass
class PageFacts:
    """What one reST document holds that the rules look at (line numbers are 1-based)."""

    path: str  # relative to the center root, POSIX
    sections: list[tuple[str, int | None]] = field(default_factory=list)  # (title, line)
    toctree: list[tuple[str, int]] = field(default_factory=list)  # (entry target, line)
    terms: list[tuple[str, int | None]] = field(default_factory=list)  # glossary terms defined
    refs: list[tuple[str, int | None]] = field(default_factory=list)  # :term: targets
    placeholders: list[int] = field(default_factory=list)  # lines holding XXX or TODO
    imported_stub: bool = False  # an imported page nobody edited (see core.provenance)
    # On such a page, the markup the importer never writes (see core.vocabulary).
    foreign_markup: list[Markup] = field(default_factory=list)
    wiki_title: str | None = None  # the wiki page it was imported from (its provenance)
    wiki_title_exact: bool = False  # the wiki's titles are case-sensitive there
    conflicts: list[int] = field(default_factory=list)  # lines where a merge conflict starts
    fingerprint: str = ""  # compared with the template's rendering (see core.provenance)
    wiki_source: str = ""  # the wiki URL an imported page came from (its provenance)
    links: list[str] = field(default_factory=list)  # http(s) URLs it links to


@dataclass(frozen=True)
class Requirements:
    """The pages every service must have (``apis-{version}`` per API version) and the
    section titles each of them must contain."""

    pages: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]

    def pages_for(self, meta: ServiceMeta) -> list[tuple[str, str]]:
        """(page name, requirement key) for ``meta``: apis-{version} expands per version."""
        out: list[tuple[str, str]] = []
        for page in self.pages:
            if "{version}" in page:
                out.extend((page.format(version=v), page) for v in meta.api_versions)
            else:
                out.append((page, page))
        return out


@dataclass(frozen=True)
class TemplateFacts:
    """What the service template says: its requirements, and each service's pages as
    ``new-service`` would render them from its service.toml today (their fingerprints, by
    file name relative to the service folder)."""

    requirements: Requirements
    renderings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ManifestEntry:
    """One ``[[pages]]`` entry of the import manifest: its number, title or prefix, service."""

    number: int
    selects: str
    service: str


@dataclass(frozen=True)
class ManifestFacts:
    """The wiki import manifest: why it does not load, or its entries."""

    path: str  # relative to the center root
    error: str | None = None
    entries: tuple[ManifestEntry, ...] = ()


@dataclass
class CenterIndex:
    """A center as the rules see it."""

    center: Center
    services: Sequence[ServiceMeta]
    pages: Mapping[str, PageFacts]  # by path
    template: TemplateFacts
    manifest: ManifestFacts | None = None
    documents: frozenset[str] = frozenset()  # paths of the documents toctrees may name
    _by_service: dict[str | None, list[PageFacts]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def service_of(self, path: str) -> str | None:
        """The service a page belongs to, if any."""
        return self.center.service_of(path)

    def ordered_pages(self) -> list[PageFacts]:
        """Every page, a folder's files before its subfolders' (as a file listing shows)."""
        return sorted(self.pages.values(), key=lambda page: page.path.split("/"))

    def untouched(self, page: PageFacts) -> str | None:
        """How ``page`` is still exactly as docscenter wrote it: ``"imported"`` (an imported
        stub nobody edited), ``"generated"`` (a service page as ``new-service`` renders it
        today), or None when someone wrote it."""
        if page.imported_stub:
            return "imported"
        service = self.service_of(page.path)
        if service is None:
            return None
        local = page.path.removeprefix(self.center.service_folder(service) + "/")
        rendering = self.template.renderings.get(service, {}).get(local)
        return "generated" if rendering == page.fingerprint else None

    def pages_of(self, service: str) -> list[PageFacts]:
        """The pages of ``service``, in listing order."""
        # Grouped once per index (the pages do not change once it is built): asked per
        # service, a scan of every page each time would grow with the square of the center.
        if self._by_service is None:
            groups: dict[str | None, list[PageFacts]] = {}
            for page in self.ordered_pages():
                groups.setdefault(self.service_of(page.path), []).append(page)
            self._by_service = groups
        return list(self._by_service.get(service, ()))
