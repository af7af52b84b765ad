"""When the status dashboard must be read again: only when its figures may have changed.

The dashboard counts, per service, pages, sections, placeholders, stubs and glossary terms
(:mod:`docscenter.status`); computing it scans the whole center. An edit that changes none
of what it counts (a sentence added to a page) leaves it alone. For each page the build
keeps what the dashboard reads of it — the scanner's findings without line numbers, and a
digest of its text to tell whether it is still the page the template generated — and after an
edit compares the page's new state with that record. Added or removed pages, and changed
``service.toml`` files (a dependency the dashboard notes itself), always re-read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..checks import ISO_DATE, generated_pages, scan_text
from .domain import get_domain
from .registry import get_registry

#: Key, in the docscenter domain's data, of each page's record: docname -> (shape, digest).
DATA_KEY = "status_inputs"


def _hash(text: str) -> str:
    # Digests keep the environment (saved and loaded by every build) small.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _digest(text: str) -> str:
    # Dates blanked, as the stub detection compares them (docscenter.checks).
    return _hash(ISO_DATE.sub("YYYY-MM-DD", text))


def page_record(path: Path) -> tuple[str, str]:
    """(what the dashboard counts in the page at ``path``, digest of its text)."""
    text = path.read_text(encoding="utf-8")
    page = scan_text(path.name, text)
    shape = (tuple(title for title, _ in page.sections),
             tuple(target for target, _ in page.toctree),
             tuple(term for term, _ in page.terms),
             tuple(target for target, _ in page.refs),
             len(page.placeholders), page.imported_stub)
    return _hash(repr(shape)), _digest(text)


def note_page(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: record what the dashboard counts in the page just read."""
    env = app.env
    path = Path(env.doc2path(env.docname))
    if path.is_file():
        get_domain(env).data.setdefault(DATA_KEY, {})[env.docname] = page_record(path)


def _counts_changed(env: BuildEnvironment, docname: str) -> bool:
    known = get_domain(env).data.setdefault(DATA_KEY, {}).get(docname)
    path = Path(env.doc2path(docname))
    if known is None or not path.is_file():
        return True
    shape, digest = page_record(path)
    if shape != known[0]:
        return True
    if digest == known[1]:
        return False
    registry = get_registry(env)
    meta = registry.service_of(docname)
    if meta is None:
        return False
    # A page that was, or now is, exactly as the template generates it changes the stubs.
    local = docname[len(registry.prefix) + len(meta.name) + 1:] + path.suffix
    generated = generated_pages(Path(env.srcdir), meta).get(local)
    if generated is None:
        return False
    template = _hash(generated)
    return (known[1] == template) != (digest == template)


def outdated_status(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
                    removed: Set[str]) -> list[str]:
    """``env-get-outdated``: the dashboard pages, when what they count may have changed."""
    status_docs = get_domain(env).data["status_docs"]
    candidates = sorted(status_docs - set(changed) - set(removed))
    if not candidates:
        return []
    if added or removed:
        return candidates
    if any(_counts_changed(env, doc) for doc in sorted(changed) if doc not in status_docs):
        return candidates
    return []


def setup_status_inputs(app: Sphinx) -> None:
    """Register these handlers with Sphinx."""
    app.connect("doctree-read", note_page)
    app.connect("env-get-outdated", outdated_status)
