"""The assembly (see :mod:`.partial`): the center's own pages built with what the shards
built.

References from the center's pages to the services' pages resolve from the shards'
inventories (:class:`docscenter.shards.links.ShardInventory`) the way Sphinx resolves them
within one build; the HTTP routing table and the general index list the shards' routes and
entries. Joining the shards' HTML, inventories and search indexes to the result is
:mod:`docscenter.shards.merge`'s.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import docname_join

from ..shards.links import ROLE_TYPES, relative_link
from .partial import PartialBuild, partial_build


def _assembly(env: BuildEnvironment) -> PartialBuild | None:
    partial = partial_build(env)
    return partial if partial is not None and partial.assembling else None


def resolve_from_shards(app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref,
                        contnode: nodes.TextElement) -> nodes.reference | None:
    """``missing-reference``: a page, label or term a shard published."""
    assembly = _assembly(env)
    role = node.get("reftype")
    if assembly is None or node.get("refdomain") != "std" or role not in ROLE_TYPES:
        return None
    refdoc = node.get("refdoc", env.docname)
    target = node["reftarget"]
    if role == "doc":
        target = docname_join(refdoc, target)
    found = assembly.inventory.find(role, target)
    if found is None:
        return None  # Sphinx reports it, as in a whole build
    text = contnode.astext() if node.get("refexplicit") else found.title
    inner = nodes.inline(text, text, classes=["doc"] if role == "doc" else ["std", f"std-{role}"])
    uri = app.builder.get_target_uri(refdoc)
    return nodes.reference("", "", inner, internal=True, refuri=relative_link(uri, found.uri))


def add_shard_entries(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: the shards' HTTP routes and general index entries, for the routing
    table, the general index and references to endpoints."""
    assembly = _assembly(env)
    if assembly is None:
        return
    entries: dict[str, Any] = env.domains.index_domain.entries
    routes = env.domains["http"].data if "http" in env.domains else None
    for shard in assembly.shards:
        for docname, items in shard.manifest.index_entries.items():
            entries[docname] = [tuple(item) for item in items]
        if routes is None:
            continue
        for method, paths in shard.manifest.routes.items():
            if method in routes:
                routes[method].update((path, tuple(info)) for path, info in paths.items())


def setup_assembly(app: Sphinx) -> None:
    """Register the assembly's handlers with Sphinx."""
    app.connect("missing-reference", resolve_from_shards, priority=900)
    app.connect("env-updated", add_shard_entries)
