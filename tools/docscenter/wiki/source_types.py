"""What every wiki source yields: pages, site information, and one error type.

Kept apart from the readers so that ``export``, ``api`` and the ``sources`` façade can all
import it without importing each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit


class SourceError(Exception):
    """Bad input; str() is ONE line naming the file/URL (and line, when known) and the problem."""


@dataclass(frozen=True)
class WikiPage:
    """One wiki page at its latest revision, as the source gave it (no conversion)."""

    title: str  # full title as the wiki has it, e.g. "WPD:Editors Guide"
    text: str  # wikitext of the latest revision
    namespace: int = 0
    revision: int | None = None
    timestamp: str | None = None  # ISO 8601 as given by the wiki
    contributor: str | None = None
    redirect: str | None = None  # target title when the wiki marks it a redirect
    url: str | None = None  # page URL on the wiki when known
    source: str = ""  # where it came from: file path or api URL (for messages)
    case_sensitive: bool = False  # the first letter after the namespace is significant


@dataclass(frozen=True)
class WikiRevision:
    """One revision of a page's history, as the source gave it (``--history``)."""

    title: str
    revision: int | None
    timestamp: str | None  # ISO 8601 as given by the wiki
    contributor: str | None  # a user name or an IP address; None when hidden
    comment: str  # the edit summary ("" when there is none or it is hidden)
    text: str
    too_large: bool = False  # larger than max_page_size: its text is not kept


@dataclass(frozen=True)
class SiteInfo:
    """What a wiki says about itself: name, main page URL and namespace names."""

    sitename: str | None
    base: str | None  # e.g. "https://wiki.example.org/wiki/Main_Page"
    article_path: str | None  # derived "https://wiki.example.org/wiki/$1"
    namespaces: Mapping[int, str] = field(default_factory=dict)
    # Namespace id -> "first-letter" or "case-sensitive" (MediaWiki's default: first-letter).
    cases: Mapping[int, str] = field(default_factory=dict)

    def case_sensitive(self, namespace: int) -> bool:
        """Whether titles of ``namespace`` keep the case of their first letter."""
        return self.cases.get(namespace, "first-letter") == "case-sensitive"

    def canonical_title(self, title: str, namespace: int) -> str:
        """``title`` as the wiki itself writes it: ``_`` a space, the namespace's own name,
        the first letter after it upper case unless the namespace is case-sensitive."""
        title = " ".join(title.replace("_", " ").split())
        head, colon, rest = title.partition(":")
        if namespace and colon:
            name = self.namespaces.get(namespace) or head.strip()
            rest = rest.strip()
            if not self.case_sensitive(namespace):
                rest = rest[:1].upper() + rest[1:]
            return f"{name}:{rest}"
        if not namespace and not self.case_sensitive(0):
            return title[:1].upper() + title[1:]
        return title

    def page_url(self, title: str) -> str | None:
        """The URL of ``title`` on the wiki, or None when the article path is unknown."""
        if not self.article_path:
            return None
        # The characters MediaWiki itself leaves unescaped in page URLs (wfUrlencode).
        return self.article_path.replace("$1", quote(title.replace(" ", "_"), safe=";@$!*(),/~:"))


def article_path_from_base(base: str | None) -> str | None:
    """Derive ``.../wiki/$1`` from the main page URL ``.../wiki/Main_Page``.

    Handles both pretty URLs (last path segment is the title) and ``index.php?title=...``.
    """
    if not base:
        return None
    parts = urlsplit(base)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "title" for key, _ in query):
        new_query = urlencode([(k, "$1" if k == "title" else v) for k, v in query], safe="$")
        return urlunsplit(parts._replace(query=new_query, fragment=""))
    head, slash, _title = parts.path.rpartition("/")
    if not slash:
        return None
    return urlunsplit(parts._replace(path=f"{head}/$1", query="", fragment=""))


_MAX_URL = 2048
# What RFC 3986 never allows unescaped in a URL, and what would end a link in reST or HTML.
_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f<>"\\^`{|}]')


def checked_site_url(url: str, where: str, *, scheme: str = "https") -> str:
    """``url`` when it is an ``http(s)`` URL with a host, else a SourceError naming ``where``.

    A source's idea of the wiki's address (a dump's ``<base>``, an API's server and article
    path, a manifest's or the command line's wiki URL) ends up in links of the published site:
    anything else (``javascript:``, ``data:``, a bare path) is refused. A protocol-relative
    ``//host/path`` takes ``scheme``, the scheme the source was read over.
    """
    url = url.strip()
    if url.startswith("//"):
        url = f"{scheme}:{url}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port out of range)
        host = parts.hostname if parts.scheme.lower() in ("http", "https") else None
    except ValueError:  # an unreadable host or port
        host = None
    problem = ""
    if len(url) > _MAX_URL:
        problem = f"a URL of {len(url)} characters is not a wiki's address"
    elif not host:
        problem = f"{url!r} is not an http(s) URL with a host"
    elif _NOT_IN_URL.search(url):
        problem = f"{url!r} holds characters a URL cannot have unescaped"
    if problem:
        raise SourceError(f"{where}: {problem}")
    return url


_REDIRECT = re.compile(r"\A\s*#REDIRECT\s*:?\s*\[\[\s*:?([^\]|#\n]+)", re.IGNORECASE)


def redirect_target(text: str) -> str | None:
    """The target title of a ``#REDIRECT [[Target]]`` page, or None when it is not one."""
    match = _REDIRECT.match(text)
    if match is None:
        return None
    return " ".join(match.group(1).replace("_", " ").split()) or None
