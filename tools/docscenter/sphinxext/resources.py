"""``.. docscenter:resources::`` — a service's "Resources" list, rendered from service.toml."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..core.findings import Subtype
from ..core.services import ServiceMeta
from ..rst import LINK_SCHEMES
from .log import warn_at
from .registry import get_registry
from .state import build_state
from .uri_guard import scheme_of


def doc_link(target: str, text: str, refdoc: str) -> addnodes.pending_xref:
    """A ``:doc:`` reference to an absolute docname, resolved (and checked) by Sphinx."""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + target, refexplicit=True,
        refwarn=True, refdoc=refdoc,
    )
    ref += nodes.inline(text, text, classes=["doc"])
    return ref


def external(url: str, text: str | None = None,
             allowed: Collection[str] = LINK_SCHEMES) -> nodes.Node:
    """A link to ``url`` from service.toml, or its text alone when it is no address the
    center links (a malformed URL is a service_toml finding; ``ssh://`` is shown, not
    linked)."""
    scheme = scheme_of(url)
    if scheme is None or scheme not in allowed or (scheme in ("http", "https")
                                                   and not urlsplit(url).netloc):
        return nodes.Text(text or url)
    return nodes.reference("", text or url, refuri=url)


def owner_nodes(meta: ServiceMeta, allowed: Collection[str] = LINK_SCHEMES) -> list[nodes.Node]:
    """Owners as names linked to their e-mail address, comma separated."""
    out: list[nodes.Node] = []
    for index, owner in enumerate(meta.owners):
        if index:
            out.append(nodes.Text(", "))
        out.append(external(f"mailto:{owner.email}", owner.name, allowed) if owner.email
                   else nodes.Text(owner.name))
    return out


def api_links(meta: ServiceMeta, prefix: str, refdoc: str) -> list[nodes.Node]:
    """Links to each API page, named in full ("Storage API v1.1") so they read well alone."""
    links: list[nodes.Node] = []
    for number, version in enumerate(meta.api_versions):
        if number:
            links.append(nodes.Text(", "))
        links.append(doc_link(f"{prefix}{meta.name}/apis-{version}",
                              f"{meta.title} API v{version}", refdoc))
    return links


def _item(label: str, *content: nodes.Node) -> nodes.list_item:
    para = nodes.paragraph()
    para += nodes.strong(label, label)
    para += nodes.Text(": ")
    para.extend(content)
    return nodes.list_item("", para)


def resource_items(meta: ServiceMeta, refdoc: str, prefix: str,
                   allowed: Collection[str] = LINK_SCHEMES) -> list[nodes.list_item]:
    """The list items of a service's Resources, in a fixed order; absent fields are skipped.
    Only addresses with an ``allowed`` scheme become links."""
    items = []
    if meta.owners:
        items.append(_item("Owners", *owner_nodes(meta, allowed)))
    if meta.lifecycle:
        items.append(_item("Lifecycle", nodes.Text(meta.lifecycle)))
    if meta.server_repo:
        items.append(_item("Server repository", external(meta.server_repo, None, allowed)))
    if meta.client_repo:
        items.append(_item("Client repository", external(meta.client_repo, None, allowed)))
    if meta.ci_url:
        items.append(_item("Continuous integration", external(meta.ci_url, None, allowed)))
    if meta.api_versions:
        items.append(_item("API versions", *api_links(meta, prefix, refdoc)))
    for source in meta.wiki_pages:
        label = nodes.Text(source.title)
        link = external(source.url, source.title, allowed) if source.url else label
        extra = [nodes.Text(f" (revision {source.revision})")] if source.revision else []
        items.append(_item("Original wiki page", link, *extra))
    return items


class ResourcesDirective(SphinxDirective):
    """Render the Resources of the service the current document belongs to."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        registry = get_registry(self.env)
        meta = registry.service_of(self.env.docname)
        if meta is None:
            warn_at(Subtype.directive, "docscenter:resources is only meaningful inside a "
                    "service folder", self.env.doc2path(self.env.docname, False).as_posix(),
                    self.lineno)
            return []
        # Re-read this page (and only the pages using the directive) when service.toml changes.
        self.env.note_dependency(str(meta.toml_path))
        allowed = build_state(self.env).center.config.allowed_uri_schemes
        items = resource_items(meta, self.env.docname, registry.prefix, allowed)
        if not items:
            return [nodes.paragraph(text="No resources recorded in service.toml yet.")]
        bullets = nodes.bullet_list(classes=["docscenter-resources"])
        bullets.extend(items)
        return [bullets]
