"""The center index built from what Sphinx reads, so the rules need no second look at the
sources: each document's facts are noted as it is read (its source text at ``source-read``,
its doctree at ``doctree-read``, merged after parallel reads), and the index is assembled once
every document is read (``env-updated``)."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.conflicts import conflict_lines
from ..core.index import CenterIndex, PageFacts
from ..core.provenance import is_pristine, template_fingerprint, wiki_source, wiki_title
from ..core.rst_scan import placeholder_lines
from ..indexing import manifest_facts
from .domain import get_domain
from .partial import partial_build
from .state import build_state


def page_facts(env: BuildEnvironment, docname: str) -> PageFacts:
    """The facts of ``docname`` noted so far in this build (made on first use)."""
    pages = get_domain(env).pages
    if docname not in pages:
        pages[docname] = PageFacts(env.doc2path(docname, False).as_posix())
    return pages[docname]


def line_of(node: nodes.Node) -> int | None:
    """The line of ``node``, or of the nearest enclosing node that knows it."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line:
            return current.line
        current = current.parent
    return None


def exact_line(node: nodes.Element) -> int | None:
    """The line ``node`` is on. A role knows only the first line of its paragraph: count the
    line breaks of the paragraph's text before it."""
    block = node.parent
    while block is not None and not isinstance(block, nodes.paragraph):
        block = block.parent
    if block is None or not block.line:
        return line_of(node)
    breaks = 0
    for inner in block.findall(include_self=False):
        if inner is node:
            return block.line + breaks
        if isinstance(inner, nodes.Text):
            breaks += inner.astext().count("\n")
    return line_of(node)


def note_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: what only the text tells: placeholders and whether it is a stub."""
    facts = page_facts(app.env, docname)
    text = source[0]
    facts.placeholders = placeholder_lines(text)
    facts.imported_stub = is_pristine(text)
    facts.wiki_title, facts.wiki_title_exact = wiki_title(text)
    facts.conflicts = conflict_lines(text)
    facts.fingerprint = template_fingerprint(text)
    facts.wiki_source = wiki_source(text)


def note_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: section titles, glossary terms and ``:term:`` references."""
    facts = page_facts(app.env, app.env.docname)
    # A title's line is that of its underline; the scan of the text names the title's own.
    facts.sections = [(" ".join(title.astext().split()), title.line - 1 if title.line else None)
                      for section in doctree.findall(nodes.section)
                      if isinstance(title := section[0], nodes.title)]
    # Sphinx numbers glossary terms from 0.
    facts.terms = [(" ".join(term.astext().split()),
                    term.line + 1 if term.line is not None else None)
                   for glossary in doctree.findall(addnodes.glossary)
                   for term in glossary.findall(nodes.term)]
    facts.links = [str(ref["refuri"]) for ref in doctree.findall(nodes.reference)
                   if str(ref.get("refuri", "")).startswith(("http://", "https://"))]
    facts.refs = []
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") == "std" and node.get("reftype") == "term":
            node.line = exact_line(node)  # Sphinx's warning about it names this line too
            facts.refs.append((" ".join(node["reftarget"].split()), node.line))


def assemble(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: the index of the whole build, for the rules and the dashboard."""
    state = build_state(env)
    pages = {facts.path: facts for docname, facts in get_domain(env).pages.items()
             if docname in env.found_docs}
    partial = partial_build(env)
    if partial is not None:  # the assembly: the pages the shards built
        pages.update((facts.path, facts) for facts in partial.pages.values())
    documents = frozenset(env.doc2path(doc, False).as_posix() for doc in env.found_docs)
    state.index = CenterIndex(state.center, list(state.registry.services.values()), pages,
                              state.template, manifest_facts(state.center), documents)


def setup_index(app: Sphinx) -> None:
    """Register the index builder with Sphinx."""
    app.connect("source-read", note_source)
    app.connect("doctree-read", note_doctree)
    app.connect("env-updated", assemble)
