"""The ``docscenter`` domain: the namespace of the directives (``docscenter:resources`` ...,
each registered by its component) and the per-document data the extension keeps in the
environment (merged after parallel reads)."""

from __future__ import annotations

from collections.abc import Set
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from ..core.index import PageFacts

NAME = "docscenter"


class DocscenterDomain(Domain):
    name = NAME
    label = "docscenter"
    initial_data: ClassVar[dict[str, Any]] = {
        "catalogue_docs": set(),  # documents showing the catalogue
        "service_names": (),  # services known when the catalogue was last read
        "status_docs": set(),  # documents showing the status dashboard
        "pages": {},  # docname -> PageFacts: what the rules look at (see sphinxext.index)
        "backlinks": {},  # docname -> the glossary cross-references it was last written with
    }

    @property
    def catalogue_docs(self) -> set[str]:
        docs: set[str] = self.data["catalogue_docs"]
        return docs

    @property
    def pages(self) -> dict[str, PageFacts]:
        """What each document holds that the rules look at, by docname."""
        pages: dict[str, PageFacts] = self.data["pages"]
        return pages

    def clear_doc(self, docname: str) -> None:
        self.catalogue_docs.discard(docname)
        self.data["status_docs"].discard(docname)
        self.pages.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self.catalogue_docs.update(otherdata["catalogue_docs"] & set(docnames))
        self.data["status_docs"].update(otherdata["status_docs"] & set(docnames))
        self.pages.update((doc, facts) for doc, facts in otherdata["pages"].items()
                          if doc in docnames)

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: pending_xref, contnode: Element,
                         ) -> list[tuple[str, nodes.reference]]:
        return []  # nothing to resolve


def get_domain(env: BuildEnvironment) -> DocscenterDomain:
    domain = env.domains[NAME]
    assert isinstance(domain, DocscenterDomain)
    return domain

