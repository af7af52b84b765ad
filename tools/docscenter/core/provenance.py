"""Telling an untouched stub from a page someone wrote: the provenance header of imported
pages, and the fingerprint of a page as ``new-service`` renders it.

An imported page starts with a reST comment (``.. docscenter-import``) recording where it came
from and the SHA-256 of the body the importer wrote; while the body still has that hash,
nobody edited it. A template page is untouched while its text, ISO dates blanked, is what the
service template renders today.
"""

from __future__ import annotations

import hashlib
import re

# A reST comment (no "::"), so Sphinx ignores it and the reader never sees it.
MARKER = ".. docscenter-import"
_FIELD = re.compile(r'^   (\w+): (.*)$')
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def digest(body: str) -> str:
    """The SHA-256 (hex) of ``body``, as recorded in the provenance header."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


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


def wiki_title(text: str) -> tuple[str | None, bool]:
    """The wiki title a stub's provenance records (None for a page that is no stub), and
    whether the wiki said its first letter is case-sensitive (``case: sensitive``)."""
    parts = split_stub(text)
    if parts is None:
        return None, False
    return parts[0].get("title"), parts[0].get("case") == "sensitive"


def template_fingerprint(text: str) -> str:
    """What a page is compared by with the template's rendering: its hash with ISO dates
    blanked (the creation date differs from today's)."""
    return digest(ISO_DATE.sub("YYYY-MM-DD", text))


def wiki_source(text: str) -> str:
    """The wiki URL a stub records as its ``source`` ("" for any other page)."""
    parts = split_stub(text)
    return parts[0].get("source", "").strip() if parts is not None else ""
