"""The import report: what happened to each page, in text for people and JSON for CI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.text import printable
from .decision import WRITES
from .file_import import FILE_ACTIONS, FileResult
from .history_job import HistoryResult
from .options import LOSSY
from .planning import Plan, PlannedPage
from .source_limits import SkippedPage

ACTIONS = ("new", "updated", "unchanged", "merged", "conflict", "kept-edited",
           "overwritten-edited", "timed-out", "wikitext", "refused")
__all__ = ["ACTIONS", "WRITES", "PageResult", "Report", "commit_message", "report_json",
           "report_text"]


@dataclass(frozen=True)
class PageResult:
    """What the import did with one planned page."""

    action: str  # one of ACTIONS
    unknown_templates: Mapping[str, int] = field(default_factory=dict)
    revision: int | None = None  # the wiki revision the stub holds afterwards
    wiki_revision: int | None = None  # the wiki's, when it moved past the stub's (kept)
    seen: str | None = None  # SHA-256 of the file when the decision was made
    backup: str | None = None  # where --force kept the edit it overwrote
    # The share of the wiki page's visible text the stub kept (the converter's estimate).
    text_kept: float = 1.0

    @property
    def lossy(self) -> bool:
        """True when the stub shows noticeably less text than the wiki page did."""
        return self.text_kept < LOSSY


@dataclass
class Report:
    """Everything one import did: the plan, what happened to each page, and the rest."""

    plan: Plan = field(default_factory=lambda: Plan(()))
    results: dict[Path, PageResult] = field(default_factory=dict)  # by stub path
    unknown_templates: Counter[str] = field(default_factory=Counter)
    timed_out: list[str] = field(default_factory=list)
    # Pages kept as their wiki text (too deeply nested to convert), and why.
    wikitext: list[tuple[str, str]] = field(default_factory=list)
    # Stubs not written: what they held that the importer never writes.
    refused: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[SkippedPage] = field(default_factory=list)  # missing or too large
    glossary_terms: list[tuple[str, str]] = field(default_factory=list)
    # Those of the pages converted with --glossary (now or last time): merged into it.
    glossary_merge_terms: list[tuple[str, str]] = field(default_factory=list)
    glossary: dict[str, list[Any]] = field(default_factory=dict)
    other_files: list[str] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)  # the wiki files pages use
    history: list[HistoryResult] = field(default_factory=list)  # --history, per new page
    committed: str | None = None
    dry_run: bool = False
    recovered: str | None = None  # what was done about an earlier, interrupted import
    lock_taken_over: str | None = None  # the dead import whose lock this one took
    glossary_new_terms: int = 0  # terms found that the glossary lacks, for the hint

    @property
    def pages(self) -> tuple[PlannedPage, ...]:
        return self.plan.pages

    def action(self, page: PlannedPage) -> str:
        """What happened to ``page`` ("" while it is not converted yet)."""
        result = self.results.get(page.path)
        return result.action if result is not None else ""

    def count(self, action: str) -> int:
        return sum(1 for page in self.pages if self.action(page) == action)

    def lossy(self) -> list[tuple[PlannedPage, float]]:
        """The pages whose stub kept less than ``LOSSY`` of their text, with the share kept."""
        return [(page, result.text_kept) for page in self.pages
                if (result := self.results.get(page.path)) is not None and result.lossy]

    @property
    def incomplete(self) -> bool:
        """True when a page was not imported as converted (skipped by a source, refused, kept
        as wiki text or over the time bound) or a file a source has was refused: the command
        exits with status 1."""
        return bool(self.skipped or self.refused or self.wikitext or self.timed_out
                    or self.refused_files)
    @property
    def refused_files(self) -> list[FileResult]:
        """Files a source has but that were not placed (too large, a wrong hash...)."""
        return [result for result in self.files if result.action == "refused"]


def _page_json(report: Report, plan: PlannedPage) -> dict[str, Any]:
    result = report.results.get(plan.path, PageResult(""))
    return {"title": plan.title, "service": plan.service, "path": str(plan.path),
            "docname": plan.docname, "revision": plan.revision, "timestamp": plan.timestamp,
            "url": plan.url, "action": result.action,
            "unknown_templates": dict(result.unknown_templates),
            "text_kept": round(result.text_kept, 3),
            "stub_revision": result.revision, "wiki_moved_past": result.wiki_revision is not None,
            "backup": result.backup}


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
        "lossy": [{"title": page.title, "path": str(page.path), "text_kept": round(kept, 3)}
                  for page, kept in report.lossy()],
        "wikitext": [{"title": title, "reason": reason} for title, reason in report.wikitext],
        "refused": [{"title": title, "reason": reason} for title, reason in report.refused],
        "skipped": [asdict(page) for page in report.skipped],
        "glossary": report.glossary,
        "glossary_terms_found": sorted({term for term, _ in report.glossary_terms}, key=str.lower),
        "other_files": report.other_files,
        "file_counts": {action: n for action in FILE_ACTIONS
                        if (n := sum(1 for f in report.files if f.action == action))},
        "files": [asdict(result) for result in report.files],
        "history": [asdict(result) for result in report.history],
        "committed": report.committed,
        "recovered": report.recovered,
        "lock_taken_over": report.lock_taken_over,
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
    for lossy, kept in report.lossy():
        lines.append(f"lossy, the stub shows about {kept:.0%} of the wiki page's text: "
                     f"{lossy.title} -> {lossy.path}")
    for title, reason in report.wikitext:
        lines.append(f"kept as wiki text ({reason}): {title}")
    for title, reason in report.refused:
        lines.append(f"refused, not written (the importer never writes {reason}): {title}")
    for page in report.skipped:
        lines.append(f"skipped, {page.kind}: {page.title} ({page.source}: {page.reason})")
    if report.recovered:
        lines.insert(0, report.recovered)
    if report.lock_taken_over:
        lines.insert(0, f"took over the lock of {report.lock_taken_over}, no longer running")
    lines += _page_lines(report)
    lines += _file_lines(report.files) + _history_lines(report.history)
    if report.glossary:
        lines.append(f"glossary: {len(report.glossary.get('added', []))} terms added")
        for item in report.glossary.get("differing", []):
            lines.append("glossary: the wiki defines "
                         f"{item['term']!r} differently: {item['wiki']}")
    if report.glossary_new_terms and not report.glossary:
        lines.append(f"glossary terms found in wiki glossaries: {report.glossary_new_terms} "
                     "(--glossary adds them to the shared glossary)")
    if report.committed:
        lines.append(f"committed as {report.committed}")
    # Titles and reasons come from the wiki: nothing in them may act on a terminal.
    return "\n".join(printable(line) for line in lines)


def _page_lines(report: Report) -> list[str]:
    """What a writer must know page by page: merges, conflicts, kept edits, backups."""
    lines = []
    for plan in report.pages:
        result = report.results.get(plan.path)
        if result is None:
            continue
        if result.action == "merged":
            lines.append(f"merged the wiki's revision {plan.revision} into your edit: "
                         f"{plan.path}")
        elif result.action == "conflict":
            lines.append(f"conflict (resolve the <<<<<<< ... >>>>>>> markers): {plan.path}")
        elif result.action == "kept-edited" and result.wiki_revision is not None:
            lines.append(f"kept your edit; the wiki moved past it (revision {result.revision} "
                         f"-> {result.wiki_revision}) and its base is unknown, so nothing "
                         f"was merged (--force '{plan.title}' takes the wiki's): {plan.path}")
        elif result.action == "kept-edited":
            lines.append(f"kept (edited since import, nothing new from the wiki): {plan.path}")
        elif result.backup:
            lines.append(f"overwrote your edit, kept in {result.backup}: {plan.path}")
    return lines


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
