"""Re-importing a page someone edited: the wiki's changes merged into the writer's, three-way.

The base of the merge is the page as the importer last wrote it. Its body's SHA-256 is in the
stub's provenance; the body itself is kept in the center's state folder
(``.docscenter/bases/<sha256>``, see :class:`BaseStore`), and when it is not there (a fresh
clone, a state folder deleted) it is looked for in the file's version-control history: the
latest version whose body has that hash. The merge itself is Breezy's three-way merge
(the ``merge3`` package); a conflict is written with the standard markers, which
``docscenter check``, the build and the commit hook refuse until they are resolved.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import merge3

from ..core.provenance import digest, split_stub
from ..state import bases_dir

HISTORY_DEPTH = 20  # versions of a file searched for its base, newest first

#: The names the conflict markers give each side.
YOURS = "yours (the page as edited)"
WIKI = "wiki (revision {revision})"


class BaseStore:
    """Bodies of pages as the importer wrote them, by SHA-256 (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = bases_dir(self.root)

    def save(self, body: str) -> str:
        """Keep ``body``; returns its SHA-256. Written under a name of this process's, then
        renamed: a base is there whole or not at all (:meth:`load` checks it anyway)."""
        sha = digest(body)
        path = self.folder / sha
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{sha}.{os.getpid()}"
            try:
                temporary.write_text(body, encoding="utf-8", newline="\n")
                os.replace(temporary, path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        return sha

    def prune(self, keep: set[str]) -> int:
        """Remove the bases no stub records any more; returns how many went."""
        removed = 0
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    def load(self, sha: str, stub: Path | None = None) -> str | None:
        """The body whose SHA-256 is ``sha``: from the store, else from the history of the
        file ``stub``; None when neither has it."""
        if not sha or not sha.isalnum():
            return None
        path = self.folder / sha
        with contextlib.suppress(OSError, UnicodeDecodeError):
            body = path.read_text(encoding="utf-8")
            if digest(body) == sha:
                return body
        return from_history(stub, sha) if stub is not None else None


def from_history(stub: Path, sha: str) -> str | None:
    """The body with SHA-256 ``sha`` among the last versions of ``stub`` committed to its
    Mercurial or Git repository, or None."""
    from .. import vcs

    try:
        repo = vcs.detect(stub.parent)
        if repo is None:
            return None
        for text in repo.file_versions(stub, HISTORY_DEPTH):
            parts = split_stub(text)
            if parts is not None and digest(parts[1]) == sha:
                return parts[1]
    except (vcs.VcsError, OSError):
        return None
    return None


@dataclass(frozen=True)
class Merged:
    """The result of a three-way merge of page bodies."""

    body: str
    conflicts: int  # regions both sides changed differently, written with markers


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def merge_bodies(base: str, yours: str, wiki: str, revision: int | None) -> Merged:
    """``wiki``'s changes since ``base`` merged into ``yours`` (all three page bodies)."""
    merger = merge3.Merge3(_lines(base), _lines(yours), _lines(wiki))
    conflicts = sum(1 for region in merger.merge_regions() if region[0] == "conflict")
    name = WIKI.format(revision=revision if revision is not None else "unknown")
    lines = list(merger.merge_lines(name_a=YOURS, name_b=name))
    body = "".join(line if line.endswith("\n") else line + "\n" for line in lines) \
        if conflicts else "".join(lines)
    return Merged(body, conflicts)
