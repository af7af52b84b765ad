"""A quick screen that clears most stubs without parsing them (see :mod:`.stub_check`).

docutils recognises a directive only where ``.. name::`` stands on one line, a role only
where ``:name:`` touches a backtick, and makes a link only of an address it sees: a known
scheme followed by a colon in text, an address between ``<`` and ``>``, or a hyperlink
target. A stub in which none of these appears with a name outside the importer's vocabulary
(or a scheme outside the allowed ones), whose allowed directives stand alone at the start of
their line with only the options the converter writes, holds nothing the full check could
refuse. Anything else, even a harmless look-alike, goes to the full check.

What docutils never reads as markup is not screened: the content of a literal directive (a
``code-block`` standing after a blank line, its content after the first blank line of its
block) and, when looking for addresses in text, the rest of an embedded link target whose
scheme was already judged.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from ..core.blocks import block_end, indent
from ..core.vocabulary import (
    DIRECTIVES,
    IMAGE_DIRECTIVES,
    LITERAL_DIRECTIVES,
    ROLES,
    is_web_address,
)
from ..rst import unlinked_colons

_SPACE = r"[^\S\n]"
_DIRECTIVE = re.compile(
    rf"\.\.{_SPACE}+(?P<sub>\|[^|\n]*\|{_SPACE}+)?(?P<name>\S+?){_SPACE}*::(?={_SPACE}|$)",
    re.M)
_STANDARD = re.compile(rf"^{_SPACE}*$")  # what may stand before a directive on its line
_OPTION = re.compile(rf"^{_SPACE}*:(?P<name>[^:\n]+):(?:{_SPACE}|$)")
_ROLE = re.compile(r":(?P<name>[^\s:`]+(?::[^\s:`]+)*):`")
_SUFFIX_ROLE = re.compile(r"`:[^\s:`]+:")
_EMBEDDED = re.compile(r"<(?P<scheme>[^<>:]*):")  # docutils joins an address's lines
_TARGET = re.compile(
    rf"^{_SPACE}*(?:\.\.{_SPACE}+_(?:[^:\\\n]|\\.)*:{_SPACE}*(?:\S|\n{_SPACE}+\S)|__{_SPACE})",
    re.M)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def needs_full_check(text: str, link_schemes: Collection[str]) -> bool:
    """True unless ``text`` clearly holds only what the converter writes."""
    allowed = frozenset(link_schemes)
    text = without_literal_content(text)
    if any(_role_suspect(m["name"]) for m in _ROLE.finditer(text)):
        return True
    if _SUFFIX_ROLE.search(text) or _TARGET.search(text):
        return True
    if _standalone(_EMBEDDED_TARGET.sub("<>`_", text), allowed):
        return True
    if any(_embedded_suspect(m["scheme"], allowed) for m in _EMBEDDED.finditer(text)):
        return True
    lines = text.split("\n")
    return any(_directive_suspect(match, text, lines, number)
               for match, number in _numbered(_DIRECTIVE, text))


def _numbered(pattern: re.Pattern[str], text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each match of ``pattern`` in ``text`` with the number (from 0) of its line."""
    line, counted = 0, 0
    for match in pattern.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        yield match, line


_LITERAL_DIRECTIVE = re.compile(
    rf"^(?P<indent> *)\.\. +(?:{'|'.join(map(re.escape, sorted(LITERAL_DIRECTIVES)))})::(?: |$)",
    re.M)
# An embedded target ("`text <http://x/File:y>`__"): docutils takes it whole, so a colon after
# its scheme (which _EMBEDDED judges) starts no address.
_EMBEDDED_TARGET = re.compile(r"<[^<>\s`\\]*>`_")


def without_literal_content(text: str) -> str:
    """``text`` with the content of its literal directives blanked (see the module). Only a
    directive after a blank line (or first) counts: right under a paragraph line it is that
    paragraph's text, and what is indented below it is read."""
    if "\t" in text or not _LITERAL_DIRECTIVE.search(text):  # tab stops: not followed here
        return text
    lines = text.split("\n")
    for match, line in _numbered(_LITERAL_DIRECTIVE, text):
        if line and lines[line - 1].strip():
            continue
        base = len(match["indent"])
        start = line + 1
        while start < len(lines) and lines[start].strip() and indent(lines[start]) > base:
            start += 1  # its arguments and options, up to a blank line
        if start < len(lines) and not lines[start].strip():
            end = block_end(lines, start, base)
            lines[start:end] = [""] * (end - start)
    return "\n".join(lines)


def _standalone(text: str, allowed: frozenset[str]) -> bool:
    """A scheme docutils knows, not allowed, right before a colon it would link from (as
    :func:`docscenter.rst.escape_schemes` sees them)."""
    return next(unlinked_colons(text, allowed), None) is not None


def _embedded_suspect(scheme: str, allowed: frozenset[str]) -> bool:
    """An address in ``<...>`` whose scheme (white space dropped, as docutils and browsers
    drop it) is not allowed; text that is no scheme makes a relative address."""
    joined = "".join(scheme.split()).lower()
    return _SCHEME.fullmatch(joined) is not None and joined not in allowed


def _role_suspect(chain: str) -> bool:
    parts = chain.lower().split(":")
    # docutils may read the role from any colon of the chain on.
    return any(":".join(parts[i:]) not in ROLES for i in range(len(parts)))


def _directive_suspect(match: re.Match[str], text: str, lines: list[str], number: int) -> bool:
    """Whether the directive ``match`` found (on line ``number``, from 0) needs the full
    check."""
    name = match["name"].lower()
    start = text.rfind("\n", 0, match.start()) + 1
    if name not in DIRECTIVES or match["sub"] or not _STANDARD.match(text[start:match.start()]):
        return True
    first = lines[number][match.end() - start:]
    # docutils reads options from the directive's own line too (".. note:: :alt: x").
    option = _OPTION.match(first)
    if option is not None and option["name"].strip().lower() not in DIRECTIVES[name]:
        return True
    argument = [first.strip()]
    for line in lines[number + 1:]:
        if not line.strip():
            break
        option = _OPTION.match(line)
        if option is None:
            argument.append(line.strip())
        elif option["name"].strip().lower() not in DIRECTIVES[name]:
            return True
    return name in IMAGE_DIRECTIVES and not is_web_address("".join(argument))
