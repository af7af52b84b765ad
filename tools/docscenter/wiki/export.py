"""Read Special:Export XML dumps (schemas 0.8 to 0.11) as a stream of pages.

The dump is fed to the XML parser in small chunks and the parser's events go to
:class:`_ExportTarget`, which keeps only the few fields a page needs and never builds a tree,
so memory stays flat however large the file is, and however large one page claims to be: text
beyond ``max_page_size`` is not kept, and the page is reported and skipped (see
:class:`~.source_limits.SourceSession`) while the others are read. Parsing goes through
defusedxml with DTDs forbidden: a MediaWiki export never has one, and refusing it up front
shuts out entity expansion bombs and external entities alike.
"""

from __future__ import annotations

import bz2
import gzip
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .source_limits import SkippedPage, SourceSession, utf8_size
from .source_types import (
    SiteInfo,
    SourceError,
    WikiPage,
    WikiRevision,
    article_path_from_base,
    checked_site_url,
)

# Any export schema version; the reader only looks at local names, so 0.8 .. 0.11 (and later
# versions that keep the same elements) read the same way.
_EXPORT_NS = re.compile(r"\Ahttps?://www\.mediawiki\.org/xml/export-\d+\.\d+/?\Z")
CHUNK = 256 * 1024  # bytes fed to the parser at a time

# The elements whose text is kept, by their path below <mediawiki>.
_FIELDS = {
    ("siteinfo", "sitename"): "sitename",
    ("siteinfo", "base"): "base",
    ("siteinfo", "namespaces", "namespace"): "namespace",
    ("page", "title"): "title",
    ("page", "ns"): "ns",
    ("page", "revision", "id"): "id",
    ("page", "revision", "timestamp"): "timestamp",
    ("page", "revision", "contributor", "username"): "contributor",
    ("page", "revision", "contributor", "ip"): "contributor",
    ("page", "revision", "comment"): "comment",
    ("page", "revision", "text"): "text",
}
_PAGE, _REVISION, _SITEINFO = ("page",), ("page", "revision"), ("siteinfo",)


def _local(tag: object) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _ExportTarget:
    """Receives the parser's events; collects finished pages (or skipped ones) in ``done``."""

    def __init__(self, path: Path, max_page: int, line: Callable[[], int],
                 revisions: bool = False) -> None:
        self.path, self.max_page, self.line = path, max_page, line
        self.revisions = revisions  # also hand on every revision as it ends (history)
        self.root: str | None = None
        self.stack: list[str] = []  # local names below the root
        self.siteinfo: SiteInfo | None = None
        self.done: list[WikiPage | SkippedPage | WikiRevision] = []
        self._site: dict[str, object] = {}
        self._namespaces: dict[str, str | None] = {}  # <namespace key=...> -> its name
        self._cases: dict[str, str] = {}  # <namespace key=...> -> its case attribute
        self._page: dict[str, object] = {}
        self._revision: dict[str, object] = {}
        self._field: str | None = None  # the field being read
        self._parts: list[str] | None = None  # its text, None once it is too large
        self._held = 0  # bytes kept for the current page's fields (or the siteinfo's)
        self._held_revision = 0  # bytes kept for the current revision's fields

    # -- parser events ----------------------------------------------------------------------

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _local(tag)
        if self.root is None:
            self._check_root(tag)
            self.root = name
            return
        if self._field is not None:
            where = "<siteinfo>" if self.stack[0] == "siteinfo" else f"page {self._title()!r}:"
            raise SourceError(
                f"{self.path}:{self.line()}: {where} <{self.stack[-1]}> holds an element "
                f"<{name}>, not escaped text (an export escapes the markup of wiki text)")
        self.stack.append(name)
        path = tuple(self.stack)
        if path == _PAGE:
            if self.siteinfo is None:
                self.siteinfo = SiteInfo(None, None, None, {})
            self._page, self._revision, self._held, self._held_revision = {}, {}, 0, 0
        elif path == _SITEINFO:
            self._site, self._namespaces, self._held = {}, {}, 0
        elif path == _REVISION:
            self._revision, self._held_revision = {}, 0
        elif path == ("page", "redirect"):
            self._page.setdefault("redirect", attrib.get("title", ""))
        elif path == ("page", "revision", "text") and attrib.get("deleted") is not None:
            self._revision.setdefault("text", "")  # suppressed on the wiki
        elif path in _FIELDS:
            self._field, self._parts = _FIELDS[path], []
            if self._field == "namespace":
                self._site["key"] = attrib.get("key", "")
                self._cases[attrib.get("key", "")] = attrib.get("case", "")

    def data(self, text: str) -> None:
        if self._parts is None:
            return
        if len(self.stack) > 2:  # a revision's field
            self._held_revision += utf8_size(text)
        else:
            self._held += utf8_size(text)
        if self._held + self._held_revision <= self.max_page:
            self._parts.append(text)
            return
        if self.stack[0] == "siteinfo":
            raise SourceError(f"{self.path}:{self.line()}: <siteinfo> is larger than "
                              f"{self.max_page} bytes (max_page_size)")
        # Stop keeping it; the page is skipped at its end unless a later revision fits.
        if self._field == "title":  # enough of it to name the page in the report
            self._page["title"] = ("".join(self._parts) + text)[:201]
        self._parts = None
        (self._revision if len(self.stack) > 2 else self._page)["too_large"] = True

    def end(self, tag: str) -> None:
        if not self.stack:
            return  # the root's end
        path = tuple(self.stack)
        if self._field is not None:
            self._store(path, "".join(self._parts) if self._parts is not None else None)
            self._field, self._parts = None, None
        if path == _REVISION:
            self._page["revision"] = self._revision
            if self.revisions:
                self.done.append(self._finish_revision())
        elif path == _PAGE:
            self.done.append(self._finish_page())
        elif path == _SITEINFO:
            self.siteinfo = self._finish_siteinfo()
        self.stack.pop()

    # -- fields -----------------------------------------------------------------------------

    def _store(self, path: tuple[str, ...], text: str | None) -> None:
        field = self._field
        assert field is not None
        if path[0] == "siteinfo":
            if field == "namespace":
                self._namespaces[str(self._site.pop("key"))] = text
            else:
                self._site.setdefault(field, text)
        elif field in ("title", "ns"):
            self._page.setdefault(field, text)
        else:
            self._revision.setdefault(field, text)

    def _title(self) -> str:
        title = self._page.get("title")
        return title.strip() if isinstance(title, str) else "(a page without a title yet)"

    def _finish_siteinfo(self) -> SiteInfo:
        namespaces: dict[int, str] = {}
        cases: dict[int, str] = {}
        for key, name in self._namespaces.items():
            try:
                namespaces[int(key)] = (name or "").strip()
            except ValueError:
                continue  # a malformed key says nothing useful about the wiki
            if self._cases.get(key) in ("first-letter", "case-sensitive"):
                cases[int(key)] = self._cases[key]
        base = str(self._site.get("base") or "").strip() or None
        if base is not None:  # it becomes the address of links: only http(s)
            base = checked_site_url(base, f"{self.path}: <siteinfo><base>")
        sitename = str(self._site.get("sitename") or "").strip() or None
        self._site, self._namespaces = {}, {}
        return SiteInfo(sitename, base, article_path_from_base(base), namespaces, cases)

    def _finish_revision(self) -> WikiRevision:
        revision = self._revision
        rev_id = str(revision.get("id") or "").strip()
        return WikiRevision(
            title=self._title(),
            revision=int(rev_id) if rev_id.isdigit() else None,
            timestamp=str(revision.get("timestamp") or "").strip() or None,
            contributor=str(revision.get("contributor") or "").strip() or None,
            comment=str(revision.get("comment") or ""),
            text=str(revision.get("text") or ""),
            too_large=bool(revision.get("too_large") or self._page.get("too_large")),
        )

    def _finish_page(self) -> WikiPage | SkippedPage:
        page = self._page
        held = page.get("revision")
        revision: dict[str, object] = held if isinstance(held, dict) else {}
        if page.get("too_large") or revision.get("too_large"):
            title = self._title()
            title = title if len(title) <= 200 else title[:200] + "…"
            return SkippedPage(title, str(self.path), "too-large",
                               f"more than {self.max_page} bytes (max_page_size)")
        title = str(page.get("title") or "").strip()
        if not title:
            raise SourceError(f"{self.path}: a <page> has no <title>")
        ns_text = str(page.get("ns") or "0").strip()
        rev_id = str(revision.get("id") or "").strip()
        try:
            namespace = int(ns_text)
        except ValueError:
            raise SourceError(
                f"{self.path}: page {title!r} has a non-numeric <ns> {ns_text!r}") from None
        try:
            rev_num = int(rev_id) if rev_id else None
        except ValueError:
            raise SourceError(
                f"{self.path}: page {title!r} has a non-numeric revision id {rev_id!r}") from None
        siteinfo = self.siteinfo or SiteInfo(None, None, None, {})
        contributor = str(revision.get("contributor") or "").strip()
        # Dumps written by hand or by older tools may spell a title otherwise than the wiki.
        title = siteinfo.canonical_title(title, namespace) or title
        return WikiPage(
            title=title,
            text=str(revision.get("text") or ""),
            namespace=namespace,
            revision=rev_num,
            timestamp=str(revision.get("timestamp") or "").strip() or None,
            contributor=contributor or None,
            redirect=str(page.get("redirect") or "").strip() or None,
            url=siteinfo.page_url(title),
            source=str(self.path),
            case_sensitive=siteinfo.case_sensitive(namespace),
        )

    def _check_root(self, tag: str) -> None:
        uri = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        if _local(tag) != "mediawiki" or (uri and not _EXPORT_NS.match(uri)):
            raise SourceError(
                f"{self.path}: not a MediaWiki export: the root element is <{_local(tag)}>"
                + (f" in namespace {uri}" if uri else "")
                + ", expected <mediawiki> from http://www.mediawiki.org/xml/export-0.X/"
            )


class ExportReader:
    """Pages of a Special:Export dump (``.xml``, ``.xml.gz`` or ``.xml.bz2``).

    Iterating yields one :class:`WikiPage` per ``<page>``, taking its last revision; a page
    larger than ``max_page_size`` is noted in ``session`` as skipped instead. :attr:`siteinfo`
    is read from the head of the file on first use.
    """

    def __init__(self, path: Path, session: SourceSession | None = None) -> None:
        self.path = Path(path)
        self.session = session or SourceSession()
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
        for item in self._read(head_only=False):
            assert isinstance(item, WikiPage)
            yield item

    def revisions(self) -> Iterator[WikiRevision]:
        """Every revision of every page, in the dump's order (oldest first within a page),
        one at a time: memory holds one revision, however long the history."""
        for item in self._read(head_only=False, revisions=True):
            if isinstance(item, WikiRevision):
                yield item

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

    def _read(self, head_only: bool,
              revisions: bool = False) -> Iterator[WikiPage | WikiRevision]:
        limits = self.session.limits
        target = _ExportTarget(self.path, limits.max_page_size,
                               lambda: parser.parser.CurrentLineNumber, revisions)
        parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True,
                                  target=target)
        with self._open() as stream:
            try:
                read = 0
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > limits.max_dump_size:
                        raise SourceError(f"{self.path}: more than {limits.max_dump_size} bytes "
                                          "of XML (max_dump_size)")
                    parser.feed(chunk)
                    yield from self._take(target)
                    if head_only and target.siteinfo is not None:
                        break
                else:
                    parser.close()
                    yield from self._take(target)
            except ParseError as exc:
                line, col = exc.position
                raise SourceError(
                    f"{self.path}:{line}:{col}: malformed XML: {expat.ErrorString(exc.code)}"
                ) from exc
            except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
                what = {
                    DTDForbidden: "a document type declaration (DTD)",
                    EntitiesForbidden: "an entity declaration",
                    ExternalReferenceForbidden: "an external entity reference",
                }[type(exc)]
                raise SourceError(
                    f"{self.path}:{parser.parser.CurrentLineNumber}: refused: the XML contains "
                    f"{what}, which a MediaWiki export never has"
                ) from exc
            except (OSError, EOFError) as exc:  # unreadable or corrupt compressed stream
                raise SourceError(f"{self.path}: cannot read: {exc}") from exc
        if self._siteinfo is None:
            self._siteinfo = target.siteinfo or SiteInfo(None, None, None, {})

    def _take(self, target: _ExportTarget) -> Iterator[WikiPage | WikiRevision]:
        """The pages the last chunk finished; skipped ones go to the session."""
        if self._siteinfo is None and target.siteinfo is not None:
            self._siteinfo = target.siteinfo
        done, target.done = target.done, []
        for item in done:
            if isinstance(item, SkippedPage):
                self.session.skip(item.title, item.source, item.kind, item.reason)
            else:
                yield item
