"""The site navigation, resolved once per build instead of once per page.

Furo's sidebar asks Sphinx for the whole toctree on every page and reparses it as HTML, so
writing one page costs time proportional to the size of the center, and a full build grows
with its square. Here the toctrees are walked once per build into a small model
(:class:`Navigation`: captions, entries, titles, children) that :mod:`.sidebar` renders
per page by reusing every part that does not contain the page.

The model also tells which pages must be written again after an edit
(``env-get-updated``): the navigation of every page shows the center's own pages and one
link per service, and the pages of one service show that service expanded. So a change of
the former rewrites every page, a change inside one service only that service's pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import url_re
from sphinx.util.nodes import clean_astext
from sphinx.util.tags import Tags

from .domain import get_domain
from .partial import SERVICES_ATTRIBUTE, partial_build
from .registry import get_registry
from .state import app_state

#: Key, in the docscenter domain's data, of the navigation the pages were last written with.
DATA_KEY = "navigation"
#: Pages Sphinx generates that a toctree may name (as Sphinx's own toctree resolution does).
GENERATED = {"genindex": "Index", "modindex": "Module Index", "search": "Search Page"}


@dataclass(frozen=True, eq=False)
class NavEntry:
    """One entry of the navigation: a page (``docname``) or an external ``url``."""

    title: str
    docname: str | None
    url: str | None = None
    children: tuple[NavEntry, ...] = ()
    number: int = 0  # makes the expand/collapse switch's id unique in the page

    def key(self) -> tuple[object, ...]:
        """What readers see of this entry and below it (for change detection)."""
        return (self.title, self.docname or self.url, tuple(c.key() for c in self.children))

    def docnames(self) -> Iterator[str]:
        """The pages in this entry's subtree, itself included."""
        if self.docname:
            yield self.docname
        for child in self.children:
            yield from child.docnames()


@dataclass(frozen=True)
class NavGroup:
    """The entries of one top-level toctree, under its caption."""

    caption: str | None
    entries: tuple[NavEntry, ...]


@dataclass
class Navigation:
    """The whole navigation of a build, and which top-level entries are services."""

    groups: list[NavGroup]
    services: set[str] = field(default_factory=set)  # landing docnames of the services
    routes: bool = False  # whether the HTTP routing table exists

    def is_service(self, entry: NavEntry) -> bool:
        return entry.docname in self.services

    def fingerprint(self) -> tuple[tuple[object, ...], dict[str, tuple[object, ...]]]:
        """(what every page shows, what each service's own pages show of their service)."""
        shared = tuple(
            (group.caption, tuple((e.title, e.docname) if self.is_service(e) else e.key()
                                  for e in group.entries))
            for group in self.groups)
        per_service = {e.docname: e.key() for group in self.groups for e in group.entries
                       if e.docname and self.is_service(e)}
        return (shared, self.routes), per_service


class _Walker:
    """Walks the toctrees from the root document the way Sphinx does for a sidebar that
    shows titles only, hidden toctrees included, to any depth."""

    def __init__(self, env: BuildEnvironment, tags: Tags,
                 elsewhere: dict[str, str] | None = None) -> None:
        self.env = env
        self.tags = tags
        self.numbers = 0
        self.elsewhere = elsewhere or {}  # landing pages built by another part -> titles

    def visible(self, toctree: nodes.Element) -> bool:
        """False inside an ``.. only::`` whose expression is false for this builder."""
        parent = toctree.parent
        while parent is not None:
            if isinstance(parent, addnodes.only) and not self.tags.eval_condition(
                    parent["expr"]):
                return False
            parent = parent.parent
        return True

    def toctrees(self, tree: nodes.Node) -> Iterator[addnodes.toctree]:
        return (t for t in tree.findall(addnodes.toctree) if self.visible(t))

    def entries(self, toctree: addnodes.toctree, parents: tuple[str, ...]) -> list[NavEntry]:
        found = []
        services = toctree.get(SERVICES_ATTRIBUTE)
        if services is not None:  # a partial build: services built elsewhere are one link
            for docname in services:
                entry = self.entry(None, docname, toctree["parent"], parents)
                if entry is None and docname in self.elsewhere:
                    entry = NavEntry(self.elsewhere[docname], docname)
                if entry is not None:
                    found.append(entry)
            return found
        for title, ref in toctree["entries"]:
            entry = self.entry(title, ref, toctree["parent"], parents)
            if entry is not None:
                found.append(entry)
        return found

    def entry(self, title: str | None, ref: str, parent: str,
              parents: tuple[str, ...]) -> NavEntry | None:
        if url_re.match(ref):
            return NavEntry(title or ref, None, ref)
        if ref in GENERATED:
            return NavEntry(title or GENERATED[ref], ref)
        own_children = ref != "self"
        docname = parent if ref == "self" else ref
        if docname not in self.env.titles or docname in parents:
            return None  # a missing page or a cycle: Sphinx reports both while reading
        children: list[NavEntry] = []
        if own_children and docname in self.env.tocs:
            for sub in self.toctrees(self.env.tocs[docname]):
                children += self.entries(sub, (*parents, docname))
        number = 0
        if children:
            self.numbers += 1
            number = self.numbers
        text = title or clean_astext(self.env.titles[docname])
        return NavEntry(text, docname, None, tuple(children), number)


def build_navigation(env: BuildEnvironment, tags: Tags) -> Navigation:
    """The navigation of the whole center, from the root document's toctrees."""
    registry = get_registry(env)
    partial = partial_build(env)
    everyone = partial.services if partial else list(registry.services.values())
    landings = {registry.prefix + meta.name + "/index": meta for meta in everyone}
    elsewhere = {doc: partial.title(meta, doc) for doc, meta in landings.items()
                 if partial is not None and not partial.builds(meta.name)}
    walker = _Walker(env, tags, elsewhere)
    root = env.config.root_doc
    groups = []
    if root in env.tocs:  # the toctrees of a page, kept in the environment: no doctree read
        for toctree in walker.toctrees(env.tocs[root]):
            entries = walker.entries(toctree, (root,))
            if entries:
                groups.append(NavGroup(toctree.get("caption"), tuple(entries)))
    return Navigation(groups, set(landings), _has_routes(env))


def _has_routes(env: BuildEnvironment) -> bool:
    try:
        domain = env.domains["http"]
    except KeyError:
        return False
    return any(bool(routes) for routes in getattr(domain, "routes", {}).values())


def get_navigation(app: Sphinx) -> Navigation:
    """This build's navigation (walked once, when first asked after reading; kept on the
    build's state, so forked parallel writers inherit it)."""
    state = app_state(app)
    if not isinstance(state.navigation, Navigation):
        state.navigation = build_navigation(app.env, app.builder.tags)
    return state.navigation


def outdated_navigation(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the pages whose navigation changed since they were written."""
    if app.builder.format != "html":
        return []
    app_state(app).navigation = None  # the documents just read may have changed it
    navigation = get_navigation(app)
    shared, services = navigation.fingerprint()
    data: dict[str, Any] = get_domain(env).data
    previous = data.get(DATA_KEY)
    data[DATA_KEY] = (shared, services)
    if previous is None or previous[0] != shared:
        return sorted(env.found_docs)
    stale = [e for group in navigation.groups for e in group.entries
             if e.docname in services and previous[1].get(e.docname) != services[e.docname]]
    return sorted({doc for entry in stale for doc in entry.docnames()} & env.found_docs)


def setup_navigation(app: Sphinx) -> None:
    """Register the navigation with Sphinx (the sidebar renders it: see :mod:`.sidebar`)."""
    app.connect("env-get-updated", outdated_navigation)
