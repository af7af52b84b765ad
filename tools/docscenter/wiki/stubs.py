"""Stub files: the provenance header every imported page carries, the content hash that tells
an untouched stub from an edited one, and installing an import's files all at once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..files import mode_for, write_atomic

# A reST comment (no "::"), so Sphinx ignores it and the reader never sees it.
MARKER = ".. docscenter-import"
_FIELD = re.compile(r'^   (\w+): (.*)$')


@dataclass(frozen=True)
class Provenance:
    """Where a stub came from."""

    title: str
    revision: int | None = None
    timestamp: str | None = None
    url: str | None = None


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


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


def split_stub(text: str) -> tuple[dict[str, str], str] | None:
    """The header fields and the body of a stub file, or None when it carries no header."""
    if not text.startswith(MARKER + "\n"):
        return None
    fields: dict[str, str] = {}
    lines = text.split("\n")
    index = 1
    while index < len(lines) and (match := _FIELD.match(lines[index])):
        fields[match[1]] = match[2]
        index += 1
    if index >= len(lines) or lines[index] != "":
        return None
    return fields, "\n".join(lines[index + 1 :])


def is_pristine(text: str) -> bool:
    """True when ``text`` is a stub exactly as the importer wrote it (its hash still matches)."""
    parts = split_stub(text)
    return parts is not None and parts[0].get("sha256") == digest(parts[1])


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
