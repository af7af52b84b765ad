"""Findings: what is missing or broken in a center, the one vocabulary of their kinds, and
which kinds a center silences.

``docscenter check`` prints findings; the Sphinx build emits each one as a warning of type
``docscenter`` with its subtype, so ``suppress_warnings = ["docscenter.unused_term"]``
silences exactly one kind in both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

#: The Sphinx warning type of every finding.
WARNING_TYPE = "docscenter"


class Subtype(StrEnum):
    """The kinds of finding; the value is what ``suppress_warnings`` names after
    ``docscenter.``. A new check adds one member here and one rule module."""

    service_toml = "service_toml"
    """A ``service.toml`` is missing or not valid TOML, or one of its fields is missing,
    empty or malformed."""

    template = "template"
    """A page or a section the service template requires is missing."""

    toctree = "toctree"
    """A toctree entry names no document (during the build Sphinx reports it itself)."""

    duplicate_term = "duplicate_term"
    """A glossary term is defined more than once (letter case ignored)."""

    undefined_term = "undefined_term"
    """A ``:term:`` reference resolves to no glossary term."""

    term_case = "term_case"
    """A ``:term:`` reference matches a term only in a different letter case."""

    unused_term = "unused_term"
    """No page references a glossary term."""

    glossary_location = "glossary_location"
    """A ``glossary`` directive outside the shared glossary page."""

    manifest = "manifest"
    """The wiki import manifest does not load, or sends pages to a service that does not
    exist."""

    stub_markup = "stub_markup"
    """An imported page still exactly as imported uses a directive, an option or a role the
    importer never writes (``include``, ``raw``, ``:download:``...); the build shows it as
    text."""
    conflict = "conflict"
    """A page holds the markers of an unresolved merge conflict (a re-import merged the
    wiki's new revision into an edited page and both changed the same lines)."""

    duplicate_wiki_title = "duplicate_wiki_title"
    """Two imported pages come from the same wiki page (titles compared as the wiki does:
    ``_`` is a space, the first letter after the namespace is not case-sensitive)."""

    vcs = "vcs"
    """Build only: the page history is left out (shallow clone, failing ``hg``/``git``) or
    ``docscenter_vcs_web`` has a bad entry."""

    placeholder = "placeholder"
    """Release builds only (``docscenter build --release``, ``docscenter_release``): an
    ``XXX`` or ``TODO`` placeholder is left in a page."""

    untouched_stub = "untouched_stub"
    """Release builds only: a page is still exactly as ``new-service`` generated it or as it
    was imported from the wiki."""

    directive = "directive"
    """Build only: a docscenter directive where it means nothing (``docscenter:resources``
    outside a service folder)."""

    unsafe_uri = "unsafe_uri"
    """Build only: a link, image or download whose address has a scheme outside
    ``docscenter_allowed_uri_schemes`` (``javascript:``, ``data:``...); the build takes it out
    of the page, keeping its text."""
    redirect = "redirect"
    """Build only: an imported page's ``source`` cannot go into the map of old wiki URLs
    (not an http(s) URL, or a character no web server's map can hold); it is left out."""


@dataclass(frozen=True)
class Finding:
    """One problem: which service (None for center-wide pages), where, what kind, what."""

    service: str | None
    path: str  # relative to the center root, POSIX
    line: int | None
    subtype: Subtype  # the Sphinx warning subtype: docscenter.<subtype>
    message: str

    def location(self) -> str:
        """Where the finding is, as every report writes it (see :func:`location`)."""
        return location(self.path, self.line)

    def sort_key(self) -> tuple[str, str, int, str, str]:
        """Findings are listed by service (center-wide pages first), path and line."""
        return (self.service or "", self.path, self.line or 0, self.subtype, self.message)


def location(path: str, line: int | None) -> str:
    """The one way docscenter writes where something is, in ``check``, the build's warnings
    and the commit hook alike: the path relative to the center root (POSIX), then ``:line``
    (1-based, the line of the text at fault) when there is one."""
    return f"{path}:{line}" if line else path


def finding_line(finding: Finding) -> str:
    """One finding on one line: ``location: [subtype] message`` (``check``, ``status``, the
    commit hook)."""
    return f"{finding.location()}: [{finding.subtype}] {finding.message}"


def is_suppressed(subtype: Subtype, suppress_warnings: Iterable[str]) -> bool:
    """Whether ``suppress_warnings`` silences ``subtype``, as Sphinx decides it for a warning
    of type ``docscenter``: ``"docscenter"``, ``"docscenter.*"`` or
    ``"docscenter.<subtype>"``."""
    names = frozenset(suppress_warnings)
    return bool({WARNING_TYPE, f"{WARNING_TYPE}.*", f"{WARNING_TYPE}.{subtype}"} & names)


def unsuppressed(findings: Iterable[Finding], suppress_warnings: Iterable[str]) -> list[Finding]:
    """``findings`` minus the silenced ones, in listing order."""
    names = frozenset(suppress_warnings)
    return sorted((f for f in findings if not is_suppressed(f.subtype, names)),
                  key=Finding.sort_key)
