"""What a re-import does with one page's file: the keep / merge / overwrite decision.

It is made twice: by the worker that converted the page, and again just before the file is
installed when the file changed in between (a writer saved an edit while the import ran), so
an edit is never overwritten unless the page is forced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..core.provenance import digest, split_stub
from .bases import BaseStore
from .merge import merge_bodies

#: The actions that write the page's file.
WRITES = ("new", "updated", "merged", "conflict", "overwritten-edited", "timed-out",
          "wikitext")


@dataclass(frozen=True)
class Decision:
    """What to do with a page: the action, the text to write (None: leave the file), the wiki
    revision the file holds afterwards and the wiki's newer one when it moved past it."""

    action: str
    text: str | None
    revision: int | None
    wiki_revision: int | None = None


def file_digest(data: bytes | None) -> str | None:
    """The SHA-256 of a file's bytes (None for a missing file): how a file is recognised as
    unchanged between the decision and the install."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_current(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no file; something unreadable in the way (a
    folder) reads as an empty file someone wrote: never overwritten unless forced."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return b""


def _revision(fields: dict[str, str]) -> int | None:
    value = fields.get("revision", "")
    return int(value) if value.isdigit() else None


def decide(path: Path, current: bytes | None, new_stub: str, revision: int | None, force: bool,
           bases: BaseStore) -> Decision:
    """The decision for the page at ``path`` whose file holds ``current`` (None: no file),
    given the stub the wiki's revision ``revision`` converts to (``new_stub``)."""
    if current is None:
        return Decision("new", new_stub, revision)
    try:
        text = current.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    parts = split_stub(text) if text is not None else None
    new_fields, new_body = split_stub(new_stub) or ({}, new_stub)
    if parts is not None and parts[0].get("sha256") == digest(parts[1]):  # pristine
        action = "unchanged" if text == new_stub else "updated"
        return Decision(action, None if action == "unchanged" else new_stub, revision)
    if force:
        return Decision("overwritten-edited", new_stub, revision)
    if parts is None:  # written by hand (or unreadable): nothing to merge with
        return Decision("kept-edited", None, None)
    fields, body = parts
    held = _revision(fields)
    if fields.get("sha256") == digest(new_body):  # the wiki has nothing new for this page
        return Decision("kept-edited", None, held)
    base = bases.load(fields.get("sha256", ""), path)
    if base is None:  # the base is gone: keep the edit, say the wiki moved past it
        return Decision("kept-edited", None, held, wiki_revision=revision)
    merged = merge_bodies(base, body, new_body, revision)
    header = new_stub[: len(new_stub) - len(new_body)]
    old_header = (text or "")[: len(text or "") - len(body)]
    if merged.body == body and header == old_header:
        return Decision("kept-edited", None, held)
    return Decision("conflict" if merged.conflicts else "merged", header + merged.body,
                    revision)
