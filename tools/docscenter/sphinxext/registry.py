"""The services of the center being built, read once per build from their service.toml."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.findings import Subtype
from ..core.index import Requirements, TemplateFacts
from ..errors import UsageError
from ..indexing import template_facts
from .log import warn
from .partial import start_partial
from .state import BuildState, Registry, build_state, center_of, start


def get_registry(env: BuildEnvironment) -> Registry:
    """The services of the build ``env`` belongs to."""
    return build_state(env).registry


def load_registry(app: Sphinx) -> None:
    """``builder-inited``: discover services, and start the build's state with them."""
    center = center_of(app.srcdir, app.config)
    everyone = center.services()
    partial = start_partial(app, everyone)
    # A shard builds and checks its own services; the assembly shows every service.
    services = [meta for meta in everyone
                if partial is None or partial.assembling or partial.builds(meta.name)]
    registry = Registry(services, center.config.services_dir)
    try:
        facts = template_facts(center, services)
    except UsageError as exc:  # the center's service template does not render
        warn(Subtype.template, str(exc))
        facts = TemplateFacts(Requirements((), {}))
    start(app.env, BuildState(center, registry, facts, partial=partial))
    # (The routing table's grouping per service is set with the configuration: see
    # stable_config.group_routes.)
