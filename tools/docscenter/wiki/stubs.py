"""Stub files: the provenance header every imported page carries (see
:mod:`docscenter.core.provenance`). Installing them is the transaction's business
(:mod:`.transaction`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.provenance import MARKER, digest


@dataclass(frozen=True)
class Provenance:
    """Where a stub came from."""

    title: str
    revision: int | None = None
    timestamp: str | None = None
    url: str | None = None
    # What the page was imported with, repeated by a plain re-import (see .recorded).
    wiki_url: str | None = None  # given with --wiki-url
    glossary: bool = False  # --glossary: terms of its glossary sections are references
    case_sensitive: bool = False  # the wiki keeps the case of the title's first letter


def _clean(value: str) -> str:
    return " ".join(value.split())  # one line: a title cannot end the comment early


def render_stub(provenance: Provenance, body: str) -> str:
    """The stub file: a reST comment with the provenance and the hash of ``body``, then it."""
    fields = [("title", provenance.title), ("revision", provenance.revision),
              ("timestamp", provenance.timestamp), ("source", provenance.url),
              ("wiki_url", provenance.wiki_url),
              ("glossary", "yes" if provenance.glossary else None),
              ("case", "sensitive" if provenance.case_sensitive else None),
              ("sha256", digest(body))]
    lines = [MARKER] + [f"   {key}: {_clean(str(value))}" for key, value in fields
                        if value not in (None, "")]
    return "\n".join(lines) + "\n\n" + body
