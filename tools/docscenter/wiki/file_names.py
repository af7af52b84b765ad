"""Wiki files by name: which files a page refers to (a quick scan, before any conversion), what
kind of file each is, and the safe name it gets in its service's ``_files`` folder.

Only files of the kinds below are placed in a center. Raster images are shown in the page;
every other kind is offered as a download. SVG is active content (a browser runs the scripts
of an SVG opened on its own, with the site's rights), so it is never shown inline: it is a
download link, which browsers save instead of opening. HTML, XML, scripts and executables are
never placed at all.
"""

from __future__ import annotations

import hashlib
import re

from ..core.vocabulary import SAFE_FILE_NAME
from .convert import LITERAL_SPANS, normalise_title
from .naming import RESERVED, slugify

INLINE = frozenset({"png", "jpg", "jpeg", "gif", "webp"})
DOWNLOADS = frozenset({
    "svg", "pdf", "txt", "csv", "tsv", "json", "yaml", "yml", "log", "diff", "patch",
    "zip", "gz", "tgz", "bz2", "xz", "7z", "tar", "odt", "ods", "odp", "odg", "doc", "docx",
    "xls", "xlsx", "ppt", "pptx", "mp3", "ogg", "oga", "ogv", "mp4", "webm", "wav", "flac",
    "bmp", "tif", "tiff", "ico",
})
MAX_STEM = 64

# What the content of an image must start with, by extension: a page never shows a file
# whose bytes are not the image its name says (an HTML page named "x.png", say).
_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}

_LINK = re.compile(r"\[\[\s*(?:file|image|media)\s*:([^|\]\n]*)", re.IGNORECASE)
_GALLERY = re.compile(r"<gallery\b[^>]*>(.*?)(?:</gallery\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_GALLERY_PREFIX = re.compile(r"^\s*(?:file|image)\s*:", re.IGNORECASE)


def file_key(name: str) -> str:
    """A file's name as the converter looks it up: "architecture_diagram.png" and
    "File:Architecture diagram.png" are both "Architecture diagram.png"."""
    name = _GALLERY_PREFIX.sub("", name)
    return normalise_title("File:" + name).partition(":")[2]


def file_references(wikitext: str) -> list[str]:
    """The files a page shows or links to (``[[File:]]``, ``[[Image:]]``, ``[[Media:]]``,
    ``<gallery>`` lines), by :func:`file_key`, in order of first use. ``[[:File:x]]`` links
    to the file's wiki page, not to the file, and literal text names no file."""
    text = LITERAL_SPANS.sub("", wikitext)
    names: list[str] = [match[1] for match in _LINK.finditer(text)]
    for gallery in _GALLERY.finditer(text):
        for line in gallery[1].split("\n"):
            target = line.partition("|")[0]
            if target.strip():
                names.append(target)
    keys = (file_key(name) for name in names)
    return list(dict.fromkeys(key for key in keys if key.strip()))


def extension(name: str) -> str:
    """The lower-case extension of a file name ("" when it has none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem.strip() else ""


def file_kind(name: str, refused: frozenset[str] = frozenset()) -> str | None:
    """"image" (shown in the page), "download", or None for a kind never placed; extensions
    in ``refused`` (the center's source suffix) are never placed either."""
    ext = extension(name)
    if ext in refused:
        return None
    return "image" if ext in INLINE else "download" if ext in DOWNLOADS else None


def content_matches(name: str, data: bytes) -> bool:
    """Whether an image's bytes are of the kind its extension names (other kinds: True)."""
    ext = extension(name)
    if ext == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    signatures = _SIGNATURES.get(ext)
    return signatures is None or data.startswith(signatures)


def local_name(name: str, taken: set[str]) -> str:
    """A new, safe name in a ``_files`` folder for the wiki file ``name``, added to
    ``taken``: a lower-case slug of its stem (never hidden, never a path, never a name
    Windows reserves) and its extension; "-2", "-3"... when the name is taken."""
    ext = extension(name)
    stem = name[: -len(ext) - 1] if ext else name
    slug = slugify(stem)[:MAX_STEM].rstrip("-")
    if not slug:
        slug = "file-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    if slug in RESERVED:
        slug += "-file"
    candidate, number = f"{slug}.{ext}", 2
    while candidate in taken:
        candidate = f"{slug}-{number}.{ext}"
        number += 1
    taken.add(candidate)
    return candidate


_SAFE_NAME = re.compile(rf"\A{SAFE_FILE_NAME}\Z")


def is_safe_name(name: str) -> bool:
    """Whether ``name`` is of the form :func:`local_name` gives (checked on names read back
    from a service's record, which anyone may have edited)."""
    return bool(_SAFE_NAME.match(name)) and len(name) <= MAX_STEM + 12
