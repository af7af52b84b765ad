"""The HTTP routing table page exists from the first build.

Sphinx writes a domain index only when it has entries, but a center's front page links to
the routing table from the start: until a service documents its first endpoint, the page is
written empty instead of leaving that link dangling.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder


def empty_routing_table(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: the routing table page, when no endpoint fills it."""
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    domain = app.env.get_domain("http")
    if any(domain.data.get(method) for method in domain.object_types):
        return  # Sphinx writes the real one
    context = {"indextitle": app.config.http_index_localname, "content": [],
               "collapse_index": False}
    yield "http-routingtable", context, "domainindex.html"


def setup_routes(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    app.connect("html-collect-pages", empty_routing_table)
