"""``toctree``: every toctree entry names a document."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.toctree,)


def candidates(page_path: str, target: str, suffix: str) -> list[str]:
    """The files a toctree entry ``target`` of the page at ``page_path`` may name (relative
    to the center root): the document with the source suffix, or the file as written."""
    if target.startswith("/"):
        doc = target.lstrip("/")
    else:
        doc = (PurePosixPath(page_path).parent / target).as_posix()
    return [doc + suffix, doc] if doc.endswith(suffix) else [doc + suffix]


def check(index: CenterIndex) -> list[Finding]:
    """A finding per entry that names no document of ``index.documents``."""
    suffix = index.center.source_suffix
    return [Finding(index.service_of(page.path), page.path, line, Subtype.toctree,
                    f"toctree entry {target!r} names no document")
            for page in index.pages.values() for target, line in page.toctree
            if not any(path in index.documents
                       for path in candidates(page.path, target, suffix))]
