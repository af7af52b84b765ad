"""Shared helpers for converter tests: fixture cases, a docutils parser with Sphinx stand-ins."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.directives.admonitions import BaseAdmonition
from docutils.parsers.rst.directives.body import CodeBlock

from docscenter.core.vocabulary import FILES_FOLDER
from docscenter.wiki.convert import (
    ConvertOptions,
    PageRef,
    convert_page,
    heading_anchors,
    normalise_title,
)
from docscenter.wiki.file_names import file_key, file_kind, local_name
from docscenter.wiki.options import LocalFile

CASES = Path(__file__).parent / "cases"
WIKI_URL = "https://wiki.example.org/wiki/$1"

# Pages the fixtures may link to; the build test writes them next to the cases.
SIBLINGS = {
    "Storage API": ("/wiki/storage-api", "storage-api", "== Overview ==\nx\n== Error codes ==\ny"),
    "Auth": ("/wiki/auth", "auth", "Tokens."),
}


# The imported pages every fixture may link to: only the siblings.
PAGES = {title: PageRef(docname, label, heading_anchors(text))
         for title, (docname, label, text) in SIBLINGS.items()}


# The siblings are pages of the import: a fixture may transclude them ("{{:Auth}}").
TRANSCLUSIONS = {normalise_title(title): text for title, (_d, _l, text) in SIBLINGS.items()}


def sibling_pages() -> dict[str, str]:
    """docname (without leading slash) -> reST of the sibling pages."""
    return {
        docname.lstrip("/"): convert_page(text, title, ConvertOptions(label=label)).rst
        for title, (docname, label, text) in SIBLINGS.items()
    }


@dataclass
class Case:
    """One ``.mwtest`` fixture."""

    name: str
    wikitext: str
    rst: str
    options: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "case-" + self.name

    def local_files(self) -> dict[str, str]:
        """The files the case says the importer placed: wiki name -> name in ``_files``."""
        taken: set[str] = set()
        names = [file_key(n) for n in self.options.get("files", "").split(",") if n.strip()]
        return {name: local_name(name, taken) for name in names}

    def convert_options(self) -> ConvertOptions:
        wiki_url = self.options.get("wiki_url", WIKI_URL) or None
        files = {name: LocalFile(f"../{FILES_FOLDER}/{local}", file_kind(name) == "image")
                 for name, local in self.local_files().items()}
        return ConvertOptions(label=self.label, pages=PAGES, wiki_url=wiki_url, files=files,
                              transclusions=TRANSCLUSIONS)


class FixtureError(ValueError):
    """A fixture file that does not say what its test needs (a typo would make it vacuous)."""


def read_sections(path: Path, allowed: set[str], required: set[str]) -> dict[str, str]:
    """The ``--- <section>`` sections of a fixture file, by name. Before the first section
    only ``#`` comment lines may stand; an unknown, repeated or missing section fails."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith("--- "):
            name = line[4:].strip()
            if name not in allowed:
                raise FixtureError(f"{path.name}:{number}: unknown section {name!r} "
                                   f"(known: {', '.join(sorted(allowed))})")
            if name in sections:
                raise FixtureError(f"{path.name}:{number}: section {name!r} repeated")
            current = sections[name] = []
        elif current is not None:
            current.append(line)
        elif line.strip() and not line.startswith("#"):
            raise FixtureError(f"{path.name}:{number}: text before the first section")
    missing = required - set(sections)
    if missing:
        raise FixtureError(f"{path.name}: missing section {', '.join(sorted(missing))}")
    return {name: "\n".join(lines) for name, lines in sections.items()}


CASE_SECTIONS = {"name", "options", "wikitext", "rst", "meta"}
CASE_OPTIONS = {"page", "wiki_url", "files"}
CASE_META = {"redirect", "categories", "images", "glossary", "unknown", "title"}


def load_case(path: Path) -> Case:
    """Parse a fixture: sections start with ``--- <section>`` lines (see test_convert.py)."""
    text = {k: v.strip("\n") for k, v in
            read_sections(path, CASE_SECTIONS, {"name", "wikitext", "rst"}).items()}

    def pairs(name: str, known: set[str]) -> dict[str, str]:
        out = {}
        for line in text.get(name, "").splitlines():
            if line.strip():
                key, colon, value = line.partition(":")
                if not colon or key.strip() not in known:
                    raise FixtureError(f"{path.name}: {name}: {line.strip()!r} is not one of "
                                       f"{', '.join(sorted(known))} followed by ':'")
                out[key.strip()] = value.strip()
        return out

    return Case(path.stem, text["wikitext"], text["rst"], pairs("options", CASE_OPTIONS),
                pairs("meta", CASE_META))


def load_endpoint_case(path: Path) -> dict[str, str]:
    """An endpoint fixture (see test_endpoints.py): ``# comment`` lines, then the wikitext,
    the expected directives and, optionally, the text left around them."""
    return read_sections(path, {"wikitext", "rst", "remainder"}, {"wikitext", "rst"})


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES.glob("*.mwtest"))]


# -- docutils with Sphinx stand-ins -----------------------------------------------------------


class _SeeAlso(BaseAdmonition):
    node_class = nodes.admonition

    def run(self):  # type: ignore[no-untyped-def]
        self.arguments = ["See also"]
        self.options["class"] = ["seealso"]
        return super().run()


_SeeAlso.required_arguments = 0


def _xref(name, rawtext, text, lineno, inliner, options=None, content=None):  # type: ignore[no-untyped-def]
    return [nodes.reference(rawtext, text, refuri="#xref")], []


class _HttpStandIn(Directive):
    """Stands in for sphinxcontrib-httpdomain's http:<method> directives."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = None

    def run(self):  # type: ignore[no-untyped-def]
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


@contextmanager
def _sphinx_stand_ins() -> Iterator[None]:
    """Register the stand-ins only while parsing, so Sphinx builds in this process see none."""
    saved = dict(directives._directives), dict(roles._roles)
    for method in ("get", "head", "post", "put", "delete", "patch", "options", "trace"):
        directives.register_directive(f"http:{method}", _HttpStandIn)
    directives.register_directive("code-block", CodeBlock)
    directives.register_directive("seealso", _SeeAlso)
    roles.register_local_role("doc", _xref)
    roles.register_local_role("ref", _xref)
    roles.register_local_role("download", _xref)
    try:
        yield
    finally:
        directives._directives.clear()
        directives._directives.update(saved[0])
        roles._roles.clear()
        roles._roles.update(saved[1])


def parse_rst(text: str) -> tuple[nodes.document, list[str]]:
    """Parse reST with plain docutils; return the doctree and its warnings and errors."""
    stream = io.StringIO()
    with _sphinx_stand_ins():
        doctree = _publish(text, stream)
    # INFO messages (duplicate implicit titles) are not shown by Sphinx; level 2+ are.
    messages = [m.astext() for m in doctree.findall(nodes.system_message) if m["level"] >= 2]
    return doctree, messages


def _publish(text: str, stream: io.StringIO) -> nodes.document:
    return publish_doctree(
        text,
        settings_overrides={
            "report_level": 1,
            "halt_level": 5,
            "warning_stream": stream,
            "file_insertion_enabled": True,
            "raw_enabled": True,
        },
    )


def _safe_uri(uri: str) -> bool:
    """A link target a center publishes: relative, or http, https or mailto."""
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", "".join(uri.split()))
    return scheme is None or scheme[1].lower() in ("http", "https", "mailto")


def unsafe_nodes(doctree: nodes.document, label: str) -> list[str]:
    """Nodes that only wiki content could have produced: raw, substitutions, foreign targets,
    links with a scheme other than http, https or mailto."""
    found = []
    for node in doctree.findall(nodes.Element):
        if isinstance(node, nodes.raw | nodes.substitution_definition |
                      nodes.substitution_reference | nodes.citation | nodes.problematic):
            found.append(node.tagname)
        elif isinstance(node, nodes.target):
            names = node.get("names", [])
            if node.get("refuri") or not all(n.startswith(label) for n in names):
                found.append(f"target {names} {node.get('refuri')}")
        elif isinstance(node, nodes.reference) and not _safe_uri(node.get("refuri", "")):
            found.append(f"reference {node.get('refuri')!r}")
        elif isinstance(node, nodes.footnote) and not all(
            n.startswith("ref-") for n in node.get("names", [])
        ):
            found.append("footnote " + str(node.get("names")))
    return found
