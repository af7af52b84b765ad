"""References between shards, resolved from the shards' inventories (``objects.inv``, the
file intersphinx reads): the pages, labels and terms each shard published, with their URIs
relative to the site's root and their titles.

The assembly resolves the center's own pages' references to services with it while Sphinx
builds them, and afterwards the links each shard left pending (see
:mod:`docscenter.sphinxext.shard`) in the shard's HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sphinx.util.inventory import InventoryFile
from sphinx.util.osutil import relative_uri

from ..core.text import printable
from .manifest import PENDING, Reference

#: The inventory entry type a role names.
ROLE_TYPES = {"doc": "std:doc", "ref": "std:label"}
#: A link a shard left pending, as Sphinx's HTML writer writes it.
PENDING_LINK = re.compile(r'<a class="reference external" href="'
                          + re.escape(PENDING) + r'([0-9a-f]+\.\d+)">(.*?)</a>', re.DOTALL)
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Target:
    """Where a reference leads (relative to the site's root) and the title it shows."""

    uri: str
    title: str


class ShardInventory:
    """The pages, labels and terms of every shard, by entry type and name."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], Target] = {}

    def add(self, data: bytes, pages: Iterable[str]) -> None:
        """Add the entries of one shard's ``objects.inv`` that lead to ``pages`` (the
        documents it publishes)."""
        published = {f"{page}.html" for page in pages}
        for kind, items in InventoryFile.loads(data, uri="").data.items():
            for name, item in items.items():
                if item.uri.split("#", 1)[0] in published:
                    key = name.lower() if kind in ("std:label", "std:term") else name
                    title = name if item.display_name == "-" else item.display_name
                    self.entries.setdefault((kind, key), Target(item.uri, title))

    def find(self, role: str, target: str) -> Target | None:
        """Where ``role`` (a std role) to ``target`` leads (``doc``: an absolute document
        name), if a shard has it."""
        kind = ROLE_TYPES.get(role)
        if kind is None:
            return None
        key = target.lower() if kind == "std:label" else target
        return self.entries.get((kind, key))


def relative_link(from_uri: str, uri: str) -> str:
    """``uri`` (from the site's root, with its anchor) relative to the page ``from_uri``."""
    page, hash_, anchor = uri.partition("#")
    return relative_uri(from_uri, page) + hash_ + anchor


def link_html(role: str, target: Target, from_uri: str, text: str | None) -> str:
    """The HTML of a resolved link, as Sphinx writes one within a site: ``text`` is the
    writer's (explicit title) or None for the target's title."""
    href = relative_link(from_uri, target.uri)
    shown = html.escape(target.title if text is None else text)
    classes = "doc" if role == "doc" else f"std std-{role}"
    return (f'<a class="reference internal" href="{html.escape(href)}">'
            f'<span class="{classes}">{shown}</span></a>')


def resolve_pending(page: str, refs: Mapping[str, Reference], inventory: ShardInventory,
                    from_uri: str) -> tuple[str, list[Reference]]:
    """``page`` (a shard's HTML) with its pending links resolved; the references no shard
    has are left as text and returned."""
    unresolved: list[Reference] = []

    def replace(match: re.Match[str]) -> str:
        ref = refs.get(match[1])
        found = inventory.find(ref.role, ref.target) if ref is not None else None
        if ref is None or found is None:
            if ref is None:
                return match[2]
            unresolved.append(ref)
            return match[2] if ref.explicit else html.escape(ref.target)
        text = html.unescape(TAG.sub("", match[2])) if ref.explicit else None
        return link_html(ref.role, found, from_uri, text)

    return PENDING_LINK.sub(replace, page), unresolved


def unresolved_message(ref: Reference) -> str:
    """The warning of a reference no shard resolves, worded as Sphinx words its own."""
    what = {"doc": "unknown document", "ref": "undefined label"}.get(
        ref.role, f"unresolved {ref.role}")
    where = f"{ref.path}:{ref.line}" if ref.line else ref.path
    return printable(f"{where}: WARNING: {what}: {ref.target!r} (in no shard)")
