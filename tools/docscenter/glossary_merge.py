"""Adding terms to the shared glossary (``source/glossary.rst``): new terms go into the
sorted ``glossary`` directive, existing ones are never duplicated (letter case ignored), and
differing definitions are reported rather than overwritten.

Terms come from wiki pages: a term is written escaped (:func:`docscenter.rst.escape_line`),
so it stays text, and a definition is the converter's reST, indented as a whole under its
term, so a literal block stays literal and nothing in it becomes a directive."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import rst
from .errors import UsageError
from .files import write_atomic

GLOSSARY_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+glossary::\s*$")


@dataclass
class MergeReport:
    """What :func:`merge_terms` did: terms added, terms already there with a different
    definition (term, existing definition, offered definition), terms already there as is."""

    added: list[str] = field(default_factory=list)
    differing: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    term: str
    lines: list[str]  # the term line and its definition lines, as in the file

    def definition(self) -> str:
        body = [line.strip() for line in self.lines[1:]]
        return " ".join(" ".join(body).split())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _parse(lines: list[str], start: int) -> tuple[int, int, int, list[_Entry]]:
    """The glossary's content range [begin, end), its term indent, and its entries."""
    base = _indent(lines[start])
    begin = start + 1
    end = begin
    for index in range(begin, len(lines)):
        if lines[index].strip() and _indent(lines[index]) <= base:
            break
        end = index + 1
    while end > begin and not lines[end - 1].strip():
        end -= 1
    content = [i for i in range(begin, end)
               if lines[i].strip() and not lines[i].strip().startswith(":")]
    indent = min((_indent(lines[i]) for i in content), default=base + 3)
    entries: list[_Entry] = []
    for index in range(begin, end):
        line = lines[index]
        if not line.strip() or (line.strip().startswith(":") and not entries):
            continue
        if _indent(line) == indent and (not entries or lines[index - 1].strip() == ""
                                        or _indent(lines[index - 1]) > indent):
            entries.append(_Entry(line.strip(), [line]))
        elif entries:
            entries[-1].lines.append(line)
    return begin, end, indent, entries


def _format(term: str, definition: str, indent: int) -> list[str]:
    """A new entry: the term escaped on one line (" : " would start a classifier), then the
    definition's reST lines indented under it, keeping their own indentation."""
    lines = definition.strip("\n").splitlines()
    body = rst.indent(lines, indent + 3) if any(line.strip() for line in lines) \
        else [" " * (indent + 3) + "(no definition)"]
    return [" " * indent + term_line(term), *body]


def term_line(term: str) -> str:
    """A term written into a ``glossary`` directive: escaped reST on one line."""
    return rst.escape_line(term).replace(" : ", " \\: ") or "\\ "


def plain_term(term: str) -> str:
    """A term of the glossary file as readers see it: reST escapes dropped, white space
    collapsed (what terms are compared by)."""
    text = re.sub(r"\\(.)", lambda m: "" if m[1].isspace() else m[1], term)
    return " ".join(text.split())


def glossary_spellings(glossary_path: Path) -> dict[str, str]:
    """The terms of the shared glossary as spelt there (as readers see them), by lower-case
    term; empty when the file or its glossary directive is missing."""
    try:
        lines = glossary_path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    start = next((i for i, line in enumerate(lines) if GLOSSARY_DIRECTIVE.match(line)), None)
    if start is None:
        return {}
    plain = (plain_term(entry.term) for entry in _parse(lines, start)[3])
    return {term.lower(): term for term in plain}


def merge_terms(glossary_path: Path, terms: list[tuple[str, str]]) -> MergeReport:
    """Insert ``terms`` ((term, definition as reST)) into the sorted glossary of
    ``glossary_path``, in case-insensitive order; an existing term (any letter case) is never
    added twice. The file is replaced atomically."""
    report, text = plan_merge(glossary_path, terms)
    if text is not None:
        write_atomic(glossary_path, text)
    return report


def plan_merge(glossary_path: Path,
               terms: list[tuple[str, str]]) -> tuple[MergeReport, str | None]:
    """What :func:`merge_terms` would do: its report and the glossary's new text (None when
    no term is added), without writing anything."""
    try:
        text = glossary_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{glossary_path}: cannot read the glossary ({exc.strerror})") from None
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if GLOSSARY_DIRECTIVE.match(line)), None)
    if start is None:
        raise UsageError(f"{glossary_path}: no '.. glossary::' directive to add terms to")
    begin, end, indent, entries = _parse(lines, start)
    known = {plain_term(entry.term).lower(): entry for entry in entries}
    report = MergeReport()
    for term, definition in terms:
        term = " ".join(term.split())
        if not term:
            continue
        existing = known.get(term.lower())
        offered = " ".join(definition.split())
        if existing is None:
            entry = _Entry(term_line(term), _format(term, definition, indent))
            known[term.lower()] = entry
            entries.append(entry)
            report.added.append(term)
        elif existing.definition() != offered:
            report.differing.append((plain_term(existing.term), existing.definition(), offered))
        else:
            report.unchanged.append(plain_term(existing.term))
    if not report.added:
        return report, None
    entries.sort(key=lambda entry: plain_term(entry.term).lower())
    # Directive options stay right under the directive line, where docutils expects them.
    options = [line for line in lines[begin:end]
               if line.strip().startswith(":") and _indent(line) == indent]
    body: list[str] = [*options, ""]
    for entry in entries:
        while entry.lines and not entry.lines[-1].strip():
            entry.lines.pop()
        body += [*entry.lines, ""]
    new_lines = [*lines[: start + 1], *body[:-1], *lines[end:]]
    return report, "\n".join(new_lines) + "\n"
