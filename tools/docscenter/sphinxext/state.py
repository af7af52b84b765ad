"""What one build knows beyond Sphinx's own environment: the center and its configuration,
the services, the template's facts and, once every document is read, the center index.

It lives on the environment, is made afresh at every ``builder-inited`` and is never pickled:
forked parallel readers and writers inherit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..core.center import Center
from ..core.config import CenterConfig, first_suffix, settings
from ..core.index import CenterIndex, TemplateFacts
from ..core.services import ServiceMeta

ATTRIBUTE = "docscenter_build"


def center_of(srcdir: str | Path, config: Config) -> Center:
    """The center being built, configured from the Sphinx configuration."""
    values = {setting.name: config[setting.name] for setting in settings()}
    return Center(Path(srcdir), CenterConfig.from_values(values),
                  first_suffix(config.source_suffix), tuple(config.suppress_warnings))


class NotKept:
    """Per-build data kept on the environment: left out when the environment is pickled (the
    next build makes its own)."""

    def __reduce__(self) -> str | tuple[Any, ...]:
        return (_not_kept, ())


def _not_kept() -> None:
    return None


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


@dataclass
class BuildState(NotKept):
    """The per-build state; see the module documentation."""

    center: Center
    registry: Registry
    template: TemplateFacts
    index: CenterIndex | None = None  # once every document is read
    # Kept by the components that use them (each module checks the type of what it finds):
    navigation: object = None  # navigation.Navigation, walked once after reading
    sidebar: object = None  # sidebar.Sidebar rendered from that navigation
    docs_read: set[str] = field(default_factory=set)  # toc_parents: the pages this build reads
    toc_changed: set[str] | None = None  # toc_parents: those whose table of contents changed
    toc_aside: dict[str, set[str]] = field(default_factory=dict)  # toc_parents
    dashboard_before: dict[str, str] = field(default_factory=dict)  # dashboard: shapes
    reading_jobs: int = 0  # reading: the parallel jobs set aside while a few pages are read
    partial: object = None  # partial.PartialBuild: a shard or the assembly (None: whole)


def start(env: BuildEnvironment, state: BuildState) -> None:
    """Make ``state`` the state of the build that ``env`` belongs to."""
    setattr(env, ATTRIBUTE, state)


def build_state(env: BuildEnvironment) -> BuildState:
    """The state of the build ``env`` belongs to (made at ``builder-inited``)."""
    state = getattr(env, ATTRIBUTE, None)
    if not isinstance(state, BuildState):
        raise RuntimeError("docscenter: no build state (builder-inited has not run)")
    return state


def app_state(app: Sphinx) -> BuildState:
    """The state of ``app``'s build."""
    return build_state(app.env)
