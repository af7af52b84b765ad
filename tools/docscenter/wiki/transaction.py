"""Imports are transactions: the center's lock, a staging folder no build reads, and a journal
that lets the next command finish or roll back an import that was killed.

An import enters one :class:`Transaction`: it takes the center's lock (see
:mod:`docscenter.locking`), first rolls back whatever an earlier import left half done, and
stages files under ``.docscenter/import/staging/``. :meth:`Transaction.install` puts one file
in place: it first appends a line to the journal (``.docscenter/import/journal``: the file,
whether it existed, the folders made for it), keeps the old file as a hard link under
``backup/``, then renames the new one over it. :meth:`Transaction.finish` removes the journal:
that is the moment the files count as installed. Until then, an exception rolls the files
back at once, and a killed process leaves the journal, which :func:`recover` (run by the next
``import-wiki``, ``check``, ``status`` or build, or by ``docscenter recover``) reads to put
every file back as it was. A caller may install and finish several times under one lock (an
import committing revisions one by one).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..files import mode_for
from ..locking import CenterLock, command_line
from ..state import import_dir, journal_path


@dataclass
class Recovery:
    """What :func:`recover` did: files put back as they were, or only a staging folder
    removed (an import killed before it installed anything)."""

    restored: list[str] = field(default_factory=list)  # relative paths
    removed_staging: bool = False

    def message(self) -> str:
        if self.restored:
            return (f"rolled back an interrupted import: {len(self.restored)} file(s) put back "
                    "as they were")
        return "removed the staging folder of an interrupted import (nothing was installed)"


def _entries(journal: Path) -> list[dict[str, object]]:
    """The journal's entries; a line cut short by a crash was never acted on."""
    entries = []
    for line in journal.read_text(encoding="utf-8").split("\n"):
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                entries.append(entry)
    return entries


def _undo(root: Path, folder: Path, entry: dict[str, object]) -> bool:
    """Put one journalled file back; True when it had been replaced."""
    target = root / str(entry["path"])
    backup = folder / "backup" / str(entry["index"])
    staged = folder / str(entry["staged"])
    changed = False
    if entry.get("existed"):
        if backup.exists():
            os.replace(backup, target)
            changed = True
    elif not staged.exists() and target.exists():
        target.unlink()
        changed = True
    folders = entry.get("folders")
    for made in reversed(folders if isinstance(folders, list) else []):
        with contextlib.suppress(OSError):
            (root / str(made)).rmdir()
    return changed


def recover(root: Path) -> Recovery | None:
    """Roll back the import the journal of the center at ``root`` describes (the caller holds
    the lock); None when there was nothing to do."""
    folder = import_dir(root)
    journal = journal_path(root)
    if not folder.exists():
        return None
    result = Recovery()
    if journal.exists():
        for entry in reversed(_entries(journal)):
            if _undo(root, folder, entry):
                result.restored.append(str(entry["path"]))
        journal.unlink()
    else:
        result.removed_staging = True
    shutil.rmtree(folder, ignore_errors=True)
    return result


def needs_recovery(root: Path) -> bool:
    """Whether an import was interrupted in the center at ``root`` (or is running)."""
    return import_dir(root).exists()


def recover_if_needed(root: Path, on_wait: Callable[[str], None] | None = None) \
        -> Recovery | None:
    """:func:`recover` under the center's lock when an interrupted import is found (waiting
    for an import that is still running: it cleans up after itself)."""
    if not needs_recovery(root):
        return None
    with CenterLock(root, command_line()).acquire(on_wait=on_wait) as lock:
        if lock.inherited:
            return None  # our own parent is the import
        return recover(root)


class Transaction:
    """One import's hold on the center (see the module docstring)."""

    def __init__(self, root: Path, command: str | None = None,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.root = Path(root)
        self.lock = CenterLock(self.root, command or command_line())
        self.on_wait = on_wait
        self.folder = import_dir(self.root)
        self.staging = self.folder / "staging"
        self.recovered: Recovery | None = None
        self._count = 0
        self._journal: Path | None = None
        self._out: TextIO | None = None  # the journal, open while files are installed
        self._present: set[Path] = set()  # folders known to exist
        self._new_mode: int | None = None  # a new file's permissions (the umask's)

    def __enter__(self) -> Transaction:
        self.lock.acquire(on_wait=self.on_wait)
        try:
            self.recovered = recover(self.root)
            self.staging.mkdir(parents=True)
            (self.folder / "backup").mkdir()
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if self._journal is not None:
                self.rollback()
            shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self.lock.release()

    def install(self, path: Path, content: str | Path) -> None:
        """Put ``content`` (a text, or a file staged under :attr:`staging`) at ``path``,
        journalled first so that it can be undone."""
        index = self._count
        self._count += 1
        staged = content if isinstance(content, Path) else self.staging / f"install-{index}"
        if not isinstance(content, Path):
            staged.write_text(content, encoding="utf-8", newline="\n")
        missing = []
        for folder in (path.parent, *path.parent.parents):
            if folder in self._present or folder.exists():
                break
            missing.append(folder)
        existed = path.exists()
        entry = {"index": index, "path": self._relative(path), "existed": existed,
                 "staged": staged.relative_to(self.folder).as_posix(),
                 "folders": [self._relative(p) for p in reversed(missing)]}
        self._append(entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._present.add(path.parent)
        if existed:
            os.link(path, self.folder / "backup" / str(index))
            mode = mode_for(path)
        else:
            if self._new_mode is None:
                self._new_mode = mode_for(path)
            mode = self._new_mode
        os.chmod(staged, mode)
        os.replace(staged, path)

    def _append(self, entry: dict[str, object]) -> None:
        if self._journal is None:
            self._journal = journal_path(self.root)
        if self._out is None:
            self._out = self._journal.open("a", encoding="utf-8")
        # Written through to the system before the file is touched: a killed process leaves
        # it complete. It is not fsynced per file (that cost 3 ms a file); after a power cut
        # the journal may be as incomplete as the files the system had not written either.
        self._out.write(json.dumps(entry) + "\n")
        self._out.flush()

    def _close_journal(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def finish(self) -> None:
        """The files installed so far are final: the journal goes, and the backups."""
        self._close_journal()
        if self._journal is not None:
            self._journal.unlink()
            self._journal = None
        shutil.rmtree(self.folder / "backup", ignore_errors=True)
        (self.folder / "backup").mkdir()

    def rollback(self) -> None:
        """Put back every file installed since the last :meth:`finish`."""
        self._close_journal()
        if self._journal is None:
            return
        for entry in reversed(_entries(self._journal)):
            _undo(self.root, self.folder, entry)
        self._journal.unlink()
        self._journal = None

    def _relative(self, path: Path) -> str:
        return os.path.relpath(path, self.root)
