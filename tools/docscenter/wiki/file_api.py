"""Files from the wiki's ``api.php`` (see :mod:`.file_fetch`): ``prop=imageinfo`` for the URL,
SHA-1, size and type, then the file itself, through the bounded HTTP client. Only an import
from the API loads this module (and the HTTP client with it)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request

from .api_answers import FileAnswer, ImageInfo, read_file_info
from .bounded_http import BoundedFetcher, FetchError, RedirectRefused
from .file_fetch import Fetched, Refused, mime_type
from .mediawiki_client import BATCH, ApiClient
from .source_types import SourceError
from .titles import normalise_title


class ApiFiles:
    """Files of the wiki behind ``client``."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.session = client.session
        self._http = BoundedFetcher(client.policy, client.timeout)

    def info(self, names: Iterable[str]) -> Iterator[tuple[str, ImageInfo | None]]:
        """(name, what the wiki says of it) for each file name, 50 per request; None when
        the wiki has no such file."""
        wanted = list(dict.fromkeys(names))
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start:start + BATCH]
            found = self._batch(batch)
            for name in batch:
                yield name, found.get(normalise_title("File:" + name))

    def _batch(self, names: list[str]) -> dict[str, ImageInfo | None]:
        params = {"action": "query", "titles": "|".join("File:" + n for n in names),
                  "prop": "imageinfo", "iiprop": "url|sha1|size|mime"}
        found: dict[str, ImageInfo | None] = {}
        seen: set[tuple[tuple[str, str], ...]] = set()
        extra: dict[str, str] = {}
        while True:
            answer: FileAnswer = self.client.call({**params, **extra}, read_file_info)
            for title, info in answer.files.items():
                if found.get(normalise_title(title)) is None:
                    found[normalise_title(title)] = info
            if answer.continuation is None:
                return found
            key = tuple(sorted(answer.continuation.items()))
            if key in seen:
                raise SourceError(f"{self.client.api_url}: the wiki repeats a continuation "
                                  "of imageinfo; the listing does not end")
            seen.add(key)
            extra = answer.continuation

    def download(self, info: ImageInfo, limit: int) -> Fetched:
        """The file ``info`` describes, checked against its size and SHA-1."""
        url = self._url(info.url)
        if info.size is not None and info.size > limit:
            raise Refused(f"{info.size} bytes, more than max_file_size ({limit})")
        left = self.session.time_left()
        if left <= 0:
            raise Refused("the import's time for api.php is used up (api_total_deadline)")
        request = Request(url, headers={"User-Agent": self.client.user_agent})
        try:
            answer = self._http.fetch(request, seconds=min(
                self.session.limits.api_request_deadline, left), max_bytes=limit)
        except HTTPError as exc:
            exc.close()
            raise Refused(f"{url}: HTTP {exc.code} {exc.reason}") from None
        except FetchError as exc:
            raise Refused(f"{url}: {exc}".replace("(api_max_answer)", "(max_file_size)")) \
                from None
        except (URLError, OSError) as exc:
            raise Refused(f"{url}: cannot download ({getattr(exc, 'reason', exc)})") from None
        sha1 = hashlib.sha1(answer.body).hexdigest()
        if sha1 != info.sha1:
            raise Refused(f"{url}: SHA-1 {sha1} is not the {info.sha1} the wiki reports")
        return Fetched(answer.body, sha1, info.mime or mime_type(url), url)

    def _url(self, raw: str) -> str:
        """The absolute URL of a file, when the import may fetch from there."""
        url = urljoin(self.client.api_url, raw.strip())
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise Refused(f"{raw!r} is not an http(s) URL")
        try:
            self.client.policy.check(url)
        except RedirectRefused as exc:
            raise Refused(str(exc).replace("redirected to", "the file is at", 1)) from None
        return url
