"""The import's last step: its files installed in one transaction (see :mod:`.transaction`).

Every stub to write is decided again against its file as it is now: an edit saved while the
import converted is merged, kept or (for a forced page) backed up, never lost. Then the files
the stubs change (``service.toml``, toctrees, the glossary) are computed from what was really
installed, so that ``service.toml`` records the revision each stub holds; and the journal is
closed. ``--commit`` commits them, still under the center's lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

from ..core.center import Center
from ..errors import UsageError
from ..glossary_merge import plan_merge
from ..state import backups_dir
from .bases import BaseStore
from .center_files import service_files
from .decision import WRITES, Decision, decide, file_digest, read_current
from .history_job import HistoryJob
from .planning import read_provenance
from .report import PageResult, Report, commit_message
from .titles import normalise_title
from .transaction import Transaction

ALL = "*"


@dataclass(frozen=True)
class InstallOptions:
    glossary: bool  # merge the glossary terms of the pages converted with it
    commit: bool
    force: tuple[str, ...]
    # The wiki's files the pages use and their records (path -> staged file or text).
    files: Mapping[Path, Path | str] = field(default_factory=dict)
    history: HistoryJob | None = None  # replay the history of new pages before committing


def is_forced(patterns: tuple[str, ...], title: str, path: Path) -> bool:
    """Whether ``--force`` names the page: ``*`` (plain ``--force``), its title or a glob of
    titles (``Services/Token*``, ``_`` as a space, first letter in any case) or of its file."""
    wanted = normalise_title(title)
    for pattern in patterns:
        if pattern == ALL:
            return True
        glob = " ".join(pattern.replace("_", " ").split())
        if (fnmatchcase(title, glob) or fnmatchcase(wanted, glob[:1].upper() + glob[1:])
                or fnmatchcase(path.as_posix(), pattern)
                or fnmatchcase(path.as_posix(), f"*/{pattern}")):
            return True
    return False


def page_result(decision: Decision, seen: str | None, unknown: dict[str, int]) -> PageResult:
    """The report's record of a decision."""
    return PageResult(decision.action, unknown, decision.revision, decision.wiki_revision,
                      seen)


def install_import(center: Center, report: Report, staged: dict[Path, Path],
                   txn: Transaction, options: InstallOptions) -> None:
    """Install the staged stubs, then the center files and the glossary, as one transaction;
    commit them when asked."""
    written = _install_stubs(center, report, staged, txn, options)
    extra = service_files(center, report)
    glossary_path = center.root / center.glossary_path
    glossary_text = None
    if options.glossary and report.glossary_merge_terms:
        merge, glossary_text = plan_merge(glossary_path, report.glossary_merge_terms)
        report.glossary = {"added": list(merge.added), "differing": [
            {"term": term, "glossary": ours, "wiki": theirs}
            for term, ours, theirs in merge.differing]}
    merged = [glossary_path] if glossary_text is not None else []
    if options.commit:
        # service.toml, the toctree and the glossary get the import's changes too: a writer's
        # uncommitted edit there must not slip into the import's changeset.
        refuse_dirty(center, [*extra, *merged])
    try:
        for path, content in options.files.items():
            txn.install(path, content)
        for path, text in extra.items():
            txn.install(path, text)
        if glossary_text is not None:
            txn.install(glossary_path, glossary_text)
    except OSError as exc:
        raise _write_error(center, exc) from None
    txn.finish()
    # Bases only serve the stubs that record them; older ones would pile up for ever.
    BaseStore(center.root).prune({fields["sha256"] for path in
                                  center.services_dir.rglob("*.rst")
                                  if "sha256" in (fields := read_provenance(path))})
    report.other_files = [str(p.relative_to(center.root)) for p in extra]
    if options.history is not None:
        from .history_replay import replay_history

        report.history = replay_history(center, options.history, [
            page for page in report.pages if report.action(page) == "new"])
    if options.commit:
        report.committed = _commit(center, report, [*written, *options.files, *extra, *merged])


def _install_stubs(center: Center, report: Report, staged: dict[Path, Path],
                   txn: Transaction, options: InstallOptions) -> list[Path]:
    """Install every staged stub whose decision still holds (decided again when its file
    changed since); returns the stubs written."""
    bases = BaseStore(center.root)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    written = []
    for planned in report.pages:
        result, file = report.results.get(planned.path), staged.get(planned.path)
        if result is None or file is None:
            continue
        current = read_current(planned.path)
        if file_digest(current) != result.seen:  # saved while the import ran
            forced = is_forced(options.force, planned.title, planned.path)
            decision = decide(planned.path, current, converted(file), planned.revision,
                              forced, bases)
            if result.action == "timed-out" and decision.action in ("new", "updated"):
                decision = replace(decision, action="timed-out")
            result = page_result(decision, file_digest(current), dict(result.unknown_templates))
            if decision.text is not None:
                file.write_text(decision.text, encoding="utf-8", newline="\n")
        if result.action not in WRITES:
            report.results[planned.path] = result
            continue
        if result.action == "overwritten-edited" and current is not None:
            backup = backups_dir(center.root) / stamp / center.relative(planned.path)
            backup.parent.mkdir(parents=True, exist_ok=True)
            backup.write_bytes(current)
            result = replace(result, backup=center.relative(backup))
        report.results[planned.path] = result
        try:
            txn.install(planned.path, file)
        except OSError as exc:
            raise _write_error(center, exc) from None
        written.append(planned.path)
    return written


def converted(staged: Path) -> str:
    """The stub as the import converted it, for the page staged as ``staged``: beside it as
    ``.wiki`` when what is staged to install differs (a merge...), else that text itself."""
    beside = staged.with_suffix(".wiki")
    return (beside if beside.exists() else staged).read_text(encoding="utf-8")


def _write_error(center: Center, exc: OSError) -> UsageError:
    where = exc.filename or center.root
    return UsageError(f"{where}: cannot write ({exc.strerror or exc}); the center was left "
                      "as it was")


def refuse_dirty(center: Center, paths: list[Path]) -> None:
    """``--commit`` refuses to commit files with uncommitted local edits (exit 2)."""
    from .. import vcs

    repo = vcs.detect(center.root)
    if repo is None:
        raise UsageError(f"{center.root}: --commit needs a Mercurial or Git repository")
    dirty = repo.modified([p for p in paths if p.exists()])
    if dirty:
        names = ", ".join(sorted(str(p.relative_to(center.root)) for p in dirty))
        raise UsageError(f"--commit: uncommitted local edits in {names}; commit or revert "
                         "them first")


def _commit(center: Center, report: Report, paths: list[Path]) -> str | None:
    from .. import vcs

    repo = vcs.detect(center.root)
    if repo is None or not paths:
        return None
    try:
        return repo.add_and_commit(paths, commit_message(report))
    except vcs.VcsError as exc:
        raise UsageError(str(exc)) from None
