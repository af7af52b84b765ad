"""What the converter is told and what it returns: options, template rules, page results.

Plain dataclasses at module level, so options pickle into worker processes. Kept apart from
the converter package (:mod:`.convert`) so that reading a manifest does not load the parser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class PageRef:
    """An imported page another page may link to."""

    docname: str  # absolute Sphinx docname, e.g. "/services/storage/wiki/api-notes"
    label: str  # the page's own reST label
    anchors: frozenset[str] = frozenset()  # wiki section anchors on that page


@dataclass(frozen=True)
class LocalFile:
    """A wiki file the importer placed in the center, as a page refers to it."""

    # POSIX path from the page's folder to the file, always ".../_files/<name>" with a name
    # of lower-case letters, digits, "-" and "." (see wiki.file_names).
    path: str
    inline: bool  # an image shown in the page (png, jpeg, gif, webp); else a download link


@dataclass(frozen=True)
class TemplateRule:
    """What to do with one wiki template."""

    kind: str  # "admonition" | "drop" | "inline" | "code" | "references"
    admonition: str = ""  # note, warning, tip, ... or "admonition" (generic, needs title)
    title: str = ""  # title of a generic admonition
    param: str = ""  # parameter holding the text; "" = first positional, then "text"


def _rules() -> dict[str, TemplateRule]:
    rules: dict[str, TemplateRule] = {}
    for name in ("note", "warning", "tip", "important", "caution", "danger", "attention",
                 "hint", "error"):
        rules[name.capitalize()] = TemplateRule("admonition", name)
    for alias, name in (("Notice", "note"), ("Info", "note"), ("Warn", "warning"),
                        ("Deprecated", "warning"), ("Seealso", "seealso"),
                        ("See also", "seealso"), ("Main", "seealso")):
        rules[alias] = TemplateRule("admonition", name)
    for name in ("Code", "Tt", "Mono", "Kbd", "Key press"):
        rules[name] = TemplateRule("code")
    for name in ("Reflist", "References"):
        rules[name] = TemplateRule("references")
    for name in ("Clear", "Clr", "TOC", "Toc", "TOC right", "TOC left", "-"):
        rules[name] = TemplateRule("drop")
    return rules


DEFAULT_TEMPLATES: Mapping[str, TemplateRule] = MappingProxyType(_rules())

DEFAULT_INTERWIKI: Mapping[str, str] = MappingProxyType({
    "wikipedia": "https://en.wikipedia.org/wiki/$1",
    "w": "https://en.wikipedia.org/wiki/$1",
    "wikt": "https://en.wiktionary.org/wiki/$1",
    "wiktionary": "https://en.wiktionary.org/wiki/$1",
    "mw": "https://www.mediawiki.org/wiki/$1",
    "mediawikiwiki": "https://www.mediawiki.org/wiki/$1",
    "commons": "https://commons.wikimedia.org/wiki/$1",
    "meta": "https://meta.wikimedia.org/wiki/$1",
    "m": "https://meta.wikimedia.org/wiki/$1",
    "bugzilla": "https://bugzilla.mozilla.org/show_bug.cgi?id=$1",
    "mdn": "https://developer.mozilla.org/$1",
})


@dataclass(frozen=True)
class ConvertOptions:
    """How one page is converted."""

    label: str  # label prefix of this page (unique in the center)
    # The imported pages links may point at, by normalised title (see normalise_title).
    pages: Mapping[str, PageRef] = field(default_factory=dict)
    wiki_url: str | None = None  # article path with "$1", e.g. "https://wiki.example.org/wiki/$1"
    # Plain dict copies by default, so options pickle into worker processes.
    templates: Mapping[str, TemplateRule] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    interwiki: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_INTERWIKI))
    detect_endpoints: bool = True
    # When set, terms of Glossary/Definitions/Terminology sections become :term: references
    # to the shared glossary, spelt as there (lower-case term -> spelling); terms it lacks
    # keep the wiki's spelling (the importer adds them to the glossary).
    glossary_terms: Mapping[str, str] | None = None
    # The wikitext of the pages of the import other pages transclude ("{{:Title}}"), by
    # normalised title (see convert.transcluded_titles).
    transclusions: Mapping[str, str] = field(default_factory=dict)
    # The schemes an external link may have (the center's docscenter_allowed_uri_schemes);
    # a link with another scheme stays text, which the extension would otherwise unlink.
    link_schemes: tuple[str, ...] = ("http", "https", "mailto")
    # Simple tables are split line by line instead of parsed (much faster, same result);
    # False sends every table through the full parse (the tests compare both).
    table_fast_path: bool = True
    # Paragraph lines of plain text are written directly instead of through the inline path
    # (same result); False sends them through it (the tests compare both).
    text_fast_path: bool = True
    # The title readers see (for an imported page, the end of its wiki title: see
    # wiki.page_titles); None: the wiki title.
    heading: str | None = None
    # The wiki files this page may show or link to, by file name as normalised titles have it
    # ("Architecture diagram.png"); a file not in it is a visible placeholder, never a link
    # to the wiki.
    files: Mapping[str, LocalFile] = field(default_factory=dict)


@dataclass
class ConvertedPage:
    """A converted page and what the converter learnt about it."""

    title: str
    rst: str
    redirect: str | None
    categories: list[str] = field(default_factory=list)
    unknown_templates: Counter[str] = field(default_factory=Counter)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # files it shows or links to (File:, Media:)
    warnings: list[str] = field(default_factory=list)
    # The share of the words of the wikitext's visible text the reST kept (an estimate, see
    # convert.coverage): below LOSSY the import reports the page.
    text_kept: float = 1.0
    # Why the page is kept as its wiki text (a literal block) rather than converted; "" when
    # it was converted.
    kept_as_wikitext: str = ""


LOSSY = 0.9
