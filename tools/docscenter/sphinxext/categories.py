"""Wiki categories readers can use: each service's landing page ends with its imported pages
grouped by wiki category, and each imported page ends with its categories, linked to them.

The categories are those the importer writes at the top of a stub (``:wiki-categories: A,
B``), which Sphinx reads as the page's metadata: nothing is read twice, and the stub needs no
directive. The lists are put in as pages are written (``doctree-resolved``); a landing page
is written again when the categories of its service's pages change.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import get_domain
from .registry import get_registry

FIELD = "wiki-categories"  # the metadata field the importer writes
Categories = dict[str, list[str]]  # category -> docnames, both sorted


def page_categories(env: BuildEnvironment, docname: str) -> list[str]:
    """The wiki categories of a page ("A, B" in its metadata), in the order written."""
    raw = str(env.metadata.get(docname, {}).get(FIELD, ""))
    return list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))


def anchors(found: Categories) -> dict[str, str]:
    """The id of each category's entry on the landing page (unique on the page)."""
    ids: dict[str, str] = {}
    for category in found:
        slug = re.sub(r"\W+", "-", category.lower(), flags=re.ASCII).strip("-") or "category"
        candidate, number = f"wiki-category-{slug}", 2
        while candidate in ids.values():
            candidate, number = f"wiki-category-{slug}-{number}", number + 1
        ids[category] = candidate
    return ids


def known_categories(env: BuildEnvironment) -> dict[str, Categories]:
    """What :func:`outdated_landings` found in this build (landing page -> categories)."""
    found: dict[str, Categories] = get_domain(env).data.get("wiki_categories", {})
    return found


def service_categories(env: BuildEnvironment) -> dict[str, Categories]:
    """Landing page -> its service's categories and their pages."""
    registry = get_registry(env)
    result: dict[str, Categories] = {}
    for docname in sorted(env.found_docs):
        meta = registry.service_of(docname)
        if meta is None:
            continue
        for category in page_categories(env, docname):
            landing = registry.prefix + meta.name + "/index"
            result.setdefault(landing, {}).setdefault(category, []).append(docname)
    return {landing: dict(sorted(found.items(), key=lambda item: item[0].lower()))
            for landing, found in result.items()}


def outdated_landings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the landing pages whose categories changed are written again."""
    domain = get_domain(env)
    current = service_categories(env)
    previous = domain.data.setdefault("wiki_categories", {})
    changed = {doc for doc in {*current, *previous} if current.get(doc) != previous.get(doc)}
    domain.data["wiki_categories"] = current
    return sorted(changed & env.found_docs)


def _link(app: Sphinx, fromdoc: str, todoc: str, text: str, target: str = "") -> nodes.Node:
    uri = app.builder.get_relative_uri(fromdoc, todoc) + (f"#{target}" if target else "")
    return nodes.reference("", text, internal=True, refuri=uri)


def _index(app: Sphinx, docname: str, found: Categories) -> list[nodes.Node]:
    """The landing page's list: one item per category, its pages linked by title."""
    items = nodes.bullet_list(classes=["docscenter-wiki-categories"])
    ids = anchors(found)
    for category, docnames in found.items():
        para = nodes.paragraph()
        para += nodes.strong(category, category)
        para += nodes.Text(": ")
        for index, doc in enumerate(docnames):
            if index:
                para += nodes.Text(", ")
            title = app.env.titles[doc].astext() if doc in app.env.titles else doc
            para += _link(app, docname, doc, title)
        items += nodes.list_item("", para, ids=[ids[category]])
    return [nodes.rubric("Wiki categories", "Wiki categories"), items]


def insert_categories(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the categories at the end of landing pages and stubs."""
    registry = get_registry(app.env)
    meta = registry.service_of(docname)
    sections = list(doctree.findall(nodes.section))
    if meta is None or not sections:
        return
    landing = registry.prefix + meta.name + "/index"
    found = known_categories(app.env).get(landing, {})
    if docname == landing:
        if found:
            sections[0] += _index(app, docname, found)
        return
    categories = page_categories(app.env, docname)
    ids = anchors(found)
    if categories and all(category in ids for category in categories):
        para = nodes.paragraph(classes=["docscenter-page-categories"])
        para += nodes.Text("Wiki categories: ")
        for index, category in enumerate(categories):
            if index:
                para += nodes.Text(", ")
            para += _link(app, docname, landing, category, ids[category])
        sections[0] += para


def setup_categories(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    app.connect("env-get-updated", outdated_landings)
    app.connect("doctree-resolved", insert_categories)
