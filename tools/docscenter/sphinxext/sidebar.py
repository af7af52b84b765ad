"""Furo's sidebar navigation, rendered from the build's one :class:`.Navigation`.

Every entry is rendered to HTML once per build; a page only renders again the top-level
entry that leads to it (its service, expanded, with the page marked current) and joins the
rest. Readers get what furo shows — captions, the current branch open, a CSS-only
expand/collapse switch, no JavaScript needed — with one difference: the services other than
the current one are one link each (their pages open on the service's own pages), so a page
stays small however many services the center has. The HTTP routing table is listed under
"Reference" when the center has endpoints.

The markup is furo's (``sidebar-tree`` lists, ``toctree-l<N>``, ``current``,
``current-page``, ``has-children``, ``toctree-checkbox``); the theme's CSS styles it.
"""

from __future__ import annotations

import html
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder

from .navigation import NavEntry, NavGroup, Navigation, get_navigation
from .partial import partial_build
from .state import app_state
from .wrapping import slash_breaks_html

#: Stands for the way back to the site's root in the cached HTML; replaced per page.
ROOT = "\x00root\x00"
ROUTING_TABLE = "http-routingtable"
_CURRENT = ' class="current"'


def _escape(text: str) -> str:
    return html.escape(text.replace("\x00", ""))


class Sidebar:
    """The navigation's HTML for any page of one build."""

    def __init__(self, navigation: Navigation, builder: Builder, extra: list[NavGroup]):
        self.navigation = navigation
        self.builder = builder
        self.groups = [*navigation.groups, *extra]
        # Each top-level entry as shown on a page outside it: services folded to one link.
        self.cached = [[self.item(e, 1, (), fold=navigation.is_service(e))
                        for e in group.entries] for group in self.groups]
        self.paths: dict[str, tuple[int, int, tuple[NavEntry, ...]]] = {}
        for g, group in enumerate(self.groups):
            for i, entry in enumerate(group.entries):
                self._note_paths(g, i, (entry,))

    def _note_paths(self, group: int, index: int, path: tuple[NavEntry, ...]) -> None:
        if path[-1].docname:
            self.paths.setdefault(path[-1].docname, (group, index, path))
        for child in path[-1].children:
            self._note_paths(group, index, (*path, child))

    def link(self, entry: NavEntry, here: bool) -> str:
        title = slash_breaks_html(entry.title.replace("\x00", ""))
        if entry.url is not None:
            return f'<a class="reference external" href="{_escape(entry.url)}">{title}</a>'
        if here:
            return f'<a class="current reference internal" href="#">{title}</a>'
        target = _escape(self.builder.get_target_uri(entry.docname or ""))
        return f'<a class="reference internal" href="{ROOT}{target}">{title}</a>'

    def item(self, entry: NavEntry, level: int, path: tuple[NavEntry, ...],
             fold: bool = False) -> str:
        """One ``<li>``; ``path`` leads from the top level to the current page, if here."""
        current = any(e is entry for e in path)
        here = current and path[-1] is entry
        children = () if fold else entry.children
        classes = [f"toctree-l{level}", *(["current"] if current else []),
                   *(["has-children"] if children else []),
                   *(["current-page"] if here else [])]
        out = f'<li class="{" ".join(classes)}">{self.link(entry, here)}'
        if not children:
            return out + "</li>"
        switch = f"toctree-checkbox-{entry.number}"
        checked = ' checked=""' if current else ""
        out += (f'<input aria-label="Toggle navigation of {_escape(entry.title)}"{checked} '
                f'class="toctree-checkbox" id="{switch}" name="{switch}" role="switch" '
                f'type="checkbox"/><label for="{switch}"><span class="icon"><svg>'
                f'<use href="#svg-arrow-right"></use></svg></span></label>')
        inner = "\n".join(self.item(child, level + 1, path) for child in children)
        return out + f"<ul{_CURRENT if current else ''}>\n{inner}\n</ul>\n</li>"

    def html(self, pagename: str) -> str:
        """The sidebar tree of ``pagename``."""
        group_at, index_at, path = self.paths.get(pagename, (-1, -1, ()))
        parts = []
        for g, group in enumerate(self.groups):
            if group.caption:
                parts.append('<p class="caption" role="heading"><span class="caption-text">'
                             f"{_escape(group.caption)}</span></p>\n")
            items = list(self.cached[g])
            if g == group_at:
                items[index_at] = self.item(path[0], 1, path)
            parts.append(f"<ul{_CURRENT if g == group_at else ''}>\n" + "\n".join(items)
                         + "\n</ul>\n")
        depth = self.builder.get_target_uri(pagename).count("/")
        return "".join(parts).replace(ROOT, "../" * depth)


def _extra_groups(app: Sphinx) -> list[NavGroup]:
    """The reference pages Sphinx generates that readers look for: the routing table."""
    names = {index[0] for index in getattr(app.builder, "domain_indices", [])}
    partial = partial_build(app.env)  # a shard: other shards' services may have endpoints
    if ROUTING_TABLE not in names and not (partial is not None and partial.routes_elsewhere):
        return []
    title = str(app.config.http_index_localname)
    return [NavGroup("Reference", (NavEntry(title, ROUTING_TABLE),))]


def get_sidebar(app: Sphinx) -> Sidebar:
    """The sidebar of this build's navigation (rendered once, kept on the build's state)."""
    navigation = get_navigation(app)
    state = app_state(app)
    if not (isinstance(state.sidebar, Sidebar) and state.sidebar.navigation is navigation):
        state.sidebar = Sidebar(navigation, app.builder, _extra_groups(app))
    return state.sidebar


def _uses_furo(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.config.html_theme == "furo"


def hold_toctree(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: Any) -> None:
    """``html-page-context``, before furo's: keep furo from resolving the whole toctree."""
    if _uses_furo(app) and "toctree" in context:
        context["docscenter_toctree"] = context.pop("toctree")


def give_navigation(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    """``html-page-context``, after furo's: the navigation tree, and ``toctree`` back for
    templates that call it themselves."""
    if "docscenter_toctree" in context:
        context["toctree"] = context.pop("docscenter_toctree")
        context["furo_navigation_tree"] = get_sidebar(app).html(pagename)


def setup_sidebar(app: Sphinx) -> None:
    """Register the sidebar with Sphinx (furo's own handler runs at priority 500)."""
    app.connect("html-page-context", hold_toctree, priority=400)
    app.connect("html-page-context", give_navigation, priority=600)
