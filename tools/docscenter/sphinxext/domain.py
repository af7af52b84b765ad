"""The ``docscenter`` domain: holds the directives (``docscenter:resources`` ...) and the
per-document data the extension keeps in the environment (merged after parallel reads)."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from .catalogue import CatalogueDirective
from .resources import ResourcesDirective
from .status import StatusDirective


class DocscenterDomain(Domain):
    name = "docscenter"
    label = "docscenter"
    directives = {
        "resources": ResourcesDirective,
        "catalogue": CatalogueDirective,
        "status": StatusDirective,
    }
    initial_data: dict[str, Any] = {
        "catalogue_docs": set(),  # documents showing the catalogue
        "service_names": (),  # services known when the catalogue was last read
        "status_docs": set(),  # documents showing the status dashboard
        "term_defs": {},  # docname -> [(glossary term, line)]
        "term_refs": {},  # docname -> [(:term: target, line)]
        "backlinks": {},  # docname -> the glossary cross-references it was last written with
        "status_inputs": {},  # docname -> what the status dashboard counts in it
    }

    @property
    def catalogue_docs(self) -> set[str]:
        return self.data["catalogue_docs"]

    def clear_doc(self, docname: str) -> None:
        self.catalogue_docs.discard(docname)
        self.data["status_docs"].discard(docname)
        self.data["term_defs"].pop(docname, None)
        self.data["term_refs"].pop(docname, None)
        self.data.setdefault("status_inputs", {}).pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self.catalogue_docs.update(otherdata["catalogue_docs"] & set(docnames))
        self.data["status_docs"].update(otherdata["status_docs"] & set(docnames))
        for key in ("term_defs", "term_refs", "status_inputs"):
            self.data.setdefault(key, {}).update(
                (doc, refs) for doc, refs in otherdata.get(key, {}).items() if doc in docnames
            )

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:  # nothing to resolve
        return []


def get_domain(env: BuildEnvironment) -> DocscenterDomain:
    return env.domains["docscenter"]  # type: ignore[return-value]
