"""Where the wiki's files come from: a folder beside a dump (``--files DIR``, read here), or the
wiki's ``api.php`` (``prop=imageinfo`` for the URL, SHA-1, size and type, then the file itself:
:mod:`.file_api`).

Both are bounded like every source: a file larger than ``max_file_size`` is not read, and
from the API every answer and download goes through the bounded HTTP client. A download may
only go where the API itself may redirect: its own address (scheme, host and port) or a host
of ``redirect_hosts``/``--redirect-host`` (a wiki's upload host, say), never from ``https``
to ``http``, never to a link-local address. The SHA-1 the wiki reports is checked.

A file the source does not have is :class:`Missing`; one it has but that may not be placed
(too large, wrong hash, a host not allowed, a failed download) is :class:`Refused`.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path


class FileProblem(Exception):
    """Why a file was not placed; str() is one line."""


class Missing(FileProblem):
    """The source does not have the file."""


class Refused(FileProblem):
    """The source has the file, but it may not be placed."""


@dataclass(frozen=True)
class Fetched:
    """A file's content and what is known of it."""

    data: bytes
    sha1: str
    mime: str
    source: str  # the URL, or the file's path in the folder


def mime_type(name: str) -> str:
    """The media type a file's name says (``application/octet-stream`` when it says none)."""
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


# -- a folder -------------------------------------------------------------------------------

def folder_candidates(folder: Path, name: str) -> list[Path]:
    """Where a folder of wiki files may hold ``name``: flat, with "_" or spaces, or in the
    wiki's own hashed layout (``a/ab/Name.png``, from the MD5 of the name)."""
    underscored = name.replace(" ", "_")
    digest = hashlib.md5(underscored.encode("utf-8")).hexdigest()
    return [folder / underscored, folder / name, folder / digest[0] / digest[:2] / underscored]


def from_folder(folder: Path, name: str, limit: int) -> Fetched:
    """The file ``name`` from ``folder``; Missing or Refused otherwise. A link leading out of
    the folder is refused."""
    base = folder.resolve()
    for candidate in folder_candidates(folder, name):
        if "/" in name or name.startswith(".") or not candidate.is_file():
            continue
        path = candidate.resolve()
        if not path.is_relative_to(base):
            raise Refused(f"{candidate} leads out of {folder}")
        size = path.stat().st_size
        if size > limit:
            raise Refused(f"{size} bytes, more than max_file_size ({limit})")
        data = path.read_bytes()
        return Fetched(data, hashlib.sha1(data).hexdigest(), mime_type(name),
                       candidate.relative_to(folder).as_posix())
    raise Missing(f"not in {folder}")
