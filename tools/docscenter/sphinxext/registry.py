"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.services import ServiceMeta
from ..indexing import template_facts
from .state import BuildState, build_state, center_of, start


class Registry:
    """Services by name, plus the docname -> service mapping the directives need."""

    def __init__(self, services: list[ServiceMeta], services_dir: str) -> None:
        self.services = {meta.name: meta for meta in services}
        self.prefix = services_dir.strip("/") + "/"

    def service_of(self, docname: str) -> ServiceMeta | None:
        """The service a document belongs to (``services/<name>/...``), if any."""
        if not docname.startswith(self.prefix):
            return None
        name = docname[len(self.prefix) :].split("/", 1)[0]
        return self.services.get(name)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.services))


def get_registry(env: BuildEnvironment) -> Registry:
    """The services of the build ``env`` belongs to."""
    return build_state(env).registry


def load_registry(app: Sphinx) -> None:
    """``builder-inited``: discover services, and start the build's state with them."""
    center = center_of(app.srcdir, app.config)
    services = center.services()
    registry = Registry(services, center.config.services_dir)
    start(app.env, BuildState(center, registry, template_facts(center, services)))
    # Group the routing table per service and API version: paths are /<service>/<X.Y>/...
    ignored = list(app.config.http_index_ignore_prefixes)
    app.config.http_index_ignore_prefixes = ignored + [
        f"/{meta.name}" for meta in services if f"/{meta.name}" not in ignored
    ]
