"""Pages listing an edited page in their toctree are rewritten only when what they show of it
changed.

Sphinx rewrites every page whose toctree includes a page it read again, because that toctree
shows the page's title (and, deeper toctrees, its section titles). Most edits change neither:
a sentence added to a service's history page need not rewrite the service's landing page, and
the status dashboard read again need not rewrite the front page with its catalogue of every
service. For each page read, the build keeps the text of its table of contents; a page whose
table of contents is unchanged is left out of that rule for this build.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from .domain import get_domain
from .state import app_state

#: Key, in the docscenter domain's data, of a digest of each page's table of contents (a
#: digest keeps the environment, which Sphinx saves and loads on every build, small).
DATA_KEY = "toc_texts"



def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the pages this build reads."""
    app_state(app).docs_read.update(docnames)


def compare_tocs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: which pages read again show another table of contents (new pages
    included); a page not read again cannot have changed its own."""
    known: dict[str, str] = get_domain(env).data.setdefault(DATA_KEY, {})
    state = app_state(app)
    changed = set()
    for docname in state.docs_read:
        text = env.tocs[docname].astext() if docname in env.tocs else ""
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
        if known.get(docname) != digest:
            changed.add(docname)
        known[docname] = digest
    for docname in set(known) - env.found_docs:
        del known[docname]
    state.docs_read, state.toc_changed = set(), changed
    return []


def set_aside(app: Sphinx, builder: Builder) -> None:
    """``write-started``: Sphinx's parents of unchanged pages are not written for them."""
    rebuild: dict[str, set[str]] = builder.env.files_to_rebuild
    state = app_state(app)
    changed, state.toc_changed = state.toc_changed, None
    if changed is None:  # not known (no env-get-updated): Sphinx's rule as it is
        return
    state.toc_aside = {doc: rebuild.pop(doc) for doc in list(rebuild) if doc not in changed}


def put_back(app: Sphinx, exception: Any) -> None:
    """``build-finished``: the parent map as Sphinx keeps it."""
    try:
        state = app_state(app)
    except RuntimeError:  # the build stopped before it started
        return
    app.env.files_to_rebuild.update(state.toc_aside)
    state.toc_aside = {}


def setup_toc_parents(app: Sphinx) -> None:
    """Register these handlers with Sphinx."""
    app.connect("env-before-read-docs", note_read)
    app.connect("env-get-updated", compare_tocs)
    app.connect("write-started", set_aside)
    app.connect("build-finished", put_back)
