"""``stub_markup``: an imported page still exactly as imported uses only the markup the
importer writes (:mod:`docscenter.core.vocabulary`). The importer never writes anything else,
so anything else on such a page came from somewhere it should not have (a converter bug, a
hand-made stub): the build shows it as text and this rule names it. A page a writer has
edited is reviewed content and may use any markup."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex
from ..vocabulary import describe

SUBTYPES = (Subtype.stub_markup,)


def check(index: CenterIndex) -> list[Finding]:
    """A finding per kind of foreign markup on each untouched imported page, at its first
    line."""
    findings = []
    for page in index.ordered_pages():
        if not page.imported_stub:
            continue
        seen: set[tuple[str, str]] = set()
        for markup in page.foreign_markup:
            if (markup.kind, markup.name) in seen:
                continue
            seen.add((markup.kind, markup.name))
            findings.append(Finding(
                index.service_of(page.path), page.path, markup.line, Subtype.stub_markup,
                f"imported page uses {describe(markup)}, which the importer never writes: "
                "the build shows it as text (edit the page to keep it, after review)"))
    return findings
