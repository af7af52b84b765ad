"""The import report: what happened to each page, in text for people and JSON for CI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .file_import import FILE_ACTIONS, FileResult
from .history_replay import HistoryResult
from .planning import Plan, PlannedPage
from .source_limits import SkippedPage

ACTIONS = ("new", "updated", "unchanged", "kept-edited", "overwritten-edited", "timed-out")
WRITES = ("new", "updated", "overwritten-edited", "timed-out")  # the actions that write a stub


@dataclass(frozen=True)
class PageResult:
    """What the import did with one planned page."""

    action: str  # one of ACTIONS
    unknown_templates: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Report:
    """Everything one import did: the plan, what happened to each page, and the rest."""

    plan: Plan = field(default_factory=lambda: Plan(()))
    results: dict[Path, PageResult] = field(default_factory=dict)  # by stub path
    unknown_templates: Counter[str] = field(default_factory=Counter)
    timed_out: list[str] = field(default_factory=list)
    skipped: list[SkippedPage] = field(default_factory=list)  # missing or too large
    glossary_terms: list[tuple[str, str]] = field(default_factory=list)
    glossary: dict[str, list[Any]] = field(default_factory=dict)
    other_files: list[str] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)  # the wiki files pages use
    history: list[HistoryResult] = field(default_factory=list)  # --history, per new page
    committed: str | None = None
    dry_run: bool = False

    @property
    def pages(self) -> tuple[PlannedPage, ...]:
        return self.plan.pages

    def action(self, page: PlannedPage) -> str:
        """What happened to ``page`` ("" while it is not converted yet)."""
        result = self.results.get(page.path)
        return result.action if result is not None else ""

    def count(self, action: str) -> int:
        return sum(1 for page in self.pages if self.action(page) == action)

    @property
    def refused_files(self) -> list[FileResult]:
        """Files a source has but that were not placed (too large, a wrong hash...)."""
        return [result for result in self.files if result.action == "refused"]


def _page_json(report: Report, plan: PlannedPage) -> dict[str, Any]:
    result = report.results.get(plan.path, PageResult(""))
    return {"title": plan.title, "service": plan.service, "path": str(plan.path),
            "docname": plan.docname, "revision": plan.revision, "timestamp": plan.timestamp,
            "url": plan.url, "action": result.action,
            "unknown_templates": dict(result.unknown_templates)}


def report_json(report: Report) -> dict[str, Any]:
    """The import report as JSON (documented in the writers' guide)."""
    return {
        "dry_run": report.dry_run,
        "counts": {action: report.count(action) for action in ACTIONS}
        | {"redirects": len(report.plan.redirects),
           "unassigned": len(report.plan.unassigned), "skipped": len(report.skipped)},
        "pages": [_page_json(report, plan) for plan in report.pages],
        "redirects": dict(report.plan.redirects),
        "unassigned": list(report.plan.unassigned),
        "unknown_templates": dict(report.unknown_templates.most_common()),
        "timed_out": report.timed_out,
        "skipped": [asdict(page) for page in report.skipped],
        "glossary": report.glossary,
        "glossary_terms_found": sorted({term for term, _ in report.glossary_terms}, key=str.lower),
        "other_files": report.other_files,
        "file_counts": {action: n for action in FILE_ACTIONS
                        if (n := sum(1 for f in report.files if f.action == action))},
        "files": [asdict(result) for result in report.files],
        "history": [asdict(result) for result in report.history],
        "committed": report.committed,
    }


def report_text(report: Report) -> str:
    counts = ", ".join(f"{report.count(a)} {a}" for a in ACTIONS if report.count(a))
    head = "would import" if report.dry_run else "imported"
    lines = [f"{head} {len(report.pages)} page{'s' if len(report.pages) != 1 else ''}"
             + (f": {counts}" if counts else "")]
    if report.dry_run:
        lines += [f"  {report.action(p):<19} {p.title} -> {p.path}" for p in report.pages]
    if report.plan.redirects:
        lines.append(f"redirects followed: {len(report.plan.redirects)}")
    if report.plan.unassigned:
        lines.append(f"not in the manifest (skipped): {len(report.plan.unassigned)}")
    if report.unknown_templates:
        names = ", ".join(f"{name} ({n})" for name, n in report.unknown_templates.most_common())
        lines.append(f"unknown templates (kept visibly): {names}")
    for title in report.timed_out:
        lines.append(f"hit the time bound, kept as wiki text: {title}")
    for page in report.skipped:
        lines.append(f"skipped, {page.kind}: {page.title} ({page.source}: {page.reason})")
    lines += _file_lines(report.files) + _history_lines(report.history)
    edited = [p for p in report.pages if report.action(p) == "kept-edited"]
    for plan in edited:
        lines.append(f"kept (edited since import; --force overwrites): {plan.path}")
    if report.glossary:
        lines.append(f"glossary: {len(report.glossary.get('added', []))} terms added")
        for item in report.glossary.get("differing", []):
            lines.append("glossary: the wiki defines "
                         f"{item['term']!r} differently: {item['wiki']}")
    if report.glossary_terms and not report.glossary:
        found = len({term.lower() for term, _ in report.glossary_terms})
        lines.append(f"glossary terms found in wiki glossaries: {found} "
                     "(--glossary adds them to the shared glossary)")
    if report.committed:
        lines.append(f"committed as {report.committed}")
    return "\n".join(lines)


def _file_lines(files: list[FileResult]) -> list[str]:
    """The files in the text report: the counts, then each file not placed and why."""
    if not files:
        return []
    counts = ", ".join(f"{n} {action}" for action in FILE_ACTIONS
                       if (n := sum(1 for f in files if f.action == action)))
    lines = [f"files: {counts}"]
    for result in files:
        if result.action in ("missing", "unsupported", "refused", "kept"):
            shown = "kept the copy in the center" if result.action == "kept" else \
                f"{result.action}, shown as a box"
            used = ", ".join(result.pages[:3]) + (" ..." if len(result.pages) > 3 else "")
            lines.append(f"file {shown}: {result.title} ({result.service}; {result.reason}; "
                         f"used by {used})")
    return lines


def _history_lines(history: list[HistoryResult]) -> list[str]:
    """``--history``: the commits made, then each page whose history is cut or missing."""
    if not history:
        return []
    commits = sum(result.commits for result in history)
    lines = [f"history: {commits} wiki edit{'s' if commits != 1 else ''} of {len(history)} "
             f"new page{'s' if len(history) != 1 else ''} committed"]
    lines += [f"history of {result.title}: {result.note}" for result in history if result.note]
    return lines


def commit_message(report: Report) -> str:
    """The commit message of an import: one line per wiki title and revision."""
    written = [p for p in report.pages if report.action(p) in WRITES]
    lines = [f"Import {len(written)} wiki page{'s' if len(written) != 1 else ''}", ""]
    for plan in written:
        revision = f"revision {plan.revision}" if plan.revision is not None else "no revision"
        lines.append(f"- {plan.title} ({revision})")
    return "\n".join(lines) + "\n"
