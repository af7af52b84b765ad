"""``.. docscenter:catalogue::`` — the front page's cards, one per service, plus the
toctrees (one per lifecycle) that put every service in the navigation without anyone
editing a toctree by hand."""

from __future__ import annotations

from collections.abc import Iterable, Set

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..core.services import LIFECYCLES, ServiceMeta
from .domain import get_domain
from .partial import SERVICES_ATTRIBUTE, partial_build
from .registry import get_registry
from .resources import api_links, doc_link, owner_nodes

LIFECYCLE_CAPTIONS = {
    "production": "Services in production",
    "beta": "Services in beta",
    "development": "Services in development",
    "deprecated": "Deprecated services",
    "retired": "Retired services",
    "": "Other services",
}


def lifecycle_badge(lifecycle: str) -> nodes.inline:
    """The coloured lifecycle label (colours in docscenter.css, readable in both themes)."""
    text = lifecycle or "unknown"
    return nodes.inline(text, text, classes=["docscenter-badge", f"docscenter-{text}"])


def _line(label: str, content: list[nodes.Node], classes: list[str]) -> nodes.paragraph:
    para = nodes.paragraph(classes=classes)
    para += nodes.inline(label, label, classes=["docscenter-label"])
    para += nodes.Text(" ")
    para.extend(content)
    return para


def service_card(meta: ServiceMeta, prefix: str, refdoc: str) -> nodes.container:
    """One service of the catalogue: title and badge, summary, owners, API pages."""
    card = nodes.container(classes=["docscenter-card", f"docscenter-card-{meta.lifecycle}"])
    title = nodes.paragraph(classes=["docscenter-card-title"])
    title += doc_link(prefix + meta.name + "/index", meta.title, refdoc)
    title += nodes.Text(" ")
    title += lifecycle_badge(meta.lifecycle)
    card += title
    if meta.summary:
        card += nodes.paragraph(meta.summary, meta.summary, classes=["docscenter-card-summary"])
    if meta.owners:
        card += _line("Owners", owner_nodes(meta), ["docscenter-card-owners"])
    if meta.api_versions:
        label = "APIs" if len(meta.api_versions) > 1 else "API"
        card += _line(label, api_links(meta, prefix, refdoc), ["docscenter-card-apis"])
    return card


def ordered(services: Iterable[ServiceMeta]) -> list[ServiceMeta]:
    """Services grouped by lifecycle (production first), then by title."""
    rank = {name: index for index, name in enumerate(LIFECYCLES)}
    return sorted(services, key=lambda m: (rank.get(m.lifecycle, len(rank)), m.title.lower()))


def toctree_node(parent: str, docnames: list[str], caption: str) -> nodes.compound:
    """The node the ``toctree`` directive would make, built directly."""
    tree = addnodes.toctree()
    tree["parent"] = parent
    tree["entries"] = [(None, name) for name in docnames]
    tree["includefiles"] = list(docnames)
    tree["maxdepth"] = 1
    tree["caption"] = caption
    tree["glob"] = False
    tree["hidden"] = True
    tree["includehidden"] = False
    tree["numbered"] = 0
    tree["titlesonly"] = True
    return nodes.compound("", tree, classes=["toctree-wrapper"])


class CatalogueDirective(SphinxDirective):
    """The service catalogue: one card per service, and the services' toctrees."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        registry = get_registry(self.env)
        services = ordered(registry.services.values())
        env = self.env
        get_domain(env).catalogue_docs.add(env.docname)
        for meta in services:
            env.note_dependency(str(meta.toml_path))
        if not services:
            return [nodes.paragraph(text="No services yet: add one with "
                                    "“docscenter new-service NAME”.")]
        # A grid of cards: it reflows from three columns on a laptop to one on a phone.
        grid = nodes.container(classes=["docscenter-catalogue"])
        grid.extend(service_card(meta, registry.prefix, env.docname) for meta in services)
        result: list[nodes.Node] = [grid]
        partial = partial_build(env)
        groups: dict[str, list[tuple[str, bool]]] = {}
        for meta in ordered(partial.services) if partial else services:
            key = meta.lifecycle if meta.lifecycle in LIFECYCLE_CAPTIONS else ""
            groups.setdefault(key, []).append((registry.prefix + meta.name + "/index",
                                               partial is None or partial.builds(meta.name)))
        for key, entries in groups.items():
            node = toctree_node(env.docname, [doc for doc, here in entries if here],
                                LIFECYCLE_CAPTIONS[key])
            if partial is not None:
                # Every service of the group, built here or not: the navigation lists them.
                for tree in node.findall(addnodes.toctree):
                    tree[SERVICES_ATTRIBUTE] = [doc for doc, _here in entries]
            result.append(node)
        return result


# -- environment bookkeeping ----------------------------------------------------------------

def outdated_catalogues(app: Sphinx, env: BuildEnvironment, added: Set[str],
                        changed: Set[str], removed: Set[str]) -> list[str]:
    """Re-read the catalogue pages when a service appeared or disappeared. (The pages whose
    sidebar lists the services are rewritten by :func:`.navigation.outdated_navigation`.)"""
    domain = get_domain(env)
    names = get_registry(env).names()
    if names == domain.data["service_names"]:
        return []
    domain.data["service_names"] = names
    return sorted(domain.catalogue_docs)
