"""The Sphinx extension: ``extensions = ["docscenter"]`` wires everything a center needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..core.config import ConfigError as SettingError
from ..core.config import settings
from ..version import __version__
from . import (
    catalogue,
    dashboard,
    findings,
    glossary,
    header,
    history,
    index,
    registry,
    routes,
)
from .assembly import setup_assembly
from .categories import setup_categories
from .center_lock import setup_center_lock
from .domain import DocscenterDomain
from .imported import setup_imported
from .imported_from import setup_imported_from
from .navigation import setup_navigation
from .partial import setup_partial
from .placeholders import setup_placeholders
from .reading import setup_reading
from .redirects import setup_redirects
from .resources import ResourcesDirective
from .shard import setup_shard
from .sidebar import setup_sidebar
from .stable_config import setup_stable_config
from .state import center_of
from .stub_guard import setup_stub_guard
from .toc_parents import setup_toc_parents
from .uri_guard import setup_uri_guard
from .wrapping import setup_wrapping

#: Bump when the shape of the data docscenter keeps in the environment changes.
ENV_VERSION = 3
HTML_TEMPLATES = Path(__file__).parent.parent / "templates" / "html"
STATIC = Path(__file__).parent.parent / "static"


def validate(app: Sphinx, config: Config) -> None:
    """``config-inited``: every ``docscenter_*`` value is checked before anything uses it."""
    try:
        center_of(app.srcdir, config)
    except SettingError as exc:
        raise ConfigError(str(exc)) from None


def configure(app: Sphinx, config: Config) -> None:
    """``config-inited``: the center's defaults, kept overridable from conf.py."""
    if config.root_doc != "index" and config.docscenter_front_redirect:
        # The front page lives at source/index; build/html/index.html sends readers there.
        config.html_additional_pages.setdefault("index", "docscenter/redirect.html")
    config.templates_path = [*config.templates_path, str(HTML_TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup_extension(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.httpdomain")
    for setting in settings():
        app.add_config_value(setting.name, setting.default, setting.rebuild, setting.types,
                             setting.doc)
    app.connect("config-inited", validate)
    app.connect("config-inited", configure)
    app.connect("builder-inited", registry.load_registry)
    app.connect("env-get-outdated", catalogue.outdated_catalogues)
    app.add_domain(DocscenterDomain)
    app.add_directive_to_domain("docscenter", "catalogue", catalogue.CatalogueDirective)
    app.add_directive_to_domain("docscenter", "resources", ResourcesDirective)
    setup_center_lock(app)
    index.setup_index(app)
    findings.setup_findings(app)
    glossary.setup_glossary(app)
    dashboard.setup_status(app)
    history.setup_history(app)
    header.setup_header(app)
    routes.setup_routes(app)
    setup_navigation(app)
    setup_reading(app)
    setup_partial(app)
    setup_shard(app)
    setup_assembly(app)
    setup_categories(app)
    setup_redirects(app)
    setup_sidebar(app)
    setup_stable_config(app)
    setup_toc_parents(app)
    setup_wrapping(app)
    setup_placeholders(app)
    setup_imported(app)
    setup_imported_from(app)
    setup_uri_guard(app)
    setup_stub_guard(app)
    app.add_css_file("docscenter.css")
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
