"""Read pages from a live MediaWiki through its ``api.php``.

Behaves as the MediaWiki API etiquette asks: a descriptive User-Agent, ``maxlag`` on every
request, gzip, one request at a time, and back-off (honouring ``Retry-After``) when the server
is busy. Only the standard library is used for HTTP.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import Request, urlopen

from .source_types import SiteInfo, SourceError, WikiPage, redirect_target
from .titles import normalise_title


def _version() -> str:
    try:
        return metadata.version("docscenter")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0"


DEFAULT_USER_AGENT = f"docscenter/{_version()} (+https://pypi.org/project/docscenter/)"

BATCH = 50  # titles per request, and pages per generator batch: the API's limit with content
_MAX_GET_URL = 4000  # longer queries go as POST so proxies do not cut the URL
_REVISION_PARAMS = {
    "prop": "revisions|info",
    "rvprop": "content|ids|timestamp|user",
    "rvslots": "main",
    "inprop": "url",
}


class ApiClient:
    """A polite reader of one wiki's ``api.php``.

    ``retries`` is how many times a request is repeated after HTTP 429/5xx, a ``maxlag``
    answer or a timeout; the wait doubles from ``backoff`` seconds unless the server sends
    ``Retry-After``. ``sleep`` is injectable so tests can record the waits.
    """

    def __init__(
        self,
        api_url: str,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 30,
        retries: int = 5,
        maxlag: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).netloc:
            raise SourceError(f"{api_url}: not an http(s) URL of a MediaWiki api.php")
        self.api_url = api_url
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.maxlag = maxlag
        self.backoff = backoff
        self._sleep = sleep
        self._siteinfo: SiteInfo | None = None
        self._namespace_ids: dict[str, int] = {}

    # -- public API -------------------------------------------------------------------------

    def siteinfo(self) -> SiteInfo:
        """Site name, main page, article path and namespaces (fetched once, then cached)."""
        if self._siteinfo is None:
            data = self._get(
                {
                    "action": "query",
                    "meta": "siteinfo",
                    "siprop": "general|namespaces|namespacealiases",
                }
            )
            query = data.get("query") or {}
            general = query.get("general") or {}
            namespaces: dict[int, str] = {}
            for key, info in (query.get("namespaces") or {}).items():
                ns_id = int(info.get("id", key))
                namespaces[ns_id] = info.get("name", "")
                for name in (info.get("name"), info.get("canonical")):
                    if name:
                        self._namespace_ids[_ns_key(name)] = ns_id
            for alias in query.get("namespacealiases") or ():
                if alias.get("alias"):
                    self._namespace_ids[_ns_key(alias["alias"])] = int(alias["id"])
            server = general.get("server") or ""
            if server.startswith("//"):  # protocol-relative: use the scheme we talk to
                server = f"{urlsplit(self.api_url).scheme}:{server}"
            articlepath = general.get("articlepath")
            self._siteinfo = SiteInfo(
                sitename=general.get("sitename"),
                base=general.get("base"),
                article_path=urljoin(server + "/", articlepath) if articlepath else None,
                namespaces=namespaces,
            )
        return self._siteinfo

    def pages(self, titles: Iterable[str]) -> Iterator[WikiPage]:
        """The latest revision of each title, 50 titles per request.

        Redirects are followed: the redirect itself is yielded as a page whose ``redirect`` is
        the target, then the target page. A missing or invalid title is a SourceError.
        """
        wanted = list(dict.fromkeys(t.strip() for t in titles if t.strip()))
        for title in wanted:
            if "|" in title:  # the API's list separator; no MediaWiki title can contain it
                raise SourceError(f"{self.api_url}: {title!r} is not a valid page title")
        seen: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {
                "action": "query",
                "titles": "|".join(batch),
                "redirects": "1",
                **_REVISION_PARAMS,
            }
            for query in self._query(params):
                yield from self._redirects(query, seen)
                yield from self._new_pages(query, seen)

    def prefix(self, prefix: str, namespace: int | None = None) -> Iterator[WikiPage]:
        """Every page whose title starts with ``prefix`` (``"WPD:Foo"`` lists namespace WPD).

        Redirect pages are yielded as they are, with ``redirect`` set to their target.
        """
        head, colon, rest = prefix.partition(":")
        if colon:
            ns_id = self._namespace_id(head)
            if ns_id is not None and namespace in (None, ns_id):
                namespace, prefix = ns_id, rest
        params = {
            "action": "query",
            "generator": "allpages",
            "gapnamespace": str(namespace or 0),
            "gaplimit": str(BATCH),
            **_REVISION_PARAMS,
        }
        if prefix.strip():
            params["gapprefix"] = prefix.strip()
        seen: set[str] = set()
        for query in self._query(params):
            yield from self._new_pages(query, seen)

    # -- answers -> pages --------------------------------------------------------------------

    def _redirects(self, query: dict[str, Any], seen: set[str]) -> Iterator[WikiPage]:
        for entry in query.get("redirects") or ():
            source, target = entry.get("from"), entry.get("to")
            if not source or not target or source in seen:
                continue
            seen.add(source)
            siteinfo = self.siteinfo()
            yield WikiPage(
                title=source,
                text=f"#REDIRECT [[{target}]]",
                namespace=self._title_namespace(source),
                redirect=target,
                url=siteinfo.page_url(source),
                source=self.api_url,
            )

    def _new_pages(self, query: dict[str, Any], seen: set[str]) -> Iterator[WikiPage]:
        pages = query.get("pages") or []
        if isinstance(pages, dict):  # formatversion=1 answers; tolerate them
            pages = list(pages.values())
        self._check_missing(query, pages)
        for page in pages:
            revisions = page.get("revisions")
            title = page.get("title", "")
            # Without revisions the content comes in a later continuation answer.
            if not revisions or title in seen:
                continue
            seen.add(title)
            yield self._make_page(page, revisions[-1])

    def _check_missing(self, query: dict[str, Any], pages: list[dict[str, Any]]) -> None:
        # Name each bad title as the caller wrote it, not only as the wiki normalised it.
        asked: dict[str, str] = {}
        for key in ("normalized", "redirects"):
            for entry in query.get(key) or ():
                if entry.get("to") and entry.get("from"):
                    asked[entry["to"]] = asked.get(entry["from"], entry["from"])
        problems = []
        for page in pages:
            title = page.get("title", "")
            origin = f" (asked as {asked[title]!r})" if title in asked else ""
            if page.get("missing") is True or page.get("missing") == "":
                problems.append(f"{title!r}{origin} does not exist")
            elif page.get("invalid") is True or page.get("invalid") == "":
                reason = page.get("invalidreason", "invalid title")
                problems.append(f"{title!r}{origin} is not a valid title ({reason})")
            elif page.get("special") is True or page.get("special") == "":
                problems.append(f"{title!r}{origin} is a special page")
        if problems:
            raise SourceError(f"{self.api_url}: {'; '.join(problems)}")

    def _make_page(self, page: dict[str, Any], revision: dict[str, Any]) -> WikiPage:
        main = (revision.get("slots") or {}).get("main") or {}
        text = main.get("content")
        if text is None:  # formatversion=1 or an older MediaWiki without slots
            text = revision.get("*") or revision.get("content") or ""
        redirect = None
        if page.get("redirect") is True or page.get("redirect") == "":
            redirect = redirect_target(text)
        revid = revision.get("revid")
        return WikiPage(
            title=page.get("title", ""),
            text=text,
            namespace=int(page.get("ns", 0)),
            revision=int(revid) if revid is not None else None,
            timestamp=revision.get("timestamp"),
            contributor=revision.get("user") or None,
            redirect=redirect,
            url=page.get("fullurl") or None,
            source=self.api_url,
        )

    def _namespace_id(self, name: str) -> int | None:
        self.siteinfo()
        return self._namespace_ids.get(_ns_key(name))

    def _title_namespace(self, title: str) -> int:
        head, colon, _rest = title.partition(":")
        return (self._namespace_id(head) if colon else None) or 0

    # -- HTTP ------------------------------------------------------------------------------

    def _query(self, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Yield the ``query`` part of each answer, following ``continue`` until done."""
        extra: dict[str, str] = {}
        while True:
            data = self._get({**params, **extra})
            yield data.get("query") or {}
            cont = data.get("continue")
            if not isinstance(cont, dict) or not cont:
                return
            extra = {str(k): str(v) for k, v in cont.items()}

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        """One API call, repeated with back-off while the server is busy or silent."""
        common = {"format": "json", "formatversion": "2", "maxlag": str(self.maxlag)}
        query = urlencode({**params, **common})
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        url, data = f"{self.api_url}?{query}", None
        if len(url) > _MAX_GET_URL:
            url, data = self.api_url, query.encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        problem = ""
        for attempt in range(self.retries + 1):
            retry_after: str | None = None
            try:
                with urlopen(Request(url, data, headers), timeout=self.timeout) as response:
                    body = response.read()
                    if response.headers.get("Content-Encoding") == "gzip":
                        body = gzip.decompress(body)
                    resp_headers = response.headers
            except HTTPError as exc:
                with exc:
                    if exc.code != 429 and exc.code < 500:
                        raise SourceError(f"{self.api_url}: HTTP {exc.code} {exc.reason}") from exc
                    problem = f"HTTP {exc.code} {exc.reason}"
                    retry_after = exc.headers.get("Retry-After")
            except TimeoutError:
                problem = f"no answer within {self.timeout:g} s"
            except URLError as exc:
                if not isinstance(exc.reason, TimeoutError):
                    raise SourceError(f"{self.api_url}: cannot connect: {exc.reason}") from exc
                problem = f"no answer within {self.timeout:g} s"
            except (ConnectionError, http.client.HTTPException) as exc:
                problem = f"connection broken: {exc}"  # a dropped connection is transient
            else:
                answer = self._decode(body)
                error = answer.get("error")
                if not isinstance(error, dict):
                    return answer
                if error.get("code") != "maxlag":
                    raise SourceError(
                        f"{self.api_url}: API error {error.get('code', '?')}: "
                        + " ".join(str(error.get("info", "")).split())
                    )
                problem = f"server lagged ({error.get('info', 'maxlag')})"
                retry_after = resp_headers.get("Retry-After")
            if attempt < self.retries:
                self._sleep(self._delay(attempt, retry_after))
        raise SourceError(f"{self.api_url}: gave up after {self.retries + 1} attempts: {problem}")

    def _decode(self, body: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            raise SourceError(f"{self.api_url}: the answer is not MediaWiki API JSON")
        return answer

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: the server's wish, else doubling back-off."""
        if retry_after:
            retry_after = retry_after.strip()
            if retry_after.isdigit():
                return float(retry_after)
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
                return max(0.0, when.timestamp() - time.time())
            except (TypeError, ValueError):
                pass  # unreadable header: fall back to our own schedule
        return self.backoff * 2.0**attempt


def _ns_key(name: str) -> str:
    """Namespace names match case-insensitively, with ``_`` as space."""
    return normalise_title(name).casefold()
