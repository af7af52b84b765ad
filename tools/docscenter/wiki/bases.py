"""The bases of re-import merges: each page's body as the importer wrote it, by SHA-256, in
the center's state folder (``.docscenter/bases/``).

They are kept in packs, ``pack-<id>``: records ``<sha256> <length>\\n<body>\\n``. An import
appends the bases of its pages to one pack while they convert (``.pack-<id>.part``; a file per
page cost as much as a tenth of the import) and puts it in place when it installs the pages.
A record is read only whole and only when its body has its SHA-256, so a pack cut short by a
crash loses its last record at most. A base in a file of its own (``<sha256>``), as earlier
versions kept them, is read too. :meth:`BaseStore.prune`, after each import, removes the
bases no stub records: files and whole packs at once, a pack that still holds some only once
most of it is dead (it is written again with the others).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ..core.provenance import digest
from ..state import bases_dir
from .merge import from_history

PACK = "pack-"
PART = ".pack-"  # a pack an import is writing (or one whose import did not finish)


class _Record(NamedTuple):
    sha: str
    offset: int  # of the body in the pack
    length: int  # of the body, in bytes


def _records(path: Path) -> Iterator[_Record]:
    """The whole records of a pack, in order; a cut or damaged record ends it."""
    with contextlib.suppress(OSError), path.open("rb") as pack:
        while True:
            header = pack.readline(100).split()
            if len(header) != 2 or len(header[0]) != 64 or not header[1].isdigit():
                return
            offset, length = pack.tell(), int(header[1])
            pack.seek(length, os.SEEK_CUR)
            if pack.read(1) != b"\n":
                return
            yield _Record(header[0].decode("ascii"), offset, length)


def _record(sha: str, data: bytes) -> bytes:
    """A pack's record of the body ``data`` (UTF-8) whose SHA-256 is ``sha``."""
    return f"{sha} {len(data)}\n".encode("ascii") + data + b"\n"


def _is_file_base(path: Path) -> bool:
    """A base in a file of its own, as earlier versions kept them."""
    return len(path.name) == 64 and path.name.isalnum()


class BaseStore:
    """The bases of one center (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = bases_dir(self.root)
        self._index: dict[str, tuple[Path, _Record]] | None = None
        self._part: tuple[Path, BinaryIO] | None = None  # the pack being written
        self._added: set[str] = set()  # what it holds

    def _packs(self) -> dict[str, tuple[Path, _Record]]:
        """Where each base of the packs in place is."""
        if self._index is None:
            self._index = {}
            names = sorted(os.listdir(self.folder)) if self.folder.is_dir() else []
            for name in names:
                if name.startswith(PACK):
                    for record in _records(self.folder / name):
                        self._index.setdefault(record.sha, (self.folder / name, record))
        return self._index

    def add(self, body: str) -> str:
        """Keep ``body`` (in the pack being written, unless it is kept already); returns its
        SHA-256. It can be loaded once :meth:`put_in_place` has run."""
        sha = digest(body)
        if sha in self._added or sha in self._packs() or (self.folder / sha).is_file():
            return sha
        if self._part is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{PART}{secrets.token_hex(8)}.part"
            self._part = (path, path.open("ab"))
        self._part[1].write(_record(sha, body.encode("utf-8")))
        self._added.add(sha)
        return sha

    def put_in_place(self) -> None:
        """The pack being written joins the others."""
        if self._part is not None:
            path, out = self._part
            out.close()
            os.replace(path, self.folder / path.name.removeprefix(".").removesuffix(".part"))
            self._part, self._index = None, None
            self._added.clear()

    def discard(self) -> None:
        """Drop the pack being written (the import failed)."""
        if self._part is not None:
            path, out = self._part
            out.close()
            path.unlink(missing_ok=True)
            self._part = None
            self._added.clear()

    def load(self, sha: str, stub: Path | None = None) -> str | None:
        """The body whose SHA-256 is ``sha``: from the store, else from the history of the
        file ``stub``; None when neither has it."""
        if not sha or not sha.isalnum():
            return None
        with contextlib.suppress(OSError, UnicodeDecodeError):
            body = (self.folder / sha).read_text(encoding="utf-8")
            if digest(body) == sha:
                return body
        found = self._packs().get(sha)
        if found is not None:
            path, record = found
            with contextlib.suppress(OSError, UnicodeDecodeError), path.open("rb") as pack:
                pack.seek(record.offset)
                body = pack.read(record.length).decode("utf-8")
                if digest(body) == sha:
                    return body
        return from_history(stub, sha) if stub is not None else None

    def stored(self) -> set[str]:
        """The SHA-256 of every base kept."""
        return set(self._packs()) | {path.name for path in self._files()}

    def _files(self) -> Iterable[Path]:
        """Bases in files of their own."""
        if self.folder.is_dir():
            yield from filter(_is_file_base, self.folder.iterdir())

    def prune(self, keep: set[str]) -> int:
        """Remove the bases no stub records any more (packs mostly of those are written
        again with the others), and unfinished packs; returns how many bases went."""
        removed = 0
        writing = self._part[0] if self._part is not None else None
        for path in sorted(self.folder.iterdir()) if self.folder.is_dir() else []:
            if _is_file_base(path):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    removed += 1
            elif path.name.startswith(PART) and path != writing:
                path.unlink(missing_ok=True)
            elif path.name.startswith(PACK):
                records = list(_records(path))
                live = [r for r in records if r.sha in keep]
                removed += len(records) - len(live)
                if not live:
                    path.unlink(missing_ok=True)
                elif 2 * len(live) < len(records):
                    self._rewrite(path, live)
        self._index = None
        return removed

    def _rewrite(self, path: Path, records: list[_Record]) -> None:
        temporary = path.with_name(f"{PART}{secrets.token_hex(8)}.part")
        with path.open("rb") as pack, temporary.open("wb") as out:
            for record in records:
                pack.seek(record.offset)
                out.write(_record(record.sha, pack.read(record.length)))
        os.replace(temporary, path)
