"""A fast reST text scan: what the rules need from one document, without docutils.

Section titles, toctree entries, glossary terms, ``:term:`` references and ``XXX``/``TODO``
placeholders, each with its line. Literal text (code blocks, literal blocks, inline literals,
comments) is skipped: nothing in it is a section, a reference or a placeholder. The build gets
the same facts from the doctrees instead (placeholders from :func:`placeholder_lines`).
"""

from __future__ import annotations

import re

from .blocks import block_end, indent
from .conflicts import conflict_lines
from .index import PageFacts
from .markup_scan import foreign_markup
from .provenance import is_pristine, template_fingerprint, wiki_source, wiki_title

PLACEHOLDER = re.compile(r"\b(XXX|TODO)\b")
TERM_ROLE = re.compile(r"(?<![\w`\\]):(?:std:)?term:`((?:[^`\\]|\\.)+)`")
EXPLICIT_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::(.*)$")
ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
INLINE_LITERAL = re.compile(r"``.+?``", re.DOTALL)
URL = re.compile(r"^[a-z][a-z0-9+.-]*://")
WEB_LINK = re.compile(r"https?://[^\s<>`]+")
# Directives whose content is not reST: nothing in them is a section, a role or a term.
LITERAL_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude", "highlight",
                      "raw", "math", "parsed-literal", "productionlist"}


def normalize(target: str) -> str:
    """A term or reference target as compared: escapes dropped, whitespace collapsed."""
    return " ".join(target.replace("\\", "").split())


def _is_title(lines: list[str], index: int) -> bool:
    line = lines[index]
    return (index + 1 < len(lines) and bool(line.strip()) and not line[0].isspace()
            and bool(ADORNMENT.match(lines[index + 1]))
            and len(lines[index + 1].rstrip()) >= len(line.rstrip())
            and not ADORNMENT.match(line))


def _blank(masked: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        masked[index] = ""


def _walk(page: PageFacts, lines: list[str]) -> list[str]:
    """Note the sections, toctree entries and glossary terms of ``lines`` on ``page``; return
    the lines with literal content blanked out."""
    masked = list(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.match(line)
        if directive:
            base, name = len(directive[1]), directive[2].removeprefix("std:")
            end = block_end(lines, index + 1, base)
            if name == "toctree":
                _scan_toctree(page, lines, index + 1, end)
            elif name == "glossary":
                _scan_glossary(page, lines, index + 1, end)
            elif name in LITERAL_DIRECTIVES:
                _blank(masked, index + 1, end)
            index = end if name in LITERAL_DIRECTIVES else index + 1
            continue
        if line.startswith("..") and not line.startswith(".. _"):
            # A comment: its indented continuation is not content either.
            end = block_end(lines, index + 1, indent(line))
            _blank(masked, index, end)
            index = end
            continue
        if line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            end = block_end(lines, index + 1, indent(line))
            _blank(masked, index + 1, end)
            index = end
            continue
        if _is_title(lines, index):
            page.sections.append((line.strip(), index + 1))
        index += 1
    return masked


def _prose(masked: list[str]) -> str:
    """The masked lines as one text, inline literals blanked (line breaks kept)."""
    body = "\n".join(masked)
    return INLINE_LITERAL.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), body)


def _placeholders(body: str) -> list[int]:
    return [number for number, line in enumerate(body.split("\n"), start=1)
            if PLACEHOLDER.search(line)]


def scan_text(path: str, text: str) -> PageFacts:
    """Scan one reST document: sections, toctree entries, glossary terms, ``:term:``
    references and placeholders, each with its line number (1-based)."""
    page = PageFacts(path)
    body = _prose(_walk(page, text.splitlines()))
    for match in TERM_ROLE.finditer(body):
        explicit = EXPLICIT_TARGET.match(match[1])
        target = explicit[2] if explicit else match[1]
        page.refs.append((normalize(target), body.count("\n", 0, match.start()) + 1))
    page.placeholders = _placeholders(body)
    page.imported_stub = is_pristine(text)
    if page.imported_stub:
        page.foreign_markup = foreign_markup(text)
    page.wiki_title, page.wiki_title_exact = wiki_title(text)
    page.conflicts = conflict_lines(text)
    page.fingerprint = template_fingerprint(text)
    page.wiki_source = wiki_source(text)
    page.links = WEB_LINK.findall(body)
    return page


def placeholder_lines(text: str) -> list[int]:
    """The lines of ``text`` holding an ``XXX`` or ``TODO`` outside literal text."""
    return _placeholders(_prose(_walk(PageFacts(""), text.splitlines())))


def _scan_toctree(page: PageFacts, lines: list[str], start: int, end: int) -> None:
    glob = any(lines[i].strip() == ":glob:" for i in range(start, end))
    for index in range(start, end):
        entry = lines[index].strip()
        if not entry or entry.startswith(":") or glob and any(c in entry for c in "*?["):
            continue
        explicit = EXPLICIT_TARGET.match(entry)
        target = explicit[2] if explicit else entry
        if target == "self" or URL.match(target):
            continue
        page.toctree.append((target, index + 1))


def _scan_glossary(page: PageFacts, lines: list[str], start: int, end: int) -> None:
    content = [i for i in range(start, end)
               if lines[i].strip() and not lines[i].strip().startswith(":")]
    if not content:
        return
    term_indent = min(indent(lines[i]) for i in content)
    for index in content:
        if indent(lines[index]) == term_indent:
            term = re.split(r"\s+:\s+", lines[index].strip(), maxsplit=1)[0]
            page.terms.append((normalize(term), index + 1))
