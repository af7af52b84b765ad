"""Read Special:Export XML dumps (schemas 0.8 to 0.11) as a stream of pages.

The dump is parsed incrementally and every finished ``<page>`` is dropped from the tree, so
memory stays flat however large the file is. Parsing goes through defusedxml with DTDs
forbidden: a MediaWiki export never has one, and refusing it up front shuts out entity
expansion bombs and external entities alike.
"""

from __future__ import annotations

import bz2
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from .source_types import SiteInfo, SourceError, WikiPage, article_path_from_base

# Any export schema version; the reader only looks at local names, so 0.8 .. 0.11 (and later
# versions that keep the same elements) read the same way.
_EXPORT_NS = re.compile(r"\Ahttps?://www\.mediawiki\.org/xml/export-\d+\.\d+/?\Z")


def _local(tag: Any) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(elem: Element, name: str) -> Element | None:
    for sub in elem:
        if _local(sub.tag) == name:
            return sub
    return None


def _child_text(elem: Element, name: str) -> str | None:
    sub = _child(elem, name)
    return None if sub is None else (sub.text or "")


class ExportReader:
    """Pages of a Special:Export dump (``.xml``, ``.xml.gz`` or ``.xml.bz2``).

    Iterating yields one :class:`WikiPage` per ``<page>``, taking its last revision;
    :attr:`siteinfo` is read from the head of the file on first use.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._siteinfo: SiteInfo | None = None

    @property
    def siteinfo(self) -> SiteInfo:
        """The dump's ``<siteinfo>`` (all fields None/empty when the dump has none)."""
        if self._siteinfo is None:
            for _ in self._read(head_only=True):
                pass
        assert self._siteinfo is not None
        return self._siteinfo

    def __iter__(self) -> Iterator[WikiPage]:
        return self._read(head_only=False)

    def _open(self) -> io.BufferedIOBase:
        name = self.path.name.lower()
        try:
            if name.endswith(".gz"):
                return gzip.open(self.path, "rb")
            if name.endswith(".bz2"):
                return bz2.open(self.path, "rb")
            return open(self.path, "rb")
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot read: {exc.strerror or exc}") from exc

    def _read(self, head_only: bool) -> Iterator[WikiPage]:
        parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        with self._open() as stream:
            try:
                yield from self._walk(iterparse(stream, ("start", "end"), parser), head_only)
            except ParseError as exc:
                line, col = exc.position
                raise SourceError(
                    f"{self.path}:{line}:{col}: malformed XML: {expat.ErrorString(exc.code)}"
                ) from exc
            except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
                line = parser.parser.CurrentLineNumber
                what = {
                    DTDForbidden: "a document type declaration (DTD)",
                    EntitiesForbidden: "an entity declaration",
                    ExternalReferenceForbidden: "an external entity reference",
                }[type(exc)]
                raise SourceError(
                    f"{self.path}:{line}: refused: the XML contains {what}, "
                    "which a MediaWiki export never has"
                ) from exc
            except (OSError, EOFError) as exc:  # unreadable or corrupt compressed stream
                raise SourceError(f"{self.path}: cannot read: {exc}") from exc

    def _walk(self, events: Iterator[tuple[str, Any]], head_only: bool) -> Iterator[WikiPage]:
        root: Element | None = None
        page: Element | None = None
        last_revision: dict[str, str | None] | None = None
        for event, elem in events:
            name = _local(elem.tag)
            if root is None:
                self._check_root(elem)
                root = elem
                continue
            if event == "start":
                if name == "page" and page is None:
                    if self._siteinfo is None:
                        self._siteinfo = SiteInfo(None, None, None, {})
                    if head_only:
                        return
                    page, last_revision = elem, None
                continue
            if name == "siteinfo" and page is None:
                self._siteinfo = self._parse_siteinfo(elem)
                root.clear()
            elif name in ("revision", "upload") and page is not None:
                # Keep only the newest revision's fields; drop each revision element as soon
                # as it is read so a full-history dump never holds a page's whole history.
                if name == "revision":
                    last_revision = {
                        "id": _child_text(elem, "id"),
                        "timestamp": _child_text(elem, "timestamp"),
                        "contributor": self._contributor(elem),
                        "text": self._text(elem),
                    }
                if any(child is elem for child in page):  # a stray nested one stays put
                    page.remove(elem)
            elif name == "page" and page is not None and page is elem:
                yield self._make_page(page, last_revision)
                page = None
                root.clear()  # finished pages must not pile up under the root
        if self._siteinfo is None:
            self._siteinfo = SiteInfo(None, None, None, {})

    def _check_root(self, elem: Element) -> None:
        tag = elem.tag if isinstance(elem.tag, str) else ""
        uri = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        if _local(tag) != "mediawiki" or (uri and not _EXPORT_NS.match(uri)):
            raise SourceError(
                f"{self.path}: not a MediaWiki export: the root element is <{_local(tag)}>"
                + (f" in namespace {uri}" if uri else "")
                + ", expected <mediawiki> from http://www.mediawiki.org/xml/export-0.X/"
            )

    @staticmethod
    def _parse_siteinfo(elem: Element) -> SiteInfo:
        namespaces: dict[int, str] = {}
        ns_list = _child(elem, "namespaces")
        for ns in ns_list if ns_list is not None else ():
            try:
                namespaces[int(ns.get("key", ""))] = (ns.text or "").strip()
            except ValueError:
                continue  # a malformed key says nothing useful about the wiki
        base = (_child_text(elem, "base") or "").strip() or None
        sitename = (_child_text(elem, "sitename") or "").strip() or None
        return SiteInfo(sitename, base, article_path_from_base(base), namespaces)

    @staticmethod
    def _contributor(revision: Element) -> str | None:
        contributor = _child(revision, "contributor")
        if contributor is None:
            return None
        # Registered users have <username>, anonymous edits <ip>; suppressed ones neither.
        name = _child_text(contributor, "username") or _child_text(contributor, "ip")
        return name.strip() if name and name.strip() else None

    @staticmethod
    def _text(revision: Element) -> str:
        text = _child(revision, "text")
        if text is None or text.get("deleted") is not None:
            return ""
        return text.text or ""

    def _make_page(self, page: Element, revision: dict[str, str | None] | None) -> WikiPage:
        title = (_child_text(page, "title") or "").strip()
        if not title:
            raise SourceError(f"{self.path}: a <page> has no <title>")
        ns_text = (_child_text(page, "ns") or "0").strip()
        try:
            namespace = int(ns_text)
        except ValueError:
            raise SourceError(
                f"{self.path}: page {title!r} has a non-numeric <ns> {ns_text!r}"
            ) from None
        redirect_elem = _child(page, "redirect")
        redirect = None
        if redirect_elem is not None:
            redirect = (redirect_elem.get("title") or "").strip() or None
        revision = revision or {}
        rev_id = (revision.get("id") or "").strip()
        try:
            rev_num = int(rev_id) if rev_id else None
        except ValueError:
            raise SourceError(
                f"{self.path}: page {title!r} has a non-numeric revision id {rev_id!r}"
            ) from None
        siteinfo = self._siteinfo or SiteInfo(None, None, None, {})
        return WikiPage(
            title=title,
            text=revision.get("text") or "",
            namespace=namespace,
            revision=rev_num,
            timestamp=(revision.get("timestamp") or "").strip() or None,
            contributor=revision.get("contributor"),
            redirect=redirect,
            url=siteinfo.page_url(title),
            source=str(self.path),
        )
