"""Stub files: writing the provenance header every imported page carries (see
:mod:`docscenter.core.provenance`), and installing an import's files all at once."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..core.provenance import MARKER, digest, is_pristine
from ..files import mode_for, write_atomic


@dataclass(frozen=True)
class Provenance:
    """Where a stub came from."""

    title: str
    revision: int | None = None
    timestamp: str | None = None
    url: str | None = None


def _clean(value: str) -> str:
    return " ".join(value.split())  # one line: a title cannot end the comment early


def render_stub(provenance: Provenance, body: str) -> str:
    """The stub file: a reST comment with the provenance and the hash of ``body``, then it."""
    fields = [("title", provenance.title), ("revision", provenance.revision),
              ("timestamp", provenance.timestamp), ("source", provenance.url),
              ("sha256", digest(body))]
    lines = [MARKER] + [f"   {key}: {_clean(str(value))}" for key, value in fields
                        if value not in (None, "")]
    return "\n".join(lines) + "\n\n" + body


class StubState(Enum):
    MISSING = "missing"  # no file yet
    PRISTINE = "pristine"  # exactly as imported
    EDITED = "edited"  # someone changed it (or wrote it by hand)


def stub_state(path: Path) -> StubState:
    """Whether the file at ``path`` may be refreshed by a re-import."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StubState.MISSING
    except (OSError, UnicodeDecodeError):
        return StubState.EDITED
    return StubState.PRISTINE if is_pristine(text) else StubState.EDITED


def install_all(files: Mapping[Path, str | Path], scratch: Path) -> None:
    """Write every file (its text, or the text of a staged file), or none: when one write
    fails (or the import is interrupted), the files already replaced get their old content
    back and new ones are removed.

    Old files are kept as hard links in ``scratch``, a folder on the same file system."""
    done: list[tuple[Path, Path | None]] = []
    made: list[Path] = []  # folders created for new files
    try:
        for index, (path, content) in enumerate(files.items()):
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            made.extend(reversed(missing))
            backup = None
            if path.exists():
                backup = scratch / f"previous-{index}"
                os.link(path, backup)
            if isinstance(content, Path):  # staged on the same file system: rename it
                path.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(content, mode_for(path))
                os.replace(content, path)
            else:
                write_atomic(path, content)
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            if backup is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(backup, path)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
