"""The rules: one module per check, each a pure function from the center index to findings.

A new check is one module here (``SUBTYPES`` and ``check(index)``), one entry in
:data:`RULES` and one :class:`~docscenter.core.findings.Subtype` member. Its stage says when
the Sphinx build reports it; ``docscenter check`` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from ..findings import Finding, Subtype
from ..index import CenterIndex
from . import (
    conflict,
    glossary,
    manifest,
    release,
    service_toml,
    stub_markup,
    template,
    toctree,
    undefined_term,
    wiki_title,
)


class Stage(Enum):
    """When the Sphinx build reports a rule's findings."""

    SERVICES = "services"  # once the services are loaded: every build, even with nothing read
    DOCUMENTS = "documents"  # once every document is read (the consistency check)
    SPHINX = "sphinx"  # where Sphinx meets the problem itself (a reference, a toctree entry)
    # Once every document is read, on every build, even when no document was read again
    # (a release build right after an ordinary one must still find what it refuses).
    EVERY_BUILD = "every_build"


@dataclass(frozen=True)
class Rule:
    """One check: the kinds of finding it makes, the function, when the build reports it."""

    subtypes: tuple[Subtype, ...]
    check: Callable[[CenterIndex], Iterable[Finding]]
    stage: Stage


RULES: tuple[Rule, ...] = (
    Rule(service_toml.SUBTYPES, service_toml.check, Stage.SERVICES),
    Rule(template.SUBTYPES, template.check, Stage.DOCUMENTS),
    # Sphinx warns about a dangling toctree entry itself (and fails -W): not reported twice.
    Rule(toctree.SUBTYPES, toctree.check, Stage.SPHINX),
    Rule(glossary.SUBTYPES, glossary.check, Stage.DOCUMENTS),
    # The build reports it when Sphinx fails to resolve the reference, in place of Sphinx's
    # own warning (see docscenter.sphinxext.glossary).
    Rule(undefined_term.SUBTYPES, undefined_term.check, Stage.SPHINX),
    Rule(manifest.SUBTYPES, manifest.check, Stage.DOCUMENTS),
    Rule(release.SUBTYPES, release.check, Stage.EVERY_BUILD),
    Rule(stub_markup.SUBTYPES, stub_markup.check, Stage.DOCUMENTS),
    Rule(conflict.SUBTYPES, conflict.check, Stage.DOCUMENTS),
    Rule(wiki_title.SUBTYPES, wiki_title.check, Stage.DOCUMENTS),
)


def run(index: CenterIndex, stages: Iterable[Stage] = tuple(Stage)) -> list[Finding]:
    """The findings of every rule of ``stages`` (all by default), unsorted, none suppressed."""
    wanted = set(stages)
    return [finding for rule in RULES if rule.stage in wanted for finding in rule.check(index)]
