"""``undefined_term``: every ``:term:`` reference resolves to a glossary term (in any letter
case; ``term_case`` reports a different one)."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex
from .glossary import definitions, references

SUBTYPES = (Subtype.undefined_term,)


def message(target: str) -> str:
    """What the finding says (also when the build meets the unresolved reference)."""
    return f"term {target!r} is not in the glossary"


def check(index: CenterIndex) -> list[Finding]:
    """A finding per reference to no term."""
    known = {term.text.lower() for term in definitions(index)}
    return [Finding(ref.service, ref.path, ref.line, Subtype.undefined_term, message(ref.text))
            for ref in references(index) if ref.text.lower() not in known]
