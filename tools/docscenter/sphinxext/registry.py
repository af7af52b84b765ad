"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.findings import Subtype
from ..core.index import Requirements, TemplateFacts
from ..errors import UsageError
from ..indexing import template_facts
from .log import warn
from .state import BuildState, Registry, build_state, center_of, start


def get_registry(env: BuildEnvironment) -> Registry:
    """The services of the build ``env`` belongs to."""
    return build_state(env).registry


def load_registry(app: Sphinx) -> None:
    """``builder-inited``: discover services, and start the build's state with them."""
    center = center_of(app.srcdir, app.config)
    services = center.services()
    registry = Registry(services, center.config.services_dir)
    try:
        facts = template_facts(center, services)
    except UsageError as exc:  # the center's service template does not render
        warn(Subtype.template, str(exc))
        facts = TemplateFacts(Requirements((), {}))
    start(app.env, BuildState(center, registry, facts))
    # (The routing table's grouping per service is set with the configuration: see
    # stable_config.group_routes.)
