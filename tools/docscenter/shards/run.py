"""``docscenter build --shard`` and ``docscenter assemble``: Sphinx run for a shard or for
the assembly, with the center's own strict options, and the shards joined to the result."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.center import Center
from ..errors import UsageError
from ..sphinx_build import sphinx_command
from .collect import collect_shards
from .links import ShardInventory
from .manifest import MANIFEST, PREVIOUS
from .merge import merge_shards
from .plan import check_services, part, shard_dir, shards_root

#: Where the assembly builds before its result replaces the HTML folder.
ASSEMBLY_DIR = "assembly"


def _sphinx(center: Center, jobs: str, setting: tuple[str, str], folder: Path,
            release: bool) -> list[str]:
    """sphinx-build as ``docscenter build`` runs it (strict, parallel), into ``folder``."""
    return sphinx_command(center, "html", jobs, folder / "html", folder / "doctrees",
                          dict([setting]), release=release)


@dataclass(frozen=True)
class ShardBuild:
    """A shard build: its services, its folder, Sphinx's exit status."""

    services: list[str]
    folder: Path
    returncode: int


def shard_services(center: Center, names: Sequence[str], spec: str | None) -> list[str]:
    """The services a shard builds: those named, or those of part ``spec`` (K/N)."""
    if spec is not None and names:
        raise UsageError("build --part K/N builds the services of part K; name no service")
    chosen = part(center, spec) if spec is not None else check_services(center, names)
    if not chosen and spec is None:
        raise UsageError("build --shard needs the services to build (or --part K/N)")
    return chosen


def build_shard(center: Center, services: list[str], jobs: str,
                release: bool = False) -> ShardBuild:
    """Build ``services`` as a shard into ``<build>/shards/<id>/``; its ``shard.json`` is
    written only when the build succeeds. No services (a part of more parts than there are
    services), no build."""
    if not services:
        return ShardBuild([], shards_root(center), 0)
    folder = shard_dir(center, services)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / MANIFEST).is_file():
        (folder / MANIFEST).replace(folder / PREVIOUS)
    setting = ("docscenter_shard", ",".join(services))
    done = subprocess.run(_sphinx(center, jobs, setting, folder, release), check=False)
    return ShardBuild(services, folder, min(done.returncode, 2))


@dataclass
class Assembly:
    """What ``assemble`` did: where the site is, the shards joined, the warnings of
    references no shard resolves, and the exit status."""

    html: Path
    shards: int
    returncode: int
    warnings: list[str] = field(default_factory=list)


def _replace(folder: Path, new: Path) -> None:
    """``new`` in place of ``folder``, in two renames (the old one removed after)."""
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def assemble(center: Center, jobs: str, release: bool = False) -> Assembly:
    """Build the center's own pages with what the shards built, join the shards' pages,
    inventories and search indexes to them, and put the site in ``<build>/html``."""
    shards = collect_shards(center)
    work = center.build_dir / ASSEMBLY_DIR
    shutil.rmtree(work, ignore_errors=True)  # the assembly is built afresh every time
    setting = ("docscenter_assemble", str(shards_root(center).resolve()))
    done = subprocess.run(_sphinx(center, jobs, setting, work, release), check=False)
    html = center.build_dir / "html"
    if done.returncode != 0 or not (work / "html").is_dir():
        return Assembly(html, len(shards), min(done.returncode, 2) or 1)
    inventory = ShardInventory()
    for shard in shards:
        if (shard.html / "objects.inv").is_file():
            inventory.add((shard.html / "objects.inv").read_bytes(), shard.pages())
    warnings = merge_shards(work / "html", shards, inventory, center.config.services_dir)
    _replace(html, work / "html")
    return Assembly(html, len(shards), 1 if warnings else 0, warnings)
