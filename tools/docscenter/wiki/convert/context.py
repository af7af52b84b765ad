"""The mutable state of one page conversion, shared by the converter modules."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mwparserfromhell.wikicode import Wikicode

from ..options import ConvertOptions
from ..titles import _template_key

# A simple table taken out of the text before parsing (wikitable._lift_tables):
# (caption, rows of (is header, raw cell wikitext)).
_SplitTable = tuple[str | None, list[list[tuple[bool, str]]]]


@dataclass
class _Footnote:
    label: str
    body: Wikicode | None = None
    emitted: bool = False


class _Ctx:
    """Mutable state of one page conversion."""

    def __init__(self, options: ConvertOptions, title: str, anchors: frozenset[str]) -> None:
        self.options = options
        self.title = title
        self.display_title: str | None = None
        self.anchors = anchors
        self.categories: list[str] = []
        self.unknown: Counter[str] = Counter()
        self.glossary: list[tuple[str, str]] = []
        self.images: list[str] = []
        self.warnings: list[str] = []
        self.seen_anchors: Counter[str] = Counter()
        self.labels: set[str] = {options.label}
        self.heading_stack: list[tuple[int, str]] = []
        self.footnotes: dict[str, _Footnote] = {}
        self.anon_refs = 0
        self.same_page_refs: list[tuple[str, str, str]] = []  # (role, label, text)
        self.templates = {_template_key(k): v for k, v in options.templates.items()}
        self.interwiki = {k.lower(): v for k, v in options.interwiki.items()}
        self.lifted: list[_SplitTable] = []  # simple tables lifted out before parsing
        self.writing_footnotes = False  # a <references/> inside a footnote adds nothing

    @property
    def in_glossary(self) -> bool:
        return any(_GLOSSARY.search(text) for _, text in self.heading_stack)


_GLOSSARY = re.compile(r"\b(glossary|definitions|terminology)\b", re.I)
