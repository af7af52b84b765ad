"""The documentation status of every service: ``docscenter status`` and the data behind
the ``docscenter:status`` dashboard.

Completeness (0-100) multiplies two fractions: the template's required pages and sections
that are present, and the service's pages that are neither untouched stubs nor hold an
``XXX``/``TODO`` placeholder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .center import Center
from .checks import Report, Settings, collect, template_requirements

#: Version of the JSON output of ``docscenter status``.
SCHEMA_VERSION = 1


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

if TYPE_CHECKING:
    from .vcs import Change


def last_changes(root: Path) -> dict[str, tuple[str, str]]:
    """Service folder (relative path) -> (ISO date, author) of its latest change, from one
    VCS call; empty when the center is not under version control or the query fails."""
    try:
        from . import vcs

        repo = vcs.detect(root)
        if repo is None:
            return {}
        return summarise_changes(root, repo.root, repo.last_changes())
    except Exception:  # noqa: BLE001 - history is a nicety; never fail the status over it
        return {}


def summarise_changes(root: Path, repo_root: Path,
                      changes: Mapping[str, Change]) -> dict[str, tuple[str, str]]:
    """The latest change per service folder, from the last change of every file."""
    base = root.resolve().relative_to(repo_root).as_posix()
    prefix = "" if base == "." else base + "/"
    latest: dict[str, tuple[str, str]] = {}
    for path, change in changes.items():
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix):].split("/")
        if len(parts) < 3:
            continue
        key = "/".join(parts[:2])
        stamp = change.date.isoformat()
        if key not in latest or stamp > latest[key][0]:
            latest[key] = (stamp, change.author)
    return latest


def service_rows(root: Path, report: Report, settings: Settings | None = None,
                 history: dict[str, tuple[str, str]] | None = None) -> list[ServiceStatus]:
    """The dashboard rows, in service-name order."""
    settings = settings or Settings()
    requirements = template_requirements(root, settings)
    with_placeholders: dict[str, set[str]] = {}  # service -> its pages holding a placeholder
    prefix = f"{settings.services_dir}/"
    for path, page in report.pages.items():
        if path.startswith(prefix) and page.placeholders:
            with_placeholders.setdefault(path[len(prefix):].split("/", 1)[0], set()).add(path)
    rows = []
    for name, counts in sorted(report.services.items()):
        meta = counts.meta
        required = sum(1 + len(requirements.sections.get(key, ()))
                       for _page, key in requirements.pages_for(meta))
        missing = counts.missing_pages + counts.missing_sections
        # Pages counted as unfinished: stubs, and pages with a placeholder.
        unfinished = set(counts.stubs) | with_placeholders.get(name, set())
        structure = (required - missing) / required if required else 1.0
        finished = (counts.pages - len(unfinished)) / counts.pages if counts.pages else 0.0
        change = (history or {}).get(f"{settings.services_dir}/{name}")
        rows.append(ServiceStatus(
            name=name,
            title=meta.title,
            owners=[owner.name for owner in meta.owners],
            lifecycle=meta.lifecycle,
            pages=counts.pages,
            missing_sections=missing,
            stubs=len(counts.stubs),
            placeholders=counts.placeholders,
            terms_used=list(counts.terms_used),
            wiki_pages=[source.title for source in meta.wiki_pages],
            last_changed=change[0][:10] if change else None,
            last_author=change[1] if change else None,
            completeness=round(100 * max(structure, 0.0) * max(finished, 0.0)),
            findings=sum(1 for f in report.findings if f.service == name),
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
        "complete_services": sum(1 for r in rows if r.completeness == 100),
        "completeness": round(sum(r.completeness for r in rows) / len(rows)) if rows else 0,
    }


def center_status(root: Path) -> tuple[list[ServiceStatus], dict[str, int]]:
    """Rows and totals of the center at ``root``."""
    from .checks import read_settings

    settings = read_settings(root)
    report = collect(root, settings)
    rows = service_rows(root, report, settings, last_changes(root))
    return rows, totals(rows)


def _bar(percent: int, width: int = 10) -> str:
    filled = round(percent * width / 100)
    return "#" * filled + "." * (width - filled)


def status_text(rows: list[ServiceStatus], total: dict[str, int]) -> str:
    """A plain-text table for the terminal, totals first."""
    lines = [
        f"{total['services']} services, {total['pages']} pages, "
        f"{total['completeness']}% complete on average; {total['missing_sections']} required "
        f"sections missing, {total['stubs']} stubs, {total['placeholders']} placeholders",
        "",
    ]
    header = ["service", "complete", "lifecycle", "pages", "missing", "stubs", "XXX",
              "terms", "wiki", "last changed", "owners"]
    table = [header]
    for r in rows:
        table.append([
            f"{r.title} ({r.name})", f"{_bar(r.completeness)} {r.completeness:3d}%",
            r.lifecycle or "-", str(r.pages), str(r.missing_sections), str(r.stubs),
            str(r.placeholders), str(len(r.terms_used)), str(len(r.wiki_pages)),
            r.last_changed or "-", ", ".join(r.owners) or "-",
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip())
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


def run_status(center: Center, output_format: str) -> int:
    """``docscenter status``: print the table (text or JSON); always 0."""
    rows, total = center_status(center.root)
    if output_format == "json":
        print(json.dumps(status_json(center.root, rows, total), indent=2, ensure_ascii=False))
    else:
        print(status_text(rows, total))
    return 0
