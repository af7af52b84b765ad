"""The service header: under the title of every page of a service, one line naming the
service (linked to its landing page), its lifecycle badge and its owners.

The header is added when a page is written, not when it is read, so editing service.toml does
not re-read every page of the service: ``env-get-updated`` asks Sphinx to rewrite exactly the
pages whose header changed."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..core.services import ServiceMeta
from .catalogue import lifecycle_badge
from .domain import get_domain
from .registry import get_registry
from .resources import owner_nodes

FAVICON = Path(__file__).parent.parent / "static" / "docscenter-favicon.svg"
#: Key of the header fingerprints in the docscenter domain's data.
DATA_KEY = "service_headers"


Fingerprint = tuple[str, str, tuple[tuple[str, str], ...]]


def fingerprint(meta: ServiceMeta) -> Fingerprint:
    """What the header shows; a change means the service's pages must be rewritten."""
    return (meta.title, meta.lifecycle, tuple((o.name, o.email) for o in meta.owners))


def header_node(meta: ServiceMeta, name_link: nodes.Node) -> nodes.container:
    """The header itself: "Service: <name> [lifecycle] Owners: <names>"."""
    header = nodes.container(classes=["docscenter-service-header"])
    service = nodes.paragraph(classes=["docscenter-service-name"])
    service += nodes.inline("Service", "Service", classes=["docscenter-label"])
    service += nodes.Text(" ")
    service += name_link
    service += nodes.Text(" ")
    service += lifecycle_badge(meta.lifecycle)
    header += service
    if meta.owners:
        owners = nodes.paragraph(classes=["docscenter-service-owners"])
        label = "Owners" if len(meta.owners) > 1 else "Owner"
        owners += nodes.inline(label, label, classes=["docscenter-label"])
        owners += nodes.Text(" ")
        owners.extend(owner_nodes(meta))
        header += owners
    return header


def add_header(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: put the header right after the page title of a service page."""
    registry = get_registry(app.env)
    meta = registry.service_of(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if meta is None or section is None or not isinstance(section[0], nodes.title):
        return
    landing = registry.prefix + meta.name + "/index"
    if docname == landing:  # no link to the page the reader is on
        name: nodes.Node = nodes.strong(meta.title, meta.title)
    else:
        uri = app.builder.get_relative_uri(docname, landing)
        name = nodes.reference("", meta.title, refuri=uri, internal=True)
    section.insert(1, header_node(meta, name))


def outdated_headers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the pages of every service whose header content changed."""
    registry = get_registry(env)
    known: dict[str, Fingerprint] = get_domain(env).data.setdefault(DATA_KEY, {})
    current = {name: fingerprint(meta) for name, meta in registry.services.items()}
    changed = {name for name, value in current.items() if known.get(name, value) != value}
    known.clear()
    known.update(current)
    return sorted(doc for doc in env.found_docs
                  if (meta := registry.service_of(doc)) is not None and meta.name in changed)


def default_favicon(app: Sphinx, config: Config) -> None:
    """``config-inited``: a small icon unless the center has its own (and no 404 in logs)."""
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def setup_header(app: Sphinx) -> None:
    """Register the service header with Sphinx."""
    app.connect("config-inited", default_favicon)
    app.connect("doctree-resolved", add_header)
    app.connect("env-get-updated", outdated_headers)
