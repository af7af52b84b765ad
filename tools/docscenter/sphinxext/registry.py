"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

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


def get_registry(app: Sphinx) -> Registry:
    return app.docscenter_registry  # type: ignore[attr-defined]


def load_registry(app: Sphinx) -> None:
    """``builder-inited``: discover services and report malformed metadata."""
    services_dir = Path(app.srcdir) / app.config.docscenter_services_dir
    services = discover(services_dir)
    app.docscenter_registry = Registry(services, app.config.docscenter_services_dir)  # type: ignore[attr-defined]
    for meta in services:
        for problem in meta.problems:
            location = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
            warn(Subtype.service_toml, f"{problem.field}: {problem.message}", location)
