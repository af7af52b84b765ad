"""A shard build (see :mod:`.partial`): what it leaves for the assembly.

- A reference the shard cannot resolve (``:doc:`` to another service's page, ``:ref:`` to a
  label it does not have) becomes a pending link: its ``href`` names a
  record that the manifest keeps with the file and line, and the assembly resolves it from the
  other shards' inventories (or reports it, as Sphinx would have).
- Images are named after the file they come from, so two shards never write different
  images under one name.
- ``shard.json`` (:mod:`docscenter.shards.manifest`) is written beside the HTML once the
  build succeeded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set
from pathlib import Path, PurePosixPath
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join
from sphinx.util.nodes import clean_astext

from ..index_cache import inputs_digest
from ..shards.manifest import MANIFEST, PENDING, PREVIOUS, Reference, ShardManifest, load_manifest
from .domain import get_domain
from .partial import PartialBuild, partial_build
from .registry import get_registry
from .state import app_state
from .uri_guard import SHARD_LINK

#: The references a shard leaves pending: std roles naming a page or a section's label.
PENDING_ROLES = frozenset({"doc", "ref"})


def _shard(env: BuildEnvironment) -> PartialBuild | None:
    partial = partial_build(env)
    return partial if partial is not None and not partial.assembling else None


def leave_pending(app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref,
                  contnode: nodes.TextElement) -> nodes.reference | None:
    """``missing-reference`` (after every other handler): a reference that may be resolved
    by another shard becomes a pending link."""
    shard = _shard(env)
    if shard is None or node.get("refdomain") != "std" or node.get("reftype") not in (
            PENDING_ROLES):
        return None
    role, refdoc = node["reftype"], node.get("refdoc", env.docname)
    target = node["reftarget"]
    if role == "doc":
        target = docname_join(refdoc, target)
        prefix = get_registry(env).prefix
        owner = target[len(prefix):].split("/", 1)[0] if target.startswith(prefix) else None
        if owner is None or shard.builds(owner):
            return None  # a page this shard has or should have: Sphinx reports it
    number = shard.counters.get(refdoc, 0) + 1
    shard.counters[refdoc] = number
    key = hashlib.blake2b(refdoc.encode("utf-8"), digest_size=5).hexdigest()
    reference = Reference(f"{key}.{number}", "std", role, target,
                          bool(node.get("refexplicit")), refdoc,
                          env.doc2path(refdoc, False).as_posix(), node.line)
    shard.references.append(reference)
    link = nodes.reference("", "", internal=False, refuri=PENDING + reference.id)
    link[SHARD_LINK] = True  # the assembly's to resolve: not a page's address
    # The text is the target's title, which only the assembly knows: nothing meanwhile (the
    # search index would take the target's name for words of the page).
    link += contnode if reference.explicit else nodes.inline("", "")
    return link


def write_own_pages(app: Sphinx) -> None:
    """``builder-inited``: a shard writes its services' pages only. It reads the center's own
    pages for the navigation and the glossary, but they are the assembly's to write (and
    their references to the other shards' pages are the assembly's to resolve)."""
    shard = _shard(app.env)
    if shard is None:
        return
    builder, registry = app.builder, get_registry(app.env)
    write_all = builder.write_documents

    def write_own(docnames: Set[str]) -> None:
        own = {doc for doc in docnames if (meta := registry.service_of(doc)) is not None
               and shard.builds(meta.name)}
        if own:  # (Sphinx's parallel writer expects at least one)
            write_all(own)

    # An attribute of this build's builder: Sphinx asks it which documents to write.
    builder.write_documents = write_own  # type: ignore[method-assign]


def note_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the documents this build wrote (their pending links are new)."""
    shard = _shard(app.env)
    if shard is not None:
        shard.written.add(docname)


def name_images(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: each image named after its source file, the same in every shard."""
    if _shard(env) is None:
        return
    images = env.images
    images._existing.clear()  # noqa: SLF001 - the names Sphinx made unique, made again here
    for source, (docs, _name) in list(images.items()):
        path = PurePosixPath(source)
        digest = hashlib.blake2b(source.encode("utf-8"), digest_size=4).hexdigest()
        unique = f"{path.stem}-{digest}{path.suffix}"
        images[source] = (docs, unique)
        images._existing.add(unique)  # noqa: SLF001


def _published(env: BuildEnvironment, shard: PartialBuild) -> list[str]:
    registry = get_registry(env)
    return sorted(doc for doc in env.found_docs
                  if (meta := registry.service_of(doc)) is not None and shard.builds(meta.name))


def _routes(env: BuildEnvironment, docs: set[str]) -> dict[str, dict[str, list[Any]]]:
    try:
        domain = env.domains["http"]
    except KeyError:
        return {}
    return {method: {path: list(info) for path, info in domain.data.get(method, {}).items()
                     if info[0] in docs}
            for method in domain.object_types if domain.data.get(method)}


def _references(out: Path, shard: PartialBuild, docs: set[str]) -> list[Reference]:
    """This build's pending references, and the earlier builds' of the pages it kept."""
    kept: list[Reference] = []
    previous = out / PREVIOUS
    if previous.is_file():
        try:
            kept = [ref for ref in load_manifest(previous).references
                    if ref.doc in docs and ref.doc not in shard.written]
        except Exception:  # noqa: BLE001 - an unusable old manifest: every page was written
            kept = []
    return kept + [ref for ref in shard.references if ref.doc in docs]


def write_manifest(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: ``shard.json`` beside the HTML, when the build succeeded."""
    if exception is not None or app.builder.format != "html":
        return
    shard = _shard(app.env)
    if shard is None:
        return
    env = app.env
    docs = _published(env, shard)
    pages = get_domain(env).pages
    entries = env.domains.index_domain.entries
    out = Path(app.outdir).parent
    ShardManifest(
        inputs=inputs_digest(app_state(app).center),
        services=tuple(sorted(shard.own)),
        center_services=tuple(meta.name for meta in shard.services),
        titles={doc: clean_astext(env.titles[doc]) for doc in docs if doc in env.titles},
        pages={doc: pages[doc] for doc in docs if doc in pages},
        routes=_routes(env, set(docs)),
        index_entries={doc: [list(entry) for entry in entries[doc]]
                       for doc in docs if entries.get(doc)},
        references=_references(out, shard, set(docs)),
    ).write(out / MANIFEST)


def setup_shard(app: Sphinx) -> None:
    """Register the shard's handlers with Sphinx."""
    app.connect("builder-inited", write_own_pages, priority=600)  # after the registry
    app.connect("missing-reference", leave_pending, priority=900)
    app.connect("doctree-resolved", note_written)
    app.connect("env-updated", name_images)
    app.connect("build-finished", write_manifest)
