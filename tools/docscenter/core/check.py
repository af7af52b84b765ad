"""``docscenter check``: every rule over the center index, the findings a center does not
silence, and the per-service counts; as text for people and JSON for CI."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from . import rules
from .findings import Finding, finding_line, unsuppressed
from .index import CenterIndex
from .status import ServiceSummary, summarise, wiki_behind
from .text import printable

#: Version of the JSON output of ``docscenter check``; bumped on incompatible changes.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found: the findings (sorted, suppressed ones left out) and, per
    service, its counts."""

    index: CenterIndex
    findings: list[Finding]
    services: dict[str, ServiceSummary]


def check(index: CenterIndex) -> CheckReport:
    """Run every rule over ``index``."""
    findings = unsuppressed(rules.run(index), index.center.suppress_warnings)
    return CheckReport(index, findings, summarise(index, findings))


def report_json(report: CheckReport) -> dict[str, Any]:
    """The documented JSON document of ``docscenter check --format json``."""
    return {
        "schema": "docscenter-check",
        "version": SCHEMA_VERSION,
        "center": str(report.index.center.root),
        "clean": not report.findings,
        "findings": [asdict(f) for f in report.findings],
        "services": {
            name: {"title": s.meta.title, "pages": s.pages, "stubs": s.stubs,
                   "placeholders": s.placeholders, "findings": s.findings,
                   "wiki_behind": wiki_behind(s.meta)}
            for name, s in sorted(report.services.items())
        },
    }


def report_text(report: CheckReport) -> str:
    """Findings grouped by service (center-wide pages first), then a one-line summary."""
    out: list[str] = []
    groups: dict[str | None, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.service, []).append(finding)
    for service in sorted(groups, key=lambda s: (s is not None, s or "")):
        label = "center-wide pages" if service is None else (
            f"service {service} ({printable(report.services[service].meta.title)})"
            if service in report.services else f"service {service}")
        out.append(f"{label}: {len(groups[service])} finding(s)")
        for finding in groups[service]:
            out.append("  " + printable(finding_line(finding)))
        out.append("")
    stubs = sum(len(s.stubs) for s in report.services.values())
    placeholders = sum(s.placeholders for s in report.services.values())
    verdict = f"{len(report.findings)} finding(s)" if report.findings else "no findings"
    out.append(f"{verdict} in {len(report.services)} service(s); {stubs} stub page(s) and "
               f"{placeholders} placeholder(s) left (see docscenter status)")
    return "\n".join(out)
