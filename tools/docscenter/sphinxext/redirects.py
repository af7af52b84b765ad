"""The map of old wiki URLs to the center's pages, written with the HTML: every imported page
records the wiki URL it came from (its provenance ``source``), and the build knows the URL of
the page it became. The files go to ``<output>/_wiki_redirects/`` (see
:mod:`docscenter.redirect_map`); a source that cannot go into them is a ``redirect``
warning naming the page."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.findings import Subtype
from ..redirect_map import FOLDER, Redirect, new_url, old_entry, write_maps
from .domain import get_domain
from .log import warn


def redirects(app: Sphinx, env: BuildEnvironment) -> list[Redirect]:
    """One redirect per imported page, warning about the sources that cannot be one (and
    about a second page claiming the same old URL)."""
    base = str(app.config.html_baseurl or "/")
    found: dict[str, Redirect] = {}
    pages = get_domain(env).pages
    for docname in sorted(env.found_docs):
        facts = pages.get(docname)
        if facts is None or not facts.wiki_source:
            continue
        old = old_entry(facts.wiki_source)
        new = new_url(base, app.builder.get_target_uri(docname))
        if old is None or new is None:
            what = "the source" if old is None else "html_baseurl"
            warn(Subtype.redirect, f"{what} cannot go into the map of old wiki URLs: left out",
                 (docname, 1))
            continue
        if old[1] in found:
            warn(Subtype.redirect, f"{found[old[1]].new} already replaces {old[0]}: left out",
                 (docname, 1))
            continue
        found[old[1]] = Redirect(old[0], old[1], new)
    return list(found.values())


def write_redirects(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: write the maps (HTML builders only), every build, from every page."""
    if app.builder.format == "html":
        write_maps(app.outdir / FOLDER, redirects(app, env))
    return []


def setup_redirects(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    app.connect("env-updated", write_redirects)
