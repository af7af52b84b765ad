"""``template``: every service has the pages the service template requires, and each page
has the template's sections (see :mod:`docscenter.core.requirements`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding, Subtype
from ..index import CenterIndex
from ..services import ServiceMeta

SUBTYPES = (Subtype.template,)


@dataclass(frozen=True)
class Missing:
    """A required page (``section`` None) or a required section of a page."""

    path: str
    page: str
    section: str | None = None
    line: int | None = None  # of the page's last section title, where it would go

    @property
    def message(self) -> str:
        if self.section is None:
            return f"required page {self.page!r} is missing"
        return f"required section {self.section!r} is missing"


def missing(index: CenterIndex, meta: ServiceMeta) -> list[Missing]:
    """The required pages and sections ``meta``'s service lacks."""
    requirements = index.template.requirements
    folder = index.center.service_folder(meta.name)
    found: list[Missing] = []
    for page_name, key in requirements.pages_for(meta):
        path = f"{folder}/{page_name}{index.center.source_suffix}"
        page = index.pages.get(path)
        if page is None:
            found.append(Missing(path, page_name))
            continue
        titles = {title.lower() for title, _line in page.sections}
        last = page.sections[-1][1] if page.sections else None
        found.extend(Missing(path, page_name, section, last)
                     for section in requirements.sections.get(key, ())
                     if section.lower() not in titles)
    return found


def check(index: CenterIndex) -> list[Finding]:
    """A finding per missing page or section of every service."""
    return [Finding(meta.name, gap.path, gap.line, Subtype.template, gap.message)
            for meta in index.services for gap in missing(index, meta)]
