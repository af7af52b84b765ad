"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..indexing import template_facts
from .state import BuildState, Registry, build_state, center_of, start


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
