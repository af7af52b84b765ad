"""The rules during the build: each finding becomes a warning of type ``docscenter`` with its
subtype, when the build has what its rule needs (see :class:`docscenter.core.rules.Stage`):
service.toml problems once the services are loaded, the rest once every document is read
(a release build's on every build, even when nothing was read again).
Dangling toctree entries and undefined terms are reported where Sphinx meets them."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import rules
from ..core.findings import Finding
from ..core.index import CenterIndex
from .log import warn_finding
from .partial import partial_build
from .state import app_state, build_state


def _emit(findings: list[Finding], env: BuildEnvironment) -> None:
    partial = partial_build(env)  # a shard or the assembly reports its share
    for finding in sorted(findings, key=Finding.sort_key):
        if partial is None or partial.reports(finding):
            warn_finding(finding)


def report_services(app: Sphinx) -> None:
    """``builder-inited``: what is wrong in the services' metadata, on every build."""
    state = app_state(app)
    index = CenterIndex(state.center, list(state.registry.services.values()), {},
                        state.template)
    _emit(rules.run(index, [rules.Stage.SERVICES]), app.env)


def report_documents(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: the findings that need every document."""
    index = build_state(env).index
    if index is not None:
        _emit(rules.run(index, [rules.Stage.DOCUMENTS]), env)


def report_every_build(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``, once the index is assembled: the findings every build reports, even
    when it read nothing again (those of a release build)."""
    index = build_state(env).index
    if index is not None:
        _emit(rules.run(index, [rules.Stage.EVERY_BUILD]), env)


def setup_findings(app: Sphinx) -> None:
    """Register the rules with Sphinx (after the registry, which loads the services)."""
    app.connect("builder-inited", report_services)
    app.connect("env-check-consistency", report_documents)
    # After the index is assembled (docscenter.sphinxext.index, at the default priority).
    app.connect("env-updated", report_every_build, priority=600)
