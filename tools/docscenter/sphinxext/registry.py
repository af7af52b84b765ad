"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..services import ServiceMeta, discover
from .log import Subtype, warn


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


# One registry per center being built, keyed by source folder. A module global rather than an
# attribute of the environment: it is rebuilt from service.toml on every build, never pickled,
# and forked parallel readers inherit it.
_REGISTRIES: dict[str, Registry] = {}


def get_registry(env: BuildEnvironment) -> Registry:
    return _REGISTRIES[str(env.srcdir)]


def load_registry(app: Sphinx) -> None:
    """``builder-inited``: discover services and report malformed metadata."""
    services_dir = Path(app.srcdir) / app.config.docscenter_services_dir
    services = discover(services_dir)
    _REGISTRIES[str(app.srcdir)] = Registry(services, app.config.docscenter_services_dir)
    # (The routing table's grouping per service is set with the configuration: see
    # stable_config.group_routes.)
    for meta in services:
        for problem in meta.problems:
            warn(Subtype.service_toml, f"{problem.field}: {problem.message}", problem.location)
