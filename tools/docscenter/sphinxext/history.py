"""Page history: at the end of every page, when and by whom its source last changed.

"Last changed 2026-01-05 by Ada Lovelace (1a2b3c4d5e6f)", plus links to the file's history and
source when ``conf.py`` configures the repository's web view::

    docscenter_vcs_web = {
        "history": "https://hg.example.org/center/log/tip/{path}",
        "source": "https://hg.example.org/center/file/tip/{path}",
        "changeset": "https://hg.example.org/center/rev/{node}",  # optional
    }

``{path}`` is the page's source file relative to the repository root, ``{node}`` the short
changeset id. The data comes from ONE history command per build
(:meth:`docscenter.vcs.Repo.last_changes`, Mercurial or Git), never one per page. Pages not yet
committed show nothing; a center in no repository builds as before.

The line is added when a page is written, not when it is read. Committing does not change a
source file, so an incremental build would keep the old line: ``env-get-updated`` therefore asks
Sphinx to rewrite (not re-read) exactly the pages whose last change differs from the one they
were last written with.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from .. import vcs, vcs_web
from ..core.findings import Subtype
from ..vcs import Change
from .domain import get_domain
from .log import warn
from .state import NotKept

#: Key, in the docscenter domain's data, of the change each page was last written with.
DATA_KEY = "page_history"
#: Where the build's page history is kept on the environment (not pickled with it).
ATTRIBUTE = "docscenter_page_history"
#: The links ``docscenter_vcs_web`` may configure, in the order they are shown.
LINKS = ("history", "source")
WEB_KEYS = (*LINKS, "changeset", "edit")


class PageHistory(NotKept):
    """What one build knows: each repository file's last change, and which file each page is."""

    def __init__(self, app: Sphinx) -> None:
        self.by_file: dict[str, Change] = {}
        self.root: Path | None = None
        self.pages: dict[str, tuple[Change, str]] = {}  # docname -> (change, repository path)
        repo = vcs.detect(Path(app.srcdir)) if app.config.docscenter_page_history else None
        if repo is None:
            return
        if _shallow(repo):
            # A shallow clone's oldest commit seems to have changed every file: no wrong dates.
            warn(Subtype.vcs, f"{repo.root}: shallow clone, page history left out (fetch the "
                 "full history to show it)")
            return
        try:
            self.by_file = repo.last_changes()  # the one VCS command of the build
        except vcs.VcsError as exc:
            warn(Subtype.vcs, f"page history left out: {exc}")
            return
        self.root = repo.root

    def map_pages(self, env: BuildEnvironment) -> None:
        """Match the center's documents to repository files (once the documents are known)."""
        self.pages.clear()
        if self.root is None:
            return
        for docname in env.found_docs:
            path = Path(env.doc2path(docname))
            try:
                relative = (path.parent.resolve() / path.name).relative_to(self.root).as_posix()
            except ValueError:
                continue
            if relative in self.by_file:
                self.pages[docname] = (self.by_file[relative], relative)


def _shallow(repo: vcs.Repo) -> bool:
    """Whether ``repo`` is a shallow Git clone (a CI checkout with ``--depth``)."""
    return repo.kind == "git" and (repo.root / ".git" / "shallow").exists()


def page_history(app: Sphinx) -> PageHistory:
    """The build's page history, asked of the repository on first use."""
    history = known_history(app.env)
    if history is None:
        history = PageHistory(app)
        history.map_pages(app.env)
        setattr(app.env, ATTRIBUTE, history)
    return history


def known_history(env: BuildEnvironment) -> PageHistory | None:
    """The build's page history, when it asked the repository already."""
    history = getattr(env, ATTRIBUTE, None)
    return history if isinstance(history, PageHistory) else None


def load_history(app: Sphinx) -> None:
    """``builder-inited``: ask the repository before any page is read, so that parallel readers
    (forked later) share the answer instead of asking again. HTML builders only: the others
    never show it."""
    if app.builder.format == "html":
        page_history(app)


def _fingerprint(change: Change | None) -> tuple[str, str, str] | None:
    return None if change is None else (change.node, change.author, change.date.isoformat())


def outdated_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages whose last change differs from the one they were written
    with (HTML builders only: others never show it, and need no VCS call)."""
    if app.builder.format != "html":
        return []
    history = page_history(app)
    history.map_pages(env)  # documents added or removed since the history was loaded
    known: dict[str, Any] = get_domain(env).data.setdefault(DATA_KEY, {})
    current = {doc: _fingerprint(history.pages.get(doc, (None, ""))[0])
               for doc in env.found_docs}
    # Pages missing from `known` (new, or written before this feature) are rewritten too.
    stale = sorted(doc for doc, value in current.items() if known.get(doc, ()) != value)
    known.clear()
    known.update(current)
    return stale


def _url(template: str, path: str, node: str) -> str:
    return template.format(path=quote(path), node=quote(node))


def _link(url: str, text: str) -> str:
    return f'<a class="reference external" href="{html.escape(url)}">{text}</a>'


def history_html(change: Change, path: str, web: dict[str, str]) -> str:
    """The HTML line for one page: date, author, node, and the configured links.

    ``path`` is the page's source relative to the repository root; ``web`` is
    ``docscenter_vcs_web``.
    """
    node = html.escape(change.node)
    if "changeset" in web:
        node = _link(_url(web["changeset"], path, change.node), node)
    author = html.escape(change.author or change.email or "unknown")
    text = (f'Last changed <time datetime="{html.escape(change.date.isoformat())}">'
            f"{change.date:%Y-%m-%d}</time> by {author} ({node})")
    links = [_link(_url(web[name], path, change.node), name) for name in LINKS if name in web]
    if links:
        text += " — " + " · ".join(links)
    return f'<p class="docscenter-page-history">{text}</p>\n'


def add_history(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                doctree: Any) -> None:
    """``html-page-context``: append the last-change line to the body of a source page."""
    if doctree is None or "body" not in context:
        return
    found = page_history(app).pages.get(pagename)
    if found is None:
        return
    change, path = found
    context["body"] += history_html(change, path, app.config.docscenter_vcs_web or {})


def check_config(app: Sphinx, config: Config) -> None:
    """``config-inited``: an unknown key or placeholder in ``docscenter_vcs_web`` is a warning
    naming it, and that link is left out (its type is checked with the other settings).
    Without one, the web view is derived from the repository's default remote when
    ``docscenter_vcs_web_auto`` is on."""
    web = config.docscenter_vcs_web
    if web == {} and config.docscenter_vcs_web_auto:
        web, prefix = vcs_web.derive(Path(app.srcdir))
        edit_buttons(config, web, prefix)
    valid = {}
    for key, template in web.items():
        if key not in WEB_KEYS:
            warn(Subtype.vcs, f"docscenter_vcs_web: unknown key {key!r} "
                 f"(expected {', '.join(WEB_KEYS)})")
            continue
        try:
            _url(str(template), "source/index.rst", "0123456789ab")
        except (KeyError, IndexError, ValueError) as exc:
            warn(Subtype.vcs, f"docscenter_vcs_web[{key!r}]: bad URL template {template!r} "
                 f"({exc!r}; use {{path}} and {{node}})")
            continue
        valid[key] = str(template)
    config.docscenter_vcs_web = valid


def edit_buttons(config: Config, web: dict[str, str], prefix: str) -> None:
    """furo's "Edit this page" and "View this page" buttons from the derived web view
    (``prefix``: the center's folder in the repository), unless conf.py sets them."""
    if config.html_theme != "furo" or not isinstance(config.html_theme_options, dict):
        return
    filename = quote(prefix).replace("{", "{{").replace("}", "}}") + "{filename}"
    for key, option in (("edit", "source_edit_link"), ("source", "source_view_link")):
        if key in web:
            template = web[key].replace("{", "{{").replace("}", "}}")
            config.html_theme_options.setdefault(
                option, template.replace("{{path}}", filename))


def setup_history(app: Sphinx) -> None:
    """Register the page history with Sphinx."""
    app.connect("config-inited", check_config)
    app.connect("builder-inited", load_history)
    app.connect("env-get-updated", outdated_pages)
    app.connect("html-page-context", add_history)
