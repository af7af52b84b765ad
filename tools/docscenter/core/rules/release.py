"""``placeholder`` and ``untouched_stub``: what a release build refuses to publish.

Only when the center builds for release (``docscenter_release``, set for one build by
``docscenter build --release`` or ``docscenter check --release``): every ``XXX``/``TODO``
placeholder left in a page, and every page still exactly as ``new-service`` generated it or
as it was imported from the wiki. Ordinary builds show placeholders to readers in a "to be
written" box instead (:mod:`docscenter.sphinxext.placeholders`).
"""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.placeholder, Subtype.untouched_stub)

UNTOUCHED = {
    "generated": "page still exactly as new-service generated it: write it or remove it",
    "imported": "page still exactly as imported from the wiki: review and edit it, or "
                "remove it",
}


def check(index: CenterIndex) -> list[Finding]:
    """A finding per placeholder line and per untouched page, when building for release."""
    if not index.center.config.release:
        return []
    found: list[Finding] = []
    for page in index.ordered_pages():
        service = index.service_of(page.path)
        found += [Finding(service, page.path, line, Subtype.placeholder,
                          "XXX or TODO placeholder left: write the text it stands for")
                  for line in page.placeholders]
        kind = index.untouched(page)
        if kind is not None:
            found.append(Finding(service, page.path, None, Subtype.untouched_stub,
                                 UNTOUCHED[kind]))
    return found
