"""The documentation status of every service: ``docscenter status`` and the data behind
the ``docscenter:status`` dashboard, both computed from the center index.

Completeness (0-100) multiplies two fractions: the template's required pages and sections
that are present, and the service's pages that are neither untouched stubs nor hold an
``XXX``/``TODO`` placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .findings import Finding, Subtype, finding_line
from .index import CenterIndex
from .rules.glossary import definitions
from .rules.template import missing
from .services import ServiceMeta
from .text import printable

#: Version of the JSON output of ``docscenter status``.
SCHEMA_VERSION = 1


@dataclass
class ServiceSummary:
    """Per-service counts for the status dashboard and the check summary."""

    meta: ServiceMeta
    pages: int = 0
    missing_pages: int = 0
    missing_sections: int = 0
    stubs: list[str] = field(default_factory=list)  # still as generated/imported, in folder
    placeholders: int = 0
    unfinished: int = 0  # pages that are stubs or hold a placeholder
    terms_used: list[str] = field(default_factory=list)
    findings: int = 0
    errors: list[Finding] = field(default_factory=list)  # what is wrong in its metadata
    linking_wiki: int = 0  # pages that still link to the old wiki


def _summary(index: CenterIndex, meta: ServiceMeta, defined: Mapping[str, str],
             wiki: frozenset[str]) -> ServiceSummary:
    summary = ServiceSummary(meta)
    folder = index.center.service_folder(meta.name) + "/"
    terms: set[str] = set()
    for page in index.pages_of(meta.name):
        local = page.path.removeprefix(folder)
        summary.pages += 1
        summary.placeholders += len(page.placeholders)
        stub = index.untouched(page) is not None
        if stub:
            summary.stubs.append(local)
        summary.unfinished += stub or bool(page.placeholders)
        summary.linking_wiki += any(_host(url) in wiki for url in page.links)
        terms.update(term for target, _line in page.refs
                     if (term := defined.get(target.lower())) is not None)
    summary.terms_used = sorted(terms, key=str.lower)
    for gap in missing(index, meta):
        if gap.section is None:
            summary.missing_pages += 1
        else:
            summary.missing_sections += 1
    return summary


def summarise(index: CenterIndex, findings: Sequence[Finding]) -> dict[str, ServiceSummary]:
    """Every service's counts, by name (``findings``: those shown, to count per service)."""
    defined: dict[str, str] = {}
    for term in definitions(index):  # a term's spelling is the shared glossary's
        defined.setdefault(term.text.lower(), term.text)
    wiki = wiki_hosts(index)
    summaries = {meta.name: _summary(index, meta, defined, wiki) for meta in index.services}
    for finding in findings:
        if finding.service in summaries:
            summaries[finding.service].findings += 1
            if finding.subtype is Subtype.service_toml:
                summaries[finding.service].errors.append(finding)
    return summaries


def _host(url: str) -> str:
    """``host[:port]`` of a URL, lower case ("" when it has none)."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2].lower()
    except ValueError:
        return ""


def wiki_hosts(index: CenterIndex) -> frozenset[str]:
    """The old wiki's hosts: those the imported pages record as their source."""
    return frozenset(host for page in index.pages.values()
                     if page.wiki_source and (host := _host(page.wiki_source)))


@dataclass(frozen=True)
class ServiceStatus:
    """One row of the dashboard."""

    name: str
    title: str
    owners: list[str]
    lifecycle: str
    pages: int
    missing_sections: int  # required pages and sections missing
    stubs: int
    placeholders: int
    terms_used: list[str]
    wiki_pages: list[str]
    last_changed: str | None  # ISO date of the latest commit touching the service
    last_author: str | None
    completeness: int  # percent
    findings: int
    linking_wiki: int  # pages that still link to the old wiki (to pages not imported)
    # The findings that make the row unreliable (broken or unknown metadata), as check
    # reports them; a row with errors makes ``docscenter status`` exit 1.
    errors: list[Finding] = field(default_factory=list)
    # Imported pages the wiki moved past (title, page, revision in it, the wiki's revision).
    wiki_behind: list[dict[str, Any]] = field(default_factory=list)


def wiki_behind(meta: ServiceMeta) -> list[dict[str, Any]]:
    """The service's imported pages whose wiki revision is newer than the one they hold."""
    return [{"title": source.title, "page": source.page, "revision": source.revision,
             "wiki_revision": source.wiki_revision}
            for source in meta.wiki_pages if source.behind]


def _completeness(index: CenterIndex, summary: ServiceSummary) -> int:
    requirements = index.template.requirements
    required = sum(1 + len(requirements.sections.get(key, ()))
                   for _page, key in requirements.pages_for(summary.meta))
    missing = summary.missing_pages + summary.missing_sections
    structure = (required - missing) / required if required else 1.0
    finished = (summary.pages - summary.unfinished) / summary.pages if summary.pages else 0.0
    return round(100 * max(structure, 0.0) * max(finished, 0.0))


def service_rows(index: CenterIndex, summaries: Mapping[str, ServiceSummary],
                 history: Mapping[str, tuple[str, str]]) -> list[ServiceStatus]:
    """The dashboard rows, in service-name order; ``history``: service -> (ISO date, author)
    of its latest change."""
    rows = []
    for name, summary in sorted(summaries.items()):
        meta = summary.meta
        change = history.get(name)
        rows.append(ServiceStatus(
            name=name,
            title=meta.title,
            owners=[owner.name for owner in meta.owners],
            lifecycle=meta.lifecycle,
            pages=summary.pages,
            missing_sections=summary.missing_pages + summary.missing_sections,
            stubs=len(summary.stubs),
            placeholders=summary.placeholders,
            terms_used=list(summary.terms_used),
            wiki_pages=[source.title for source in meta.wiki_pages],
            last_changed=change[0][:10] if change else None,
            last_author=change[1] if change else None,
            completeness=_completeness(index, summary),
            findings=summary.findings,
            errors=list(summary.errors),
            wiki_behind=wiki_behind(meta),
            linking_wiki=summary.linking_wiki,
        ))
    return rows


def totals(rows: list[ServiceStatus]) -> dict[str, int]:
    """The center's totals shown above the table."""
    return {
        "services": len(rows),
        "pages": sum(r.pages for r in rows),
        "missing_sections": sum(r.missing_sections for r in rows),
        "stubs": sum(r.stubs for r in rows),
        "placeholders": sum(r.placeholders for r in rows),
        "linking_wiki": sum(r.linking_wiki for r in rows),
        "complete_services": sum(1 for r in rows if r.completeness == 100),
        "completeness": round(sum(r.completeness for r in rows) / len(rows)) if rows else 0,
        "services_with_errors": sum(1 for r in rows if r.errors),
    }


def _bar(percent: int, width: int = 10) -> str:
    filled = round(percent * width / 100)
    return "#" * filled + "." * (width - filled)


def status_text(rows: list[ServiceStatus], total: dict[str, int]) -> str:
    """A plain-text table for the terminal, totals first."""
    lines = [
        f"{total['services']} services, {total['pages']} pages, "
        f"{total['completeness']}% complete on average; {total['missing_sections']} required "
        f"sections missing, {total['stubs']} stubs, {total['placeholders']} placeholders, "
        f"{total['linking_wiki']} pages linking to the old wiki",
        "",
    ]
    header = ["service", "complete", "lifecycle", "pages", "missing", "stubs", "XXX",
              "terms", "wiki", "to wiki", "last changed", "owners"]
    table = [header]
    for r in rows:
        complete = "ERROR" if r.errors else f"{_bar(r.completeness)} {r.completeness:3d}%"
        table.append([printable(cell) for cell in (
            f"{r.title} ({r.name})", complete,
            r.lifecycle or "-", str(r.pages), str(r.missing_sections), str(r.stubs),
            str(r.placeholders), str(len(r.terms_used)), str(len(r.wiki_pages)),
            str(r.linking_wiki), r.last_changed or "-", ", ".join(r.owners) or "-",
        )])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip())
    errors = [finding for r in rows for finding in r.errors]
    if errors:
        lines += ["", f"{len(errors)} error(s) in the metadata of "
                  f"{total['services_with_errors']} service(s) (the ERROR rows):"]
        lines += ["  " + printable(finding_line(finding)) for finding in errors]
    behind = [(r, page) for r in rows for page in r.wiki_behind]
    if behind:
        lines += ["", "the wiki moved past these edited pages (re-import to merge, or see "
                  "\"Re-importing\" in the writers' guide):"]
        lines += [printable(f"  {r.name}: {page['page'] or page['title']} ({page['title']}): "
                            f"revision {page['revision']}, the wiki has {page['wiki_revision']}")
                  for r, page in behind]
    return "\n".join(lines)


def status_json(root: Path, rows: list[ServiceStatus], total: dict[str, int]) -> dict[str, Any]:
    """The documented JSON document of ``docscenter status --format json``."""
    return {
        "schema": "docscenter-status",
        "version": SCHEMA_VERSION,
        "center": str(root),
        "totals": total,
        "services": [asdict(row) for row in rows],
    }
