"""Re-importing a page someone edited: the wiki's changes merged into the writer's, three-way.

The base of the merge is the page as the importer last wrote it. Its body's SHA-256 is in the
stub's provenance; the body itself is kept in the center's state folder
(``.docscenter/bases/``, see :mod:`.bases`), and when it is not there (a fresh
clone, a state folder deleted) it is looked for in the file's version-control history: the
latest version whose body has that hash. The merge itself is Breezy's three-way merge
(the ``merge3`` package); a conflict is written with the standard markers, which
``docscenter check``, the build and the commit hook refuse until they are resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import merge3

from ..core.provenance import digest, split_stub

HISTORY_DEPTH = 20  # versions of a file searched for its base, newest first

#: The names the conflict markers give each side.
YOURS = "yours (the page as edited)"
WIKI = "wiki (revision {revision})"


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
