"""The shared glossary at build time: its findings (duplicate, undefined, case-mismatched and
unused terms; glossaries outside ``source/glossary``) and its cross-references: "Used by"
under each term, "Glossary terms used" on each service's landing page.

Term definitions and ``:term:`` references are the index's (see :mod:`.index`), judged by the
same rules ``docscenter check`` applies (see :mod:`.findings`), and rendered into the output at
``doctree-resolved``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from ..core.findings import Subtype
from ..core.rules import undefined_term as undefined_term_rule
from .domain import get_domain
from .log import warn_at
from .partial import partial_build
from .registry import get_registry


def _term_text(term: nodes.term) -> str:
    return " ".join(term.astext().split())


def undefined_term(app: Sphinx, domain: Domain, node: addnodes.pending_xref) -> bool | None:
    """``warn-missing-reference``: an unresolvable ``:term:`` is reported once, with the
    docscenter subtype, instead of Sphinx's own "term not in glossary"."""
    if domain is None or domain.name != "std" or node.get("reftype") != "term":
        return None
    target = " ".join(node["reftarget"].split())
    path = app.env.doc2path(node["refdoc"], False).as_posix()
    warn_at(Subtype.undefined_term, undefined_term_rule.message(target), path, node.line)
    return True


# -- cross-references -----------------------------------------------------------------------

def backlinks(env: BuildEnvironment) -> dict[str, Any]:
    """What each page's cross-references should show now: for each document defining terms,
    term -> the services using it; for each service landing page, the terms it uses."""
    registry = get_registry(env)
    pages = get_domain(env).pages
    partial = partial_build(env)
    if partial is not None and partial.pages:  # the assembly: the shards' pages too
        pages = {**pages, **partial.pages}
    defined = {term.lower(): term for facts in pages.values() for term, _ in facts.terms}
    used_by: dict[str, set[str]] = {}
    for docname, facts in pages.items():
        meta = registry.service_of(docname)
        if meta is None:
            continue
        for target, _line in facts.refs:
            if target.lower() in defined:
                used_by.setdefault(target.lower(), set()).add(meta.name)
    result: dict[str, Any] = {}
    for docname, facts in pages.items():
        if facts.terms:
            result[docname] = {term.lower(): sorted(used_by.get(term.lower(), ()))
                               for term, _ in facts.terms}
    for meta in registry.services.values():
        landing = registry.prefix + meta.name + "/index"
        result[landing] = sorted({defined[key] for key, names in used_by.items()
                                  if meta.name in names}, key=str.lower)
    return result


def outdated_backlinks(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages whose cross-references changed are written again."""
    domain = get_domain(env)
    current = backlinks(env)
    previous = domain.data["backlinks"]
    changed = [doc for doc, value in current.items()
               if previous.get(doc) != value and doc in env.found_docs]
    domain.data["backlinks"] = current
    return sorted(changed)


def _link(app: Sphinx, fromdoc: str, todoc: str, anchor: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, todoc)
    return nodes.reference("", text, internal=True,
                           refuri=f"{uri}#{anchor}" if anchor else uri)


def insert_backlinks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: "Used by" under terms, "Glossary terms used" on landing pages."""
    env = app.env
    registry = get_registry(env)
    facts = get_domain(env).pages.get(docname)
    # What outdated_backlinks worked out for this build, once (not once per page).
    computed: dict[str, Any] = get_domain(env).data["backlinks"]
    if facts is not None and facts.terms:
        current = computed.get(docname, {})
        for item in doctree.findall(nodes.definition_list_item):
            terms = [_term_text(t) for t in item.children if isinstance(t, nodes.term)]
            names = sorted({name for term in terms for name in current.get(term.lower(), ())},
                           key=lambda n: registry.services[n].title.lower())
            definitions = [c for c in item.children if isinstance(c, nodes.definition)]
            if not names or not definitions:
                continue
            para = nodes.paragraph(classes=["docscenter-used-by"])
            para += nodes.strong("Used by", "Used by")
            para += nodes.Text(": ")
            for index, name in enumerate(names):
                if index:
                    para += nodes.Text(", ")
                para += _link(app, docname, registry.prefix + name + "/index", "",
                              registry.services[name].title)
            definitions[-1] += para
    meta = registry.service_of(docname)
    if meta is not None and docname == registry.prefix + meta.name + "/index":
        terms = computed.get(docname, [])
        sections = list(doctree.findall(nodes.section))
        if not terms or not sections:
            return
        std = env.domains.standard_domain
        para = nodes.paragraph(classes=["docscenter-terms-used"])
        for index, term in enumerate(terms):
            if index:
                para += nodes.Text(", ")
            target = std.objects.get(("term", term)) or std._terms.get(term.lower())
            if target:
                para += _link(app, docname, target[0], target[1], term)
            else:
                para += nodes.Text(term)
        rubric = nodes.rubric("Glossary terms used", "Glossary terms used")
        sections[0] += [rubric, para]


def setup_glossary(app: Sphinx) -> None:
    """Register this component with Sphinx (its findings come from the rules, see
    sphinxext.findings)."""
    app.connect("warn-missing-reference", undefined_term)
    app.connect("env-get-updated", outdated_backlinks)
    app.connect("doctree-resolved", insert_backlinks)
