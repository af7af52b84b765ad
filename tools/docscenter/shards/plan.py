"""Which services a shard builds, and where shards write.

``--part K/N`` splits the center's services into N parts of about the same number of pages,
the same way on every machine (the split depends on the files alone), so N CI jobs can each
build one part without agreeing on anything but N. A shard writes into
``<build>/shards/<id>/`` (``html``, ``doctrees``, ``shard.json``); its id names its services.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from ..core.center import Center
from ..errors import UsageError

#: Under the build folder: one folder per shard.
SHARDS_DIR = "shards"
PART = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def _pages(center: Center, name: str) -> int:
    folder = center.services_dir / name
    return sum(1 for _ in folder.rglob(f"*{center.source_suffix}")) or 1


def split(center: Center, count: int) -> list[list[str]]:
    """The center's services in ``count`` parts of about the same number of pages (the
    largest service first into the lightest part; ties broken by name)."""
    names = sorted(meta.name for meta in center.services())
    weights = {name: _pages(center, name) for name in names}
    parts: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for name in sorted(names, key=lambda n: (-weights[n], n)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        parts[lightest].append(name)
        loads[lightest] += weights[name]
    return [sorted(part) for part in parts]


def part(center: Center, spec: str) -> list[str]:
    """The services of part ``K/N`` (1-based); a usage error when the spec is malformed."""
    match = PART.match(spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageError(f"--part {spec!r}: expected K/N with 1 <= K <= N, such as 2/4")
    return split(center, int(match[2]))[int(match[1]) - 1]


def check_services(center: Center, names: Sequence[str]) -> list[str]:
    """``names`` as services of the center (sorted, once each); unknown ones are an error."""
    known = {meta.name for meta in center.services()}
    unknown = sorted(set(names) - known)
    if unknown:
        raise UsageError(f"{center.services_dir}: no service {', '.join(map(repr, unknown))}")
    return sorted(set(names))


def shard_id(names: Sequence[str]) -> str:
    """A folder name for the shard of ``names``: the names, or for many, the first and
    last and a digest of all."""
    joined = "+".join(sorted(names))
    if len(joined) <= 60:
        return joined or "empty"
    digest = hashlib.blake2b(joined.encode("utf-8"), digest_size=4).hexdigest()
    return f"{min(names)}...{max(names)}-{digest}"


def shards_root(center: Center) -> Path:
    """The folder holding every shard's folder."""
    return center.build_dir / SHARDS_DIR


def shard_dir(center: Center, names: Sequence[str]) -> Path:
    """Where the shard of ``names`` writes."""
    return shards_root(center) / shard_id(names)
