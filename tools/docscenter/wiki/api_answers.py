"""What an ``api.php`` answer says, read into typed values in one place.

An answer is hostile input: any part of it may be missing, of another JSON type, or absurd.
Every value the client uses is read here through :class:`_At`, which knows where in the
answer it is, so a wrong shape becomes one :class:`MalformedAnswer` line naming the place
(``query.pages[3].revisions: expected a list, got a string``), never a traceback. Both
``formatversion=2`` answers and the older shape (objects keyed by id, ``"*"`` for content,
``""`` for true) are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_WHOLE = re.compile(r"\s*-?[0-9]{1,18}\s*")


class MalformedAnswer(Exception):
    """The answer does not have the shape of a MediaWiki API answer (one line)."""


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
               int: "a number", float: "a number", type(None): "null"}


class _At:
    """A value inside an answer, with its path for messages."""

    def __init__(self, value: Any, where: str) -> None:
        self.value, self.where = value, where

    def _wrong(self, expected: str) -> MalformedAnswer:
        got = _JSON_TYPES.get(type(self.value), type(self.value).__name__)
        return MalformedAnswer(f"{self.where or 'the answer'}: expected {expected}, got {got}")

    def __getitem__(self, key: str) -> _At:
        """The member ``key`` of an object (a missing one reads as null)."""
        if self.value is None:
            return _At(None, f"{self.where}.{key}".lstrip("."))
        if not isinstance(self.value, dict):
            raise self._wrong("an object")
        return _At(self.value.get(key), f"{self.where}.{key}".lstrip("."))

    def require_object(self) -> _At:
        """Itself, when it is an object (null is not)."""
        if not isinstance(self.value, dict):
            raise self._wrong("an object")
        return self

    def present(self) -> bool:
        return self.value is not None

    def items(self) -> list[_At]:
        """The elements of a list (or the values of an object keyed by id); null is empty."""
        if self.value is None:
            return []
        if isinstance(self.value, dict):
            return [_At(v, f"{self.where}.{k}") for k, v in self.value.items()]
        if not isinstance(self.value, list):
            raise self._wrong("a list")
        return [_At(v, f"{self.where}[{i}]") for i, v in enumerate(self.value)]

    def members(self) -> dict[str, _At]:
        """The members of an object; null is empty."""
        if self.value is None:
            return {}
        if not isinstance(self.value, dict):
            raise self._wrong("an object")
        return {str(k): _At(v, f"{self.where}.{k}") for k, v in self.value.items()}

    def text(self) -> str | None:
        """A string, or None when absent."""
        if self.value is None or isinstance(self.value, str):
            return self.value
        raise self._wrong("a string")

    def integer(self) -> int | None:
        """A whole number (also written as a string of digits), or None when absent."""
        value = self.value
        if isinstance(value, str) and _WHOLE.fullmatch(value):
            return int(value)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._wrong("a whole number")

    def flag(self) -> bool:
        """MediaWiki's booleans: true, or "" in formatversion=1; absent or false is False."""
        if self.value is None or isinstance(self.value, bool):
            return bool(self.value)
        if self.value == "":
            return True
        raise self._wrong("a boolean")


def _answer(data: Any) -> _At:
    return _At(data, "").require_object()


# -- what the client reads ---------------------------------------------------------------------

@dataclass(frozen=True)
class ApiError:
    code: str
    info: str


def answer_error(data: Any) -> ApiError | None:
    """The answer's ``error`` object, or None when it has none."""
    error = _answer(data)["error"]
    if not error.present():
        return None
    return ApiError(error["code"].text() or "?", " ".join((error["info"].text() or "").split()))


@dataclass(frozen=True)
class SiteAnswer:
    sitename: str | None
    base: str | None
    server: str | None
    articlepath: str | None
    namespaces: dict[int, str]  # id -> local name
    namespace_ids: dict[str, int]  # local, canonical and alias names -> id
    cases: dict[int, str] = field(default_factory=dict)  # id -> first-letter/case-sensitive


def read_siteinfo(data: Any) -> SiteAnswer:
    """``meta=siteinfo&siprop=general|namespaces|namespacealiases``."""
    query = _answer(data)["query"]
    general = query["general"]
    namespaces: dict[int, str] = {}
    cases: dict[int, str] = {}
    ids: dict[str, int] = {}
    for info in query["namespaces"].items():
        ns_id = info["id"].integer()
        if ns_id is None:
            raise MalformedAnswer(f"{info.where}.id: missing")
        namespaces[ns_id] = info["name"].text() or ""
        if (case := info["case"].text()) in ("first-letter", "case-sensitive"):
            cases[ns_id] = case
        for name in (info["name"].text(), info["canonical"].text()):
            if name:
                ids[name] = ns_id
    for alias in query["namespacealiases"].items():
        name, ns_id = alias["alias"].text(), alias["id"].integer()
        if name and ns_id is not None:
            ids[name] = ns_id
    return SiteAnswer(general["sitename"].text(), general["base"].text(),
                      general["server"].text(), general["articlepath"].text(), namespaces, ids,
                      cases)


@dataclass(frozen=True)
class ApiRevision:
    revid: int | None
    timestamp: str | None
    user: str | None
    content: str
    comment: str = ""


@dataclass(frozen=True)
class ApiPage:
    title: str
    ns: int
    missing: bool = False
    invalid: str | None = None  # the reason, when the title is invalid
    special: bool = False
    redirect: bool = False
    fullurl: str | None = None
    revision: ApiRevision | None = None  # the newest; None while it is in a later answer


@dataclass(frozen=True)
class QueryAnswer:
    pages: list[ApiPage]
    redirects: list[tuple[str, str]]  # (from, to)
    normalized: list[tuple[str, str]]
    continuation: dict[str, str] | None


def _pairs(entries: _At) -> list[tuple[str, str]]:
    pairs = []
    for entry in entries.items():
        source, target = entry["from"].text(), entry["to"].text()
        if source and target:
            pairs.append((source, target))
    return pairs


def _revision(entry: _At) -> ApiRevision:
    entry.require_object()
    content = entry["slots"]["main"]["content"].text()
    if content is None:  # formatversion=1, or a MediaWiki without slots
        content = entry["*"].text() or entry["content"].text() or ""
    return ApiRevision(entry["revid"].integer(), entry["timestamp"].text(),
                       entry["user"].text() or None, content, entry["comment"].text() or "")


def _page(entry: _At) -> ApiPage:
    title = entry.require_object()["title"].text()
    if not title:
        raise MalformedAnswer(f"{entry.where}.title: missing")
    revisions = entry["revisions"].items()
    invalid = entry["invalid"].flag()
    return ApiPage(
        title=title, ns=entry["ns"].integer() or 0, missing=entry["missing"].flag(),
        invalid=(entry["invalidreason"].text() or "invalid title") if invalid else None,
        special=entry["special"].flag(), redirect=entry["redirect"].flag(),
        fullurl=entry["fullurl"].text() or None,
        revision=_revision(revisions[-1]) if revisions else None,
    )


def read_query(data: Any) -> QueryAnswer:
    """An ``action=query`` answer: its pages, redirects, normalisations and continuation."""
    root = _answer(data)
    query = root["query"]
    return QueryAnswer([_page(entry) for entry in query["pages"].items()],
                       _pairs(query["redirects"]), _pairs(query["normalized"]),
                       _continuation(root))


def _continuation(root: _At) -> dict[str, str] | None:
    """The answer's ``continue`` object (values as strings), None when the listing ends."""
    continuation: dict[str, str] = {}
    for key, value in root["continue"].members().items():
        number = value.value
        if isinstance(number, int | float) and not isinstance(number, bool):
            continuation[key] = str(number)
        else:
            continuation[key] = value.text() or ""
    return continuation or None


# -- files ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImageInfo:
    """Where a wiki's file is and what it is (``prop=imageinfo&iiprop=url|sha1|size|mime``)."""

    url: str
    sha1: str  # hex, as MediaWiki stores it
    size: int | None
    mime: str


@dataclass(frozen=True)
class FileAnswer:
    """An ``action=query&prop=imageinfo`` answer: file title -> its info (None: no file)."""

    files: dict[str, ImageInfo | None]
    normalized: list[tuple[str, str]]
    continuation: dict[str, str] | None


_SHA1 = re.compile(r"\A[0-9a-f]{40}\Z")


def _image_info(entry: _At) -> ImageInfo | None:
    infos = entry["imageinfo"].items()
    if not infos:
        return None
    info = infos[0].require_object()
    url, sha1 = info["url"].text(), (info["sha1"].text() or "").lower()
    if not url:
        raise MalformedAnswer(f"{info.where}.url: missing")
    if not _SHA1.match(sha1):
        raise MalformedAnswer(f"{info.where}.sha1: not a SHA-1 in hex")
    return ImageInfo(url, sha1, info["size"].integer(), info["mime"].text() or "")


def read_file_info(data: Any) -> FileAnswer:
    """What the wiki says of the files asked for: their URL, SHA-1, size and type."""
    root = _answer(data)
    query = root["query"]
    files: dict[str, ImageInfo | None] = {}
    for entry in query["pages"].items():
        title = entry.require_object()["title"].text()
        if not title:
            raise MalformedAnswer(f"{entry.where}.title: missing")
        files[title] = _image_info(entry)
    return FileAnswer(files, _pairs(query["normalized"]), _continuation(root))


@dataclass(frozen=True)
class HistoryAnswer:
    """An ``action=query&prop=revisions&rvdir=newer`` answer for one page: its revisions in
    this answer, oldest first."""

    title: str | None  # None when the wiki has no such page
    revisions: list[ApiRevision]
    continuation: dict[str, str] | None


def read_history(data: Any) -> HistoryAnswer:
    """The revisions of the one page asked for (``titles=`` one title)."""
    root = _answer(data)
    pages = root["query"]["pages"].items()
    if len(pages) > 1:
        raise MalformedAnswer("query.pages: more than the one page asked for")
    if not pages or pages[0]["missing"].flag() or pages[0]["invalid"].flag():
        return HistoryAnswer(None, [], None)
    page = pages[0].require_object()
    revisions = [_revision(entry) for entry in page["revisions"].items()]
    return HistoryAnswer(page["title"].text(), revisions, _continuation(root))
