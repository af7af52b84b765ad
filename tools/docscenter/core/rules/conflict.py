"""``conflict``: no page holds the markers of an unresolved merge conflict.

A re-import merges the wiki's new revision into a page someone edited; where both changed the
same lines it writes both versions between ``<<<<<<<``, ``=======`` and ``>>>>>>>`` lines.
Until the writer resolves them the page is refused by ``check``, the build and the hook."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.conflict,)


def check(index: CenterIndex) -> list[Finding]:
    """A finding at the first line of every conflict."""
    return [Finding(index.service_of(page.path), page.path, line, Subtype.conflict,
                    "unresolved merge conflict: keep what should stay between the "
                    "<<<<<<< and >>>>>>> lines and remove the markers")
            for page in index.ordered_pages() for line in page.conflicts]
