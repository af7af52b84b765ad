"""The importer's vocabulary: every directive, directive option and role the wiki converter
can write, and nothing else.

An imported page still exactly as imported (its provenance hash matches) may use only these:
the importer refuses to write a stub that holds anything else, and ``docscenter check`` and
the build report it (``docscenter.stub_markup``), the build showing it as text. A page a
writer has edited is reviewed content and may use any markup.

The sets are derived from the converter (``tests/wiki/test_vocabulary.py`` holds them to what
its modules write, and every converter fixture to them); this module is the one place they
are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

_ADMONITIONS = ("note", "warning", "tip", "important", "caution", "danger", "attention",
                "hint", "error", "seealso")
_METHODS = ("get", "put", "post", "delete", "patch", "head")

#: Directive -> the options the converter writes with it.
DIRECTIVES: Mapping[str, frozenset[str]] = MappingProxyType({
    "code-block": frozenset(),  # <pre>, <source>, leading-space lines
    # [[File:...]], <gallery>: the image is an http(s) URL or a file the import placed
    "figure": frozenset({"alt"}),
    "table": frozenset(),  # a grid table with a caption
    "list-table": frozenset({"header-rows"}),
    "rubric": frozenset(),  # a heading where no section may open
    "admonition": frozenset(),  # templates mapped to a titled box, unknown templates
    **{name: frozenset() for name in _ADMONITIONS},  # templates mapped to admonitions
    **{f"http:{method}": frozenset({"noindex"}) for method in _METHODS},  # endpoints
})

#: Roles the converter writes (links between pages and sections, glossary terms, <sub>,
#: <sup>, literals holding a backtick).
ROLES: frozenset[str] = frozenset({"doc", "ref", "term", "sub", "sup", "literal"})

#: Directives whose argument names an image: the converter writes only the wiki's http(s)
#: address there, or a file the import placed in the service's ``_files`` folder, never any
#: other file of the machine that builds.
IMAGE_DIRECTIVES: frozenset[str] = frozenset({"figure"})

#: The role that links a file: written only for a file the import placed.
DOWNLOAD_ROLE = "download"

#: Where the import places a service's wiki files (images, attachments), in its folder.
FILES_FOLDER = "_files"
#: The names it gives them: a lower-case slug and one extension, never hidden, never a path.
SAFE_FILE_NAME = r"[a-z0-9][a-z0-9-]*\.[a-z0-9]+"

# A file the import placed, as a page of the service refers to it: ``_files/<safe name>``
# from the service's folder, ``../_files/<safe name>`` from its wiki/ folder.
_IMPORTED_FILE = re.compile(rf"\A(?:\.\./){{0,2}}{FILES_FOLDER}/{SAFE_FILE_NAME}\Z")

#: Directives whose content is literal text, never reST.
LITERAL_DIRECTIVES: frozenset[str] = frozenset({"code-block"})


class Markup(NamedTuple):
    """A piece of markup outside the vocabulary, where a page uses it."""

    kind: str  # "directive", "option", "role", "image", "link" or "nesting"
    # "include"; "figure:target" for an option; "download"; "figure" for an image; the scheme
    # of a link ("javascript")
    name: str
    line: int | None  # 1-based, in the file


def directive_markup(name: str, options: list[str], argument: str,
                     line: int | None) -> list[Markup]:
    """What a directive written as ``.. name:: argument`` with ``options`` uses that the
    converter never writes (nothing when it could have written it)."""
    name = name.lower()
    if name not in DIRECTIVES:
        return [Markup("directive", name, line)]
    found = [Markup("option", f"{name}:{option.lower()}", line) for option in options
             if option.lower() not in DIRECTIVES[name]]
    if name in IMAGE_DIRECTIVES and not is_web_address(argument) \
            and not is_imported_file(argument):
        found.append(Markup("image", name, line))
    return found


def role_markup(name: str, line: int | None, text: str | None = None) -> list[Markup]:
    """The role ``name`` (holding ``text``, when known) when the converter never writes it:
    ``:download:`` only of a file the import placed."""
    name = name.lower()
    if name in ROLES or (name == DOWNLOAD_ROLE and text is not None
                         and is_imported_file(role_target(text))):
        return []
    return [Markup("role", name, line)]


def role_target(text: str) -> str:
    """The target of a role's text: ``title <target>`` or ``target``."""
    text = text.strip()
    if text.endswith(">") and "<" in text:
        return text[text.rindex("<") + 1:-1]
    return text


def is_imported_file(target: str) -> bool:
    """True for a file the import placed in the service's ``_files`` folder."""
    return bool(_IMPORTED_FILE.match("".join(target.split())))


def is_web_address(argument: str) -> bool:
    """True for an absolute http(s) address, the only image the converter points at."""
    text = "".join(argument.split()).lower()
    return text.startswith(("http://", "https://")) and len(text) > len("https://")


def describe(markup: Markup) -> str:
    """``markup`` in words, for a finding or a report line."""
    if markup.kind == "option":
        directive, _, option = markup.name.rpartition(":")
        return f"the option :{option}: of the directive {directive!r}"
    if markup.kind == "image":
        return f"a {markup.name} showing a file rather than a web address"
    if markup.kind == "link":
        return f"a link to a {markup.name}: address"
    if markup.kind == "nesting":
        return "blocks nested too deep to read"
    return f"the {markup.kind} {markup.name!r}"


def role_line(lines: list[str], start: int | None, name: str) -> int | None:
    """The line of ``:name:`` at or after line ``start`` (1-based) of ``lines``: docutils
    gives a role the first line of its paragraph."""
    if start is None:
        return None
    needle = f":{name}:"
    for number in range(max(start, 1), min(len(lines), start + 10_000) + 1):
        if needle in lines[number - 1].lower():
            return number
    return start
