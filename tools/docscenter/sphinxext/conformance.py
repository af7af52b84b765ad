"""Template conformance during the build: every service has the template's required pages
and sections. service.toml problems are reported by the registry when it loads them, dangling
toctree entries by Sphinx itself; ``docscenter check`` reports all three without a build."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..center import UsageError
from ..checks import Settings, manifest_findings, template_findings
from .log import Subtype, warn
from .registry import get_registry


def settings_from(config: Config) -> Settings:
    """The check settings of a build, from the Sphinx configuration."""
    suffixes = list(config.source_suffix) or [".rst"]
    return Settings(
        services_dir=config.docscenter_services_dir.strip("/"),
        required_pages=config.docscenter_required_pages,
        required_sections=config.docscenter_required_sections,
        source_suffix=suffixes[0],
    )


def check_conformance(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: report missing required pages and sections."""
    root = Path(app.srcdir)
    try:
        for finding in template_findings(root, settings_from(app.config)):
            warn(Subtype.template, finding.message, f"{root}/{finding.location()}")
    except UsageError as exc:  # the center's service template does not render
        warn(Subtype.template, str(exc))
    for finding in manifest_findings(root, get_registry(env).names()):
        warn(Subtype.manifest, finding.message, f"{root}/{finding.location()}")


def setup_conformance(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    # None: derived from the service template (see docscenter.checks.template_requirements).
    app.add_config_value("docscenter_required_pages", None, "env", (list, type(None)))
    app.add_config_value("docscenter_required_sections", None, "env", (dict, type(None)))
    app.connect("env-check-consistency", check_conformance)
