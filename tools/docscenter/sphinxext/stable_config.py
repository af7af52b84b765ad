"""A configuration that compares equal from one build to the next.

Sphinx keeps the configuration of the last build in the environment and compares the new
one with it before reading anything: a difference is reported ("The configuration has
changed") and, for values that affect reading, makes it read every page again. Two values
used to differ on every build although nothing had changed:

- ``http_index_ignore_prefixes``, which groups the routing table per service, was extended
  only once the builder started, after the comparison; it is now set when the configuration
  is loaded, from the service folders (so it changes only when a service is added or
  removed, and that is a real change);
- ``pygments_dark_style`` is furo's, and furo is only loaded with the HTML builder, again
  after the comparison; it is now loaded with the configuration when the center's theme is
  furo (and stays inert for builders that do not write HTML, such as ``linkcheck``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

FURO = "furo"


def service_prefixes(srcdir: Path, services_dir: str) -> list[str]:
    """``/<name>`` for every service folder (a folder with a ``service.toml``)."""
    folder = srcdir / services_dir
    if not folder.is_dir():
        return []
    return [f"/{path.name}" for path in sorted(folder.iterdir())
            if (path / "service.toml").is_file()]


def group_routes(app: Sphinx, config: Config) -> None:
    """``config-inited``: the routing table groups endpoints per service and API version
    (paths are ``/<service>/<X.Y>/...``)."""
    ignored = list(config.http_index_ignore_prefixes)
    extra = service_prefixes(Path(app.srcdir), config.docscenter_services_dir.strip("/"))
    config.http_index_ignore_prefixes = ignored + [p for p in extra if p not in ignored]


def load_furo_early(app: Sphinx, config: Config) -> None:
    """``config-inited``: set furo up now, so its configuration value is there when Sphinx
    compares this configuration with the last build's. Furo refuses builders that do not
    write HTML, and writes into their output when they finish: its handlers are kept to
    HTML builders."""
    if config.html_theme != FURO or FURO in app.extensions:
        return
    app.setup_extension(FURO)
    for event in ("builder-inited", "build-finished"):
        for listener in list(app.events.listeners.get(event, ())):
            if getattr(listener.handler, "__module__", "").split(".")[0] == FURO:
                app.disconnect(listener.id)
                app.connect(event, _html_only(listener.handler), priority=listener.priority)


def _html_only(handler: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(app: Sphinx, *args: Any) -> Any:
        return handler(app, *args) if app.builder.format == "html" else None

    return guarded


def setup_stable_config(app: Sphinx) -> None:
    """Register these handlers with Sphinx."""
    app.connect("config-inited", group_routes)
    app.connect("config-inited", load_furo_early)
