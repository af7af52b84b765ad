"""``duplicate_wiki_title``: one stub per wiki page.

Two stubs recording the same wiki title (as the wiki compares titles: ``_`` is a space, the
namespace in any letter case, the first letter after it upper case unless the stub records
that the wiki's titles are case-sensitive there) are two copies of one page: a re-import
refreshes one of them and the other goes stale."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.duplicate_wiki_title,)


def title_key(title: str) -> str:
    """The title as MediaWiki's default rules compare it (first letter not case-sensitive)."""
    title = " ".join(title.replace("_", " ").split()).lstrip(":").strip()
    head, colon, rest = title.partition(":")
    if colon and head.strip() and rest.strip():
        rest = rest.strip()
        return f"{' '.join(head.split()).casefold()}:{rest[:1].upper()}{rest[1:]}"
    return title[:1].upper() + title[1:]


def check(index: CenterIndex) -> list[Finding]:
    """A finding on every stub after the first (in listing order) with the same title."""
    first: dict[str, str] = {}
    findings = []
    for page in index.ordered_pages():
        if not page.wiki_title:
            continue
        key = page.wiki_title if page.wiki_title_exact else title_key(page.wiki_title)
        if key in first:
            findings.append(Finding(
                index.service_of(page.path), page.path, 2, Subtype.duplicate_wiki_title,
                f"imported from the wiki page {page.wiki_title!r} like {first[key]}: keep one "
                "of them and delete the other (a re-import refreshes only one)"))
        else:
            first[key] = page.path
    return findings
