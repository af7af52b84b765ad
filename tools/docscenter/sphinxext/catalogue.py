"""``.. docscenter:catalogue::`` — the front page's table of every service, plus the
toctrees (one per lifecycle) that put every service in the navigation without anyone
editing a toctree by hand."""

from __future__ import annotations

from collections.abc import Iterable, Set

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..services import LIFECYCLES, ServiceMeta
from .registry import get_registry
from .resources import doc_link, owner_nodes

LIFECYCLE_CAPTIONS = {
    "production": "Services in production",
    "beta": "Services in beta",
    "development": "Services in development",
    "deprecated": "Deprecated services",
    "retired": "Retired services",
    "": "Other services",
}


def table(headers: list[str], rows: Iterable[list[list[nodes.Node]]], widths: list[int],
          classes: list[str]) -> nodes.table:
    """A docutils table from rows of cells, each cell a list of inline nodes."""
    tab = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(headers))
    tab += group
    group.extend(nodes.colspec(colwidth=width) for width in widths)
    head = nodes.thead()
    group += head
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in headers))
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph("", "", *cell))
        body += row
    return tab


def lifecycle_badge(lifecycle: str) -> nodes.inline:
    text = lifecycle or "unknown"
    return nodes.inline(text, text, classes=["docscenter-badge", f"docscenter-{text}"])


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
    """The service catalogue: one row per service, and the services' toctrees."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        registry = get_registry(self.env)
        services = ordered(registry.services.values())
        env = self.env
        from .domain import get_domain

        get_domain(env).catalogue_docs.add(env.docname)
        for meta in services:
            env.note_dependency(str(meta.toml_path))
        if not services:
            return [nodes.paragraph(text="No services yet: add one with "
                                    "“docscenter new-service NAME”.")]
        rows = []
        for meta in services:
            index = registry.prefix + meta.name + "/index"
            apis: list[nodes.Node] = []
            for number, version in enumerate(meta.api_versions):
                if number:
                    apis.append(nodes.Text(", "))
                apis.append(doc_link(f"{registry.prefix}{meta.name}/apis-{version}",
                                     f"v{version}", env.docname))
            rows.append([
                [doc_link(index, meta.title, env.docname)],
                [nodes.Text(meta.summary)],
                [lifecycle_badge(meta.lifecycle)],
                owner_nodes(meta),
                apis,
            ])
        result: list[nodes.Node] = [
            table(["Service", "Summary", "Lifecycle", "Owners", "APIs"], rows,
                  [18, 42, 10, 18, 12], ["docscenter-catalogue"])
        ]
        groups: dict[str, list[str]] = {}
        for meta in services:
            key = meta.lifecycle if meta.lifecycle in LIFECYCLE_CAPTIONS else ""
            groups.setdefault(key, []).append(registry.prefix + meta.name + "/index")
        for key, docnames in groups.items():
            result.append(toctree_node(env.docname, docnames, LIFECYCLE_CAPTIONS[key]))
        return result


# -- environment bookkeeping ----------------------------------------------------------------

def outdated_catalogues(app: Sphinx, env: BuildEnvironment, added: Set[str],
                        changed: Set[str], removed: Set[str]) -> list[str]:
    """Re-read the catalogue pages when a service appeared or disappeared."""
    from .domain import get_domain

    domain = get_domain(env)
    names = get_registry(env).names()
    if names == domain.data["service_names"]:
        return []
    domain.data["service_names"] = names
    domain.navigation_changed = True
    return sorted(domain.catalogue_docs)


def rewrite_navigation(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """When the set of services changed, every page's sidebar lists them: rewrite them all."""
    from .domain import get_domain

    domain = get_domain(env)
    if getattr(domain, "navigation_changed", False):
        domain.navigation_changed = False
        return sorted(env.found_docs)
    return []
