"""A fast text scan for the markup of an imported page that the importer never writes (see
:mod:`.vocabulary`): directives (also after a list, field or table-cell marker, and in
substitution definitions), their options and image arguments, and roles, each with its line.

It is what ``docscenter check`` and the commit hook judge an untouched imported page by,
without docutils; literal text (literal blocks, literal directives' content, comments,
inline literals) is skipped. The build and the importer look up every directive and role as
docutils parses the page instead, which is exact; on pages the importer wrote, both agree.
"""

from __future__ import annotations

import re

from .blocks import block_end, indent
from .vocabulary import LITERAL_DIRECTIVES, Markup, directive_markup, role_markup

#: At most this many pieces of markup are noted per page.
LIMIT = 100

_NAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"  # docutils' simple names
# What may stand before a directive on its line: list, enumerator, field and table markers,
# a footnote label, a substitution definition's name.
_PREFIX = (r"(?:[-*+\u2022\u2023\u2043]\s+|#\.\s+|\(?\w{1,9}[.)]\s+|:[^:\n]+:\s+|\|\s*"
           r"|\.\.\s+\[[^\]\n]+\]\s+)*")
_DIRECTIVE = re.compile(
    rf"^(?P<indent>\s*){_PREFIX}\.\.\s+(?:\|[^|\n]+\|\s+)?(?P<name>{_NAME})\s?::(?P<arg>\s.*|$)")
_CELL_DIRECTIVE = re.compile(rf"\|\s*\.\.\s+(?P<name>{_NAME})\s?::(?P<arg>\s.*?|$)(?=\||$)")
_OPTION = re.compile(r"^\s+:(?P<name>[^:\s][^:\n]*?):(?:\s|$)")
# A comment: ".." not followed by a target, a footnote or citation label, a substitution.
_COMMENT = re.compile(r"^(\s*)\.\.(?:\s++(?![_\[|])|$)")
_ROLE = re.compile(rf"(?<![\\\w]):(?P<name>{_NAME}):`(?P<text>[^`]*)`?"
                   rf"|(?<!\\)`(?P<before>[^`]*)`:(?P<suffix>{_NAME}):(?![\w`])")
_INLINE_LITERAL = re.compile(r"``.+?``", re.DOTALL)
# Directives whose content is not reST.
_LITERAL = LITERAL_DIRECTIVES | {"code", "sourcecode", "raw", "math", "literalinclude"}


def _options(lines: list[str], start: int, base: int) -> list[str]:
    """The option names right under a directive line (its field list, up to a blank line)."""
    names = []
    for line in lines[start:]:
        option = _OPTION.match(line)
        if not line.strip() or indent(line) <= base or option is None:
            break
        names.append(option["name"].strip())
    return names


class _Scan:
    """One page: its lines, the prose left for the role scan, what was found."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.prose = list(self.lines)
        self.found: list[Markup] = []

    def blank(self, start: int, end: int) -> None:
        self.prose[start:end] = [""] * (end - start)

    def directive(self, index: int, name: str, argument: str, base: int) -> None:
        options = _options(self.lines, index + 1, base)
        self.found += directive_markup(name, options, argument.strip(), index + 1)
        # The argument may be text with roles (an admonition's first line, a title).
        self.prose[index] = argument

    def walk(self) -> None:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            match = _DIRECTIVE.match(line)
            if match:
                base = len(match["indent"])
                self.directive(index, match["name"], match["arg"], base)
                if match["name"].lower() not in _LITERAL:
                    index += 1
                    continue
                end = block_end(self.lines, index + 1, base)
                self.blank(index, end)
                index = end
                continue
            if line.lstrip()[:1] in "|+":
                for cell in _CELL_DIRECTIVE.finditer(line):
                    self.found += directive_markup(cell["name"], [], cell["arg"].strip(),
                                                   index + 1)
            comment = _COMMENT.match(line)
            literal = line.rstrip().endswith("::")
            if comment or literal:
                base = indent(line)
                end = block_end(self.lines, index + 1, base)
                self.blank(index if comment else index + 1, end)
                index = max(end, index + 1)
                continue
            index += 1

    def roles(self) -> None:
        body = "\n".join(self.prose)
        body = _INLINE_LITERAL.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), body)
        for match in _ROLE.finditer(body):
            line = body.count("\n", 0, match.start()) + 1
            self.found += role_markup(match["name"] or match["suffix"], line,
                                      match["text"] if match["name"] else match["before"])
            if len(self.found) >= LIMIT:
                return


def foreign_markup(text: str) -> list[Markup]:
    """The markup of ``text`` that the importer never writes, in the order found (directives
    and options first, then roles), at most :data:`LIMIT` pieces."""
    scan = _Scan(text)
    scan.walk()
    scan.roles()
    return scan.found[:LIMIT]
