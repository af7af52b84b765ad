"""The shared glossary: one glossary page, each term defined once, referenced in the
glossary's own letter case, and used somewhere (``undefined_term`` has its own module)."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.glossary_location, Subtype.duplicate_term, Subtype.term_case,
            Subtype.unused_term)


@dataclass(frozen=True)
class Term:
    """A term defined in a ``glossary`` directive, or the target of a ``:term:`` reference."""

    text: str
    path: str
    line: int | None
    service: str | None = None


def definitions(index: CenterIndex) -> list[Term]:
    """Every glossary term of the center: the shared glossary's first (a term defined again
    elsewhere is the repeat), then the other pages' in listing order."""
    glossary = index.center.glossary_path
    pages = sorted(index.ordered_pages(), key=lambda page: page.path != glossary)
    return [Term(term, page.path, line, index.service_of(page.path))
            for page in pages for term, line in page.terms]


def references(index: CenterIndex) -> list[Term]:
    """Every ``:term:`` reference of the center, in listing order."""
    return [Term(target, page.path, line, index.service_of(page.path))
            for page in index.ordered_pages() for target, line in page.refs]


def _location(defined: list[Term], glossary_path: str) -> list[Finding]:
    outside = sorted({(d.path, d.service or "") for d in defined if d.path != glossary_path})
    return [Finding(service or None, path,
                    min((d.line or 0) for d in defined if d.path == path) or None,
                    Subtype.glossary_location,
                    f"a glossary outside the shared one ({glossary_path}): move its terms there")
            for path, service in outside]


def check(index: CenterIndex) -> list[Finding]:
    """Glossaries outside the shared page, terms defined twice (letter case ignored),
    references in another letter case than the definition, and unused terms."""
    defined = definitions(index)
    findings = _location(defined, index.center.glossary_path)
    by_key: dict[str, list[Term]] = {}
    for term in defined:
        by_key.setdefault(term.text.lower(), []).append(term)
    for same in by_key.values():
        first = same[0]
        findings.extend(Finding(
            repeat.service, repeat.path, repeat.line, Subtype.duplicate_term,
            f"term {repeat.text!r} is defined more than once (also {first.text!r} at "
            f"{first.path}:{first.line})") for repeat in same[1:])
    exact = {term.text for term in defined}
    used: set[str] = set()
    for ref in references(index):
        key = ref.text.lower()
        if key in by_key:
            used.add(key)
        if ref.text not in exact and key in by_key:
            findings.append(Finding(ref.service, ref.path, ref.line, Subtype.term_case,
                                    f"term {ref.text!r} differs in letter case from the "
                                    f"glossary's {by_key[key][0].text!r}"))
    findings.extend(Finding(same[0].service, same[0].path, same[0].line, Subtype.unused_term,
                            f"term {same[0].text!r} is not referenced by any page")
                    for key, same in by_key.items() if key not in used)
    return findings
