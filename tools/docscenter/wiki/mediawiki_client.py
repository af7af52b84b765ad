"""Read pages from a live MediaWiki through its ``api.php``.

Behaves as the MediaWiki API etiquette asks: a descriptive User-Agent, ``maxlag`` on every
request, gzip, one request at a time, and back-off (honouring ``Retry-After``) when the server
is busy. Treats the server as hostile all the same: every answer is read within the bounds of
:class:`~.source_limits.SourceLimits` (see :mod:`.bounded_http`), its shape is checked in
:mod:`.api_answers`, and continuations must make progress.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from typing import Any, TypeVar
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import Request

from .api_answers import (
    ApiPage,
    MalformedAnswer,
    QueryAnswer,
    answer_error,
    read_query,
    read_siteinfo,
)
from .bounded_http import BoundedFetcher, FetchError, RedirectPolicy, TooSlow
from .source_limits import SourceSession, utf8_size
from .source_types import SiteInfo, SourceError, WikiPage, checked_site_url, redirect_target
from .titles import normalise_title

T = TypeVar("T")


def _version() -> str:
    try:
        return metadata.version("docscenter")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0"


DEFAULT_USER_AGENT = f"docscenter/{_version()} (+https://pypi.org/project/docscenter/)"

BATCH = 50  # titles per request, and pages per generator batch: the API's limit with content
_MAX_GET_URL = 4000  # longer queries go as POST so proxies do not cut the URL
MAX_STALLED = 10  # answers in a row that bring no new page before a continuation is given up
_REVISION_PARAMS = {
    "prop": "revisions|info",
    "rvprop": "content|ids|timestamp|user",
    "rvslots": "main",
    "inprop": "url",
}


class ApiClient:
    """A polite reader of one wiki's ``api.php``.

    The bounds come from ``session`` (one per import, shared by its sources; a fresh one with
    the default limits when not given); ``timeout`` and ``retries`` override its
    ``api_timeout`` and ``api_retries``. A request is repeated after HTTP 429/5xx, a
    ``maxlag`` answer or a timeout; the wait doubles from ``backoff`` seconds unless the server
    sends ``Retry-After``. ``sleep`` is injectable so tests can record the waits.
    """

    def __init__(
        self,
        api_url: str,
        *,
        session: SourceSession | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float | None = None,
        retries: int | None = None,
        maxlag: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).netloc:
            raise SourceError(f"{api_url}: not an http(s) URL of a MediaWiki api.php")
        self.api_url = api_url
        self.session = session or SourceSession()
        limits = self.session.limits
        self.user_agent = user_agent
        self.timeout = limits.api_timeout if timeout is None else timeout
        self.retries = limits.api_retries if retries is None else retries
        self.maxlag = maxlag
        self.backoff = backoff
        self._sleep = sleep
        self.policy = RedirectPolicy(api_url, self.session.redirect_hosts)
        self._http = BoundedFetcher(self.policy, self.timeout)
        self._siteinfo: SiteInfo | None = None
        self._namespace_ids: dict[str, int] = {}

    # -- public API -------------------------------------------------------------------------

    def siteinfo(self) -> SiteInfo:
        """Site name, main page, article path and namespaces (fetched once, then cached)."""
        if self._siteinfo is None:
            params = {"action": "query", "meta": "siteinfo",
                      "siprop": "general|namespaces|namespacealiases"}
            site = self._read(read_siteinfo, self._get(params))
            for name, ns_id in site.namespace_ids.items():
                self._namespace_ids[_ns_key(name)] = ns_id
            scheme = urlsplit(self.api_url).scheme  # for a protocol-relative server
            where = f"{self.api_url}: siteinfo"
            article_path = None
            if site.articlepath:
                server = checked_site_url(site.server or "", f"{where} server", scheme=scheme)
                article_path = checked_site_url(urljoin(server + "/", site.articlepath),
                                                f"{where} articlepath", scheme=scheme)
            base = site.base and checked_site_url(site.base, f"{where} base", scheme=scheme)
            self._siteinfo = SiteInfo(site.sitename, base or None, article_path,
                                      site.namespaces, site.cases)
        return self._siteinfo

    def pages(self, titles: Iterable[str]) -> Iterator[WikiPage]:
        """The latest revision of each title, 50 titles per request.

        Redirects are followed: the redirect itself is yielded as a page whose ``redirect`` is
        the target, then the target page. A missing or invalid title is noted in the session
        as skipped (``missing``) and the other titles are read.
        """
        wanted = list(dict.fromkeys(t.strip() for t in titles if t.strip()))
        for title in [t for t in wanted if "|" in t]:
            # The API's list separator; no MediaWiki title can contain it.
            self.session.skip(title, self.api_url, "missing", "is not a valid page title")
            wanted.remove(title)
        seen: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {
                "action": "query",
                "titles": "|".join(batch),
                "redirects": "1",
                **_REVISION_PARAMS,
            }
            for query in self._query(params, seen):
                self._note_missing(query)
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
        for query in self._query(params, seen):
            yield from self._new_pages(query, seen)

    def call(self, params: dict[str, str], reader: Callable[[Any], T]) -> T:
        """One API call within the session's bounds (retried while the server is busy), its
        answer read by ``reader`` (a MalformedAnswer becomes a SourceError naming the API)."""
        result: T = self._read(reader, self._get(params))
        return result

    # -- answers -> pages --------------------------------------------------------------------

    def _redirects(self, query: QueryAnswer, seen: set[str]) -> Iterator[WikiPage]:
        for source, target in query.redirects:
            if source in seen:
                continue
            seen.add(source)
            yield WikiPage(
                title=source,
                text=f"#REDIRECT [[{target}]]",
                namespace=self._title_namespace(source),
                redirect=target,
                url=self.siteinfo().page_url(source),
                source=self.api_url,
            )

    def _new_pages(self, query: QueryAnswer, seen: set[str]) -> Iterator[WikiPage]:
        for page in query.pages:
            # Without a revision the content comes in a later continuation answer.
            if page.revision is None or page.title in seen:
                continue
            seen.add(page.title)
            self.session.count_api_page(self.api_url)
            size = utf8_size(page.revision.content)
            if size > self.session.limits.max_page_size:
                self.session.skip(page.title, self.api_url, "too-large",
                                  f"{size} bytes of wikitext, more than max_page_size "
                                  f"({self.session.limits.max_page_size})")
                continue
            yield self._make_page(page)

    def _note_missing(self, query: QueryAnswer) -> None:
        # Name each bad title as the caller wrote it, not only as the wiki normalised it.
        asked: dict[str, str] = {}
        for source, target in [*query.normalized, *query.redirects]:
            asked[target] = asked.get(source, source)
        for page in query.pages:
            problem = ("does not exist" if page.missing else
                       f"is not a valid title ({page.invalid})" if page.invalid else
                       "is a special page" if page.special else "")
            if problem:
                title = asked.get(page.title, page.title)
                named = f" (the wiki's title: {page.title!r})" if title != page.title else ""
                self.session.skip(title, self.api_url, "missing", problem + named)

    def _make_page(self, page: ApiPage) -> WikiPage:
        revision = page.revision
        assert revision is not None
        url = page.fullurl and checked_site_url(
            page.fullurl, f"{self.api_url}: page {page.title!r} fullurl",
            scheme=urlsplit(self.api_url).scheme)
        return WikiPage(
            title=page.title,
            text=revision.content,
            namespace=page.ns,
            revision=revision.revid,
            timestamp=revision.timestamp,
            contributor=revision.user,
            redirect=redirect_target(revision.content) if page.redirect else None,
            url=url or None,
            source=self.api_url,
            # Known once siteinfo was asked for (open_source asks first); never an extra request.
            case_sensitive=bool(self._siteinfo and self._siteinfo.case_sensitive(page.ns)),
        )

    def _namespace_id(self, name: str) -> int | None:
        self.siteinfo()
        return self._namespace_ids.get(_ns_key(name))

    def _title_namespace(self, title: str) -> int:
        head, colon, _rest = title.partition(":")
        return (self._namespace_id(head) if colon else None) or 0

    # -- HTTP ------------------------------------------------------------------------------

    def _read(self, reader: Callable[[Any], Any], data: Any) -> Any:
        try:
            return reader(data)
        except MalformedAnswer as exc:
            raise SourceError(f"{self.api_url}: malformed answer: {exc}") from None

    def _query(self, params: dict[str, str], seen: set[str]) -> Iterator[QueryAnswer]:
        """Each answer, following ``continue`` while it makes progress: a continuation seen
        before, or MAX_STALLED answers in a row that bring no new page, end the reading."""
        extra: dict[str, str] = {}
        continuations: set[tuple[tuple[str, str], ...]] = set()
        stalled = 0
        while True:
            before = len(seen)
            query = self._read(read_query, self._get({**params, **extra}))
            yield query
            stalled = stalled + 1 if len(seen) == before else 0
            if query.continuation is None:
                return
            key = tuple(sorted(query.continuation.items()))
            if key in continuations or stalled >= MAX_STALLED:
                why = ("repeats a continuation" if key in continuations else
                       f"sent {stalled} answers in a row without a new page")
                raise SourceError(f"{self.api_url}: the wiki {why} ({_brief(query)}); "
                                  "the listing does not end")
            continuations.add(key)
            extra = query.continuation

    def _request(self, params: dict[str, str]) -> Request:
        common = {"format": "json", "formatversion": "2", "maxlag": str(self.maxlag)}
        query = urlencode({**params, **common})
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        if len(self.api_url) + 1 + len(query) <= _MAX_GET_URL:
            return Request(f"{self.api_url}?{query}", None, headers)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return Request(self.api_url, query.encode("ascii"), headers)

    def _get(self, params: dict[str, str]) -> Any:
        """One API call, repeated with back-off while the server is busy or silent."""
        problem = ""
        for attempt in range(self.retries + 1):
            result, problem = self._attempt(params)
            if not problem:
                return result
            if attempt < self.retries:
                self._wait(self._delay(attempt, result), problem)
        raise SourceError(f"{self.api_url}: gave up after {self.retries + 1} attempts: {problem}")

    def _attempt(self, params: dict[str, str]) -> tuple[Any, str]:
        """One try: (the decoded answer, "") or (its Retry-After header, what went wrong)."""
        left = self.session.time_left()
        if left <= 0:
            raise SourceError(f"{self.api_url}: the import's time for api.php is used up "
                              f"(api_total_deadline {self.session.limits.api_total_deadline:g} s)")
        seconds = min(self.session.limits.api_request_deadline, left)
        try:
            answer = self._http.fetch(self._request(params), seconds=seconds,
                                      max_bytes=self.session.limits.api_max_answer)
        except HTTPError as exc:
            with exc:
                if exc.code != 429 and exc.code < 500:
                    raise SourceError(f"{self.api_url}: HTTP {exc.code} {exc.reason}") from None
                return exc.headers.get("Retry-After"), f"HTTP {exc.code} {exc.reason}"
        except TooSlow:
            return None, f"no complete answer within {seconds:g} s"
        except FetchError as exc:
            raise SourceError(f"{self.api_url}: {exc}") from None
        except TimeoutError:
            return None, f"no answer within {self.timeout:g} s"
        except URLError as exc:
            if not isinstance(exc.reason, TimeoutError):
                raise SourceError(f"{self.api_url}: cannot connect: {exc.reason}") from None
            return None, f"no answer within {self.timeout:g} s"
        except (ConnectionError, http.client.HTTPException) as exc:
            return None, f"connection broken: {exc}"  # a dropped connection is transient
        data = self._decode(answer.body)
        error = self._read(answer_error, data)
        if error is None:
            return data, ""
        if error.code != "maxlag":
            raise SourceError(f"{self.api_url}: API error {error.code}: {error.info}")
        return answer.headers.get("Retry-After"), f"server lagged ({error.info or 'maxlag'})"

    def _decode(self, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SourceError(f"{self.api_url}: the answer is not MediaWiki API JSON") from None

    def _wait(self, seconds: float, problem: str) -> None:
        """Sleep before the next attempt, unless that breaks a bound."""
        if seconds >= self.session.time_left():
            raise SourceError(f"{self.api_url}: {problem}; waiting {seconds:g} s more would "
                              "pass the import's api_total_deadline")
        self._sleep(seconds)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: the server's wish (at most api_max_wait,
        more is an error), else doubling back-off up to api_max_wait."""
        longest = self.session.limits.api_max_wait
        wish = _retry_after(retry_after)
        if wish is not None and wish > longest:
            raise SourceError(f"{self.api_url}: the server asks to wait {wish:.0f} s before "
                              f"retrying, more than api_max_wait ({longest:g} s)")
        return wish if wish is not None else min(self.backoff * 2**attempt, longest)


def _retry_after(header: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header (a number or an HTTP date); None if unreadable."""
    header = (header or "").strip()
    if header.isdigit():
        return float(header)
    if header:
        try:
            when = email.utils.parsedate_to_datetime(header)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError, OverflowError):
            pass  # unreadable header: fall back to our own schedule
    return None


def _brief(query: QueryAnswer) -> str:
    text = json.dumps(query.continuation, ensure_ascii=True)
    return f"continue {text[:120]}{'...' if len(text) > 120 else ''}"


def _ns_key(name: str) -> str:
    """Namespace names match case-insensitively, with ``_`` as space."""
    return normalise_title(name).casefold()
