"""The shards ``assemble`` joins: found under the build folder, and checked to make one
center together (the same inputs, every service built exactly once)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.center import Center
from ..errors import UsageError
from ..index_cache import inputs_digest
from .manifest import MANIFEST, ShardManifest, load_manifest
from .plan import shards_root


@dataclass(frozen=True)
class BuiltShard:
    """A shard's folder and manifest."""

    folder: Path
    manifest: ShardManifest

    @property
    def html(self) -> Path:
        return self.folder / "html"

    def pages(self) -> set[str]:
        """The pages this shard publishes, by document name."""
        return set(self.manifest.titles)


def _check_pages(center: Center, shard: BuiltShard, names: tuple[str, ...]) -> None:
    """A shard builds services of the center, and publishes pages of those services only
    (the assembly copies them, and links to them from every page)."""
    where = shard.folder / MANIFEST
    unknown = sorted(set(shard.manifest.services) - set(names))
    if unknown:
        raise UsageError(f"{where}: the center has no service {', '.join(map(repr, unknown))}")
    folders = tuple(f"{center.service_folder(name)}/" for name in shard.manifest.services)
    manifest = shard.manifest
    docs = [*manifest.titles, *manifest.pages, *manifest.index_entries,
            *(ref.doc for ref in manifest.references),
            *(info[0] for routes in manifest.routes.values() for info in routes.values())]
    for doc in docs:
        if not doc.startswith(folders) or ".." in doc.split("/"):
            raise UsageError(f"{where}: page {doc!r} is not in one of the shard's services")


def load_shards(folder: Path) -> list[BuiltShard]:
    """Every shard under ``folder`` (one subfolder each, holding ``shard.json``)."""
    found = sorted(folder.glob(f"*/{MANIFEST}")) if folder.is_dir() else []
    return [BuiltShard(path.parent, load_manifest(path)) for path in found]


def collect_shards(center: Center, folder: Path | None = None) -> list[BuiltShard]:
    """The shards of ``center`` (under its build folder by default), checked: built from the
    center's current docscenter, ``conf.py`` and templates, for its current services, each
    service by one shard. Anything else is a one-line :class:`UsageError`."""
    folder = folder or shards_root(center)
    shards = load_shards(folder)
    if not shards:
        raise UsageError(f"{folder}: no shards to assemble (build them with docscenter build "
                         "--shard SERVICE... or --part K/N)")
    inputs = inputs_digest(center)
    names = tuple(sorted(meta.name for meta in center.services()))
    owner: dict[str, Path] = {}
    for shard in shards:
        where = shard.folder / MANIFEST
        if shard.manifest.inputs != inputs:
            raise UsageError(f"{where}: built with another docscenter, conf.py or templates "
                             "folder than the center has now; build the shard again")
        if tuple(sorted(shard.manifest.center_services)) != names:
            raise UsageError(f"{where}: built when the center had other services; build the "
                             "shard again")
        _check_pages(center, shard, names)
        for name in shard.manifest.services:
            if name in owner:
                raise UsageError(f"{where}: service {name!r} is also built by "
                                 f"{owner[name] / MANIFEST}; remove one of the two shards")
            owner[name] = shard.folder
    missing = [name for name in names if name not in owner]
    if missing:
        raise UsageError(f"{folder}: no shard builds {', '.join(map(repr, missing))} (build "
                         "it with docscenter build --shard)")
    return shards
