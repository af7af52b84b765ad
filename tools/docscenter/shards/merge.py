"""Joining the shards to the assembly's HTML: their services' pages (and sources, images,
downloads), their pending links resolved, one ``objects.inv`` and one search index."""

from __future__ import annotations

import filecmp
import re
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError
from .collect import BuiltShard
from .links import ShardInventory, resolve_pending, unresolved_message
from .manifest import Reference
from .search import join_indexes, read_index, write_index

INVENTORY = "objects.inv"
SEARCH_INDEX = "searchindex.js"
#: Folders of a shard's output shared by every page: each file is taken once.
SHARED = ("_images", "_downloads")


def _files(source: Path) -> list[Path]:
    """The files under ``source``. A shard comes from elsewhere (a CI artifact): a symbolic
    link in it could bring any file of this machine into the site, and is refused."""
    found = []
    for path in [source, *sorted(source.rglob("*"))]:
        if path.is_symlink():
            raise UsageError(f"{path}: a symbolic link in a shard; build the shard again")
        if path.is_file():
            found.append(path)
    return found


def _copy(source: Path, target: Path, *, shared: bool) -> None:
    """Copy the files under ``source`` into ``target``. ``shared``: a file already there is
    kept when it is the same and a conflict when it differs (another shard wrote it)."""
    for path in _files(source):
        destination = target / path.relative_to(source)
        if shared and destination.exists():
            if not filecmp.cmp(path, destination, shallow=False):
                raise UsageError(f"{path}: differs from {destination}, which another shard "
                                 "wrote; build the shards again")
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def copy_pages(shard: BuiltShard, out: Path, services_dir: str) -> None:
    """The shard's services' pages and sources, and the images and downloads they use."""
    for name in shard.manifest.services:
        for base in ("", "_sources/"):
            source = shard.html / f"{base}{services_dir}/{name}"
            if source.exists() or source.is_symlink():
                _copy(source, out / f"{base}{services_dir}/{name}", shared=False)
    for folder in SHARED:
        if (shard.html / folder).exists() or (shard.html / folder).is_symlink():
            _copy(shard.html / folder, out / folder, shared=True)


def resolve_links(shard: BuiltShard, out: Path, inventory: ShardInventory) -> list[Reference]:
    """Resolve the links the shard left pending in its pages under ``out``; the references
    no shard has are returned (and left as text)."""
    by_doc: dict[str, dict[str, Reference]] = {}
    for ref in shard.manifest.references:
        by_doc.setdefault(ref.doc, {})[ref.id] = ref
    unresolved: list[Reference] = []
    for doc, refs in sorted(by_doc.items()):
        page = out / f"{doc}.html"
        if not page.is_file():
            continue
        text, missing = resolve_pending(page.read_text(encoding="utf-8"), refs, inventory,
                                        f"{doc}.html")
        page.write_text(text, encoding="utf-8")
        unresolved += missing
    return unresolved


def _lines(path: Path) -> tuple[list[bytes], list[bytes]]:
    """The header and the entry lines of an ``objects.inv``."""
    data = path.read_bytes()
    parts = data.split(b"\n", 4)
    if len(parts) < 5 or not parts[0].startswith(b"# Sphinx inventory version 2"):
        raise UsageError(f"{path}: not a Sphinx inventory")
    return parts[:4], zlib.decompress(parts[4]).splitlines()


#: An inventory line: name, type, priority, URI, display name (as Sphinx reads them).
ENTRY = re.compile(rb"(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)")


def _entry(line: bytes) -> tuple[tuple[bytes, bytes], bytes] | None:
    """The (name, type) of an inventory line and the page it leads to."""
    match = ENTRY.match(line.rstrip())
    return ((match[1], match[2]), match[4].split(b"#", 1)[0]) if match else None


def merge_inventories(out: Path, shards: Iterable[BuiltShard]) -> None:
    """One ``objects.inv``: the assembly's entries and each shard's for its own pages."""
    header, lines = _lines(out / INVENTORY)
    seen = {entry[0] for line in lines if (entry := _entry(line)) is not None}
    for shard in shards:
        if not (shard.html / INVENTORY).is_file():
            continue
        pages = {f"{doc}.html".encode() for doc in shard.pages()}
        for line in _lines(shard.html / INVENTORY)[1]:
            entry = _entry(line)
            if entry is not None and entry[1] in pages and entry[0] not in seen:
                seen.add(entry[0])
                lines.append(line)
    body = zlib.compress(b"".join(line + b"\n" for line in lines), 9)
    (out / INVENTORY).write_bytes(b"\n".join(header) + b"\n" + body)


def merge_search(out: Path, shards: Iterable[BuiltShard]) -> None:
    """One search index: the assembly's pages and each shard's own."""
    parts = [(read_index(shard.html / SEARCH_INDEX), shard.pages()) for shard in shards
             if (shard.html / SEARCH_INDEX).is_file()]
    write_index(out / SEARCH_INDEX, join_indexes(read_index(out / SEARCH_INDEX), parts))


def merge_shards(out: Path, shards: list[BuiltShard], inventory: ShardInventory,
                 services_dir: str) -> list[str]:
    """Join ``shards`` to the assembly's output ``out``; the warnings about references no
    shard resolves."""
    warnings: list[str] = []
    for shard in shards:
        copy_pages(shard, out, services_dir)
        warnings += [unresolved_message(ref) for ref in resolve_links(shard, out, inventory)]
    merge_inventories(out, shards)
    merge_search(out, shards)
    return warnings
