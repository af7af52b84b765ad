"""Imported pages still exactly as imported are held to the importer's vocabulary while Sphinx
reads them (:mod:`docscenter.core.vocabulary`).

For such a page, the directive and role lookups Sphinx makes are watched (Sphinx itself
replaces docutils' lookups the same way while it reads a document, and puts them back
afterwards): a directive, option, role or image the importer never writes is not run. The
directive shows its text as a literal block, the role its text; the page's facts note it,
and the ``stub_markup`` rule reports it once every document is read. A page a writer has
edited is read as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from sphinx.application import Sphinx

from ..core.markup_scan import LIMIT
from ..core.provenance import is_pristine
from ..core.vocabulary import (
    DIRECTIVES,
    Markup,
    directive_markup,
    role_line,
    role_markup,
)
from .index import page_facts

Lookup = Callable[..., tuple[Any, list[Any]]]


class _Watch:
    """The lookups of one imported page, and where its facts are noted."""

    def __init__(self, text: str, found: list[Markup], directive: Lookup,
                 role: Lookup) -> None:
        self.lines = text.splitlines()
        self.found = found
        self.directive_lookup, self.role_lookup = directive, role

    def note(self, markup: list[Markup]) -> None:
        if len(self.found) < LIMIT:
            self.found.extend(markup)

    def directive(self, name: str, language: Any, document: Any) -> tuple[Any, list[Any]]:
        if name.lower() not in DIRECTIVES:
            return _refused(self, None), []  # never looked up, so never run
        found, messages = self.directive_lookup(name, language, document)
        return (_refused(self, found) if found is not None else None), messages

    def role(self, name: str, language: Any, lineno: int, reporter: Any) -> tuple[Any,
                                                                                list[Any]]:
        if not name or not role_markup(name, None):
            # The default role, or one the importer writes.
            return self.role_lookup(name, language, lineno, reporter)

        def refused(role: str, rawtext: str, text: str, line: int, inliner: Any,
                    options: Any = None, content: Any = None) -> tuple[list[nodes.Node],
                                                                       list[Any]]:
            found = role_markup(role, role_line(self.lines, line, role), text)
            if not found:  # a download of a file the import placed
                real, _ = self.role_lookup(name, language, lineno, reporter)
                if real is not None:
                    made: tuple[list[nodes.Node], list[Any]] = real(
                        role, rawtext, text, line, inliner, options or {}, content or [])
                    return made
            self.note(found)
            return [nodes.literal(rawtext, rawtext)], []

        return refused, []


def _refused(watch: _Watch, real: type[Directive] | None) -> type[Directive]:
    """A directive that runs ``real`` only as the importer writes it; anything else (or any
    directive when ``real`` is None) is noted and shown as its text."""
    base: type[Directive] = real or Directive

    class Watched(base):  # type: ignore[valid-type,misc]
        if real is None:
            optional_arguments = 1
            final_argument_whitespace = True
            has_content = True
            option_spec = None

        def run(self) -> list[nodes.Node]:
            argument = " ".join(self.arguments) if self.arguments else ""
            found = directive_markup(self.name, list(self.options or ()), argument,
                                     self.lineno)
            if real is not None and not found:
                return list(super().run())
            watch.note(found or [Markup("directive", self.name.lower(), self.lineno)])
            text = "\n".join(self.block_text.splitlines())
            return [nodes.literal_block(text, text)]

    return Watched


def watch_imported_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: on an imported page still as imported, watch the lookups."""
    facts = page_facts(app.env, docname)
    facts.foreign_markup = []
    if not is_pristine(source[0]):
        return
    watch = _Watch(source[0], facts.foreign_markup, directives.directive, roles.role)
    # Sphinx puts its own lookups back once the document is read.
    directives.directive = watch.directive  # type: ignore[assignment]
    roles.role = watch.role  # type: ignore[assignment]


def setup_stub_guard(app: Sphinx) -> None:
    """Watch imported pages as they are read."""
    app.connect("source-read", watch_imported_page)
