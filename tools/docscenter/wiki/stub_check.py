"""The importer's last look at a stub before writing it: docutils parses it with every
directive and role lookup recorded (as Sphinx dispatches them), nothing ever run, and
anything outside the converter's vocabulary (:mod:`docscenter.core.vocabulary`) or any link
with a scheme the center does not allow means the stub is refused, not written.

The converter escapes everything it takes from a wiki; this check is what keeps one
converter bug from publishing a file or a script. A quick screen (:mod:`.stub_screen`)
clears the stubs that cannot hold anything to refuse, so most are never parsed.
"""

from __future__ import annotations

import copy
import functools
import io
import warnings
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from docutils import frontend, nodes
from docutils.frontend import Values
from docutils.parsers.rst import Directive, Parser, directives, roles
from docutils.utils import new_document

from ..core.markup_scan import LIMIT
from ..core.vocabulary import (
    DIRECTIVES,
    LITERAL_DIRECTIVES,
    Markup,
    directive_markup,
    role_line,
    role_markup,
)
from .stub_screen import needs_full_check

_PARSER = Parser()


@functools.cache
def _default_settings() -> Values:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # docutils' optparse front end
        settings = frontend.get_default_settings(Parser)
    settings.report_level = settings.halt_level = 5
    # Nothing is ever read or run: every directive below is a probe. These stay off anyway.
    settings.file_insertion_enabled = settings.raw_enabled = False
    return settings


def _parse(text: str) -> nodes.document:
    """The doctree of ``text`` as the reST parser makes it (no transforms: what is judged is
    there after parsing)."""
    settings = copy.copy(_default_settings())
    settings.warning_stream = io.StringIO()
    document = new_document("<stub>", settings)
    _PARSER.parse(text, document)
    return document


class _AnyOption(dict[str, Callable[[str], Any]]):
    """An option spec accepting every option, so each one is seen and judged."""

    def __missing__(self, key: str) -> Callable[[str], Any]:
        return directives.unchanged


class _Recorder:
    """The lookups of one parse."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.found: list[Markup] = []

    def note(self, markup: list[Markup]) -> None:
        if len(self.found) < LIMIT:
            self.found.extend(markup)

    def directive(self, name: str, language: Any, document: Any) -> tuple[type[Directive],
                                                                          list[Any]]:
        return _probe(self), []

    def role(self, name: str, language: Any, lineno: int, reporter: Any) -> tuple[Any,
                                                                                list[Any]]:
        if not name:
            return None, []  # the default role: docutils' own, harmless cite

        def probe(role: str, rawtext: str, text: str, line: int, inliner: Any,
                  options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[Any]]:
            self.note(role_markup(role, role_line(self.lines, line, role), text))
            return [nodes.Text(text)], []

        return probe, []


def _probe(recorder: _Recorder) -> type[Directive]:
    """A directive that notes how it is used and, when the converter writes it, parses its
    argument and content as the real directive would, to look at what they hold."""

    class Probe(Directive):
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec = _AnyOption(name=directives.unchanged)

        def run(self) -> list[nodes.Node]:
            argument = self.arguments[0] if self.arguments else ""
            found = directive_markup(self.name, list(self.options), argument, self.lineno)
            recorder.note(found)
            name = self.name.lower()
            if found or name not in DIRECTIVES or name in LITERAL_DIRECTIVES:
                return []
            node = nodes.container()
            if argument and not name.startswith("http:") and name != "figure":
                node += self.state.inline_text(argument, self.lineno)[0]
            self.state.nested_parse(self.content, self.content_offset, node)
            return [node]

    return Probe


@contextmanager
def _recording(recorder: _Recorder) -> Iterator[None]:
    saved = directives.directive, roles.role
    directives.directive = recorder.directive  # type: ignore[assignment]
    roles.role = recorder.role  # type: ignore[assignment]
    try:
        yield
    finally:
        directives.directive, roles.role = saved


def _scheme(uri: str) -> str | None:
    head, colon, _rest = "".join(uri.split()).partition(":")
    if not colon or not head[:1].isalpha() or not all(c.isalnum() or c in "+.-" for c in head):
        return None
    return head.lower()


def _line(node: nodes.Node) -> int | None:
    current: nodes.Node | None = node
    while current is not None and not current.line:
        current = current.parent
    return current.line if current is not None else None


def foreign_markup(text: str, link_schemes: Collection[str]) -> list[Markup]:
    """What the stub ``text`` uses that the converter never writes: directives, options,
    roles, images of files, and links whose scheme is not in ``link_schemes`` (kind
    ``link``, named by the scheme). Most stubs are cleared by a quick screen first
    (:mod:`.stub_screen`); the others are parsed."""
    if not needs_full_check(text, link_schemes):
        return []
    return parsed_markup(text, link_schemes)


def parsed_markup(text: str, link_schemes: Collection[str]) -> list[Markup]:
    """:func:`foreign_markup` by a full parse, without the screen."""
    recorder = _Recorder(text)
    try:
        with _recording(recorder):
            doctree = _parse(text)
    except RecursionError:  # the converter's limits keep its pages far from this
        return [Markup("nesting", "too deep", None)]
    for node in doctree.findall(nodes.Element):
        uri = node.get("refuri")
        scheme = _scheme(uri) if isinstance(uri, str) else None
        if scheme is not None and scheme not in link_schemes:
            recorder.note([Markup("link", scheme, _line(node))])
    return recorder.found[:LIMIT]
