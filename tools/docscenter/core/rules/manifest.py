"""``manifest``: the wiki import manifest loads, and sends pages only to existing services
(``make import`` would stop otherwise)."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.manifest,)


def check(index: CenterIndex) -> list[Finding]:
    """The manifest's load error, or a finding per entry naming an unknown service."""
    manifest = index.manifest
    if manifest is None:
        return []
    if manifest.error is not None:
        return [Finding(None, manifest.path, None, Subtype.manifest, manifest.error)]
    known = {meta.name for meta in index.services}
    return [Finding(None, manifest.path, None, Subtype.manifest,
                    f"pages entry {entry.number} ({entry.selects!r}) goes to service "
                    f"{entry.service!r}, which does not exist")
            for entry in manifest.entries if entry.service not in known]
