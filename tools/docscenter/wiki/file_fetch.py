"""Where the wiki's files come from: a folder beside a dump (``--files DIR``), or the wiki's
``api.php`` (``prop=imageinfo`` for the URL, SHA-1, size and type, then the file itself).

Both are bounded like every source: a file larger than ``max_file_size`` is not read, and
from the API every answer and download goes through the bounded HTTP client. A download may
only go where the API itself may redirect: its own address (scheme, host and port) or a host
of ``redirect_hosts``/``--redirect-host`` (a wiki's upload host, say), never from ``https``
to ``http``, never to a link-local address. The SHA-1 the wiki reports is checked.

A file the source does not have is :class:`Missing`; one it has but that may not be placed
(too large, wrong hash, a host not allowed, a failed download) is :class:`Refused`.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request

from .api_answers import FileAnswer, ImageInfo, read_file_info
from .bounded_http import BoundedFetcher, FetchError, RedirectRefused
from .mediawiki_client import BATCH, ApiClient
from .source_types import SourceError
from .titles import normalise_title


class FileProblem(Exception):
    """Why a file was not placed; str() is one line."""


class Missing(FileProblem):
    """The source does not have the file."""


class Refused(FileProblem):
    """The source has the file, but it may not be placed."""


@dataclass(frozen=True)
class Fetched:
    """A file's content and what is known of it."""

    data: bytes
    sha1: str
    mime: str
    source: str  # the URL, or the file's path in the folder


def _mime(name: str) -> str:
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


# -- a folder -------------------------------------------------------------------------------

def folder_candidates(folder: Path, name: str) -> list[Path]:
    """Where a folder of wiki files may hold ``name``: flat, with "_" or spaces, or in the
    wiki's own hashed layout (``a/ab/Name.png``, from the MD5 of the name)."""
    underscored = name.replace(" ", "_")
    digest = hashlib.md5(underscored.encode("utf-8")).hexdigest()
    return [folder / underscored, folder / name, folder / digest[0] / digest[:2] / underscored]


def from_folder(folder: Path, name: str, limit: int) -> Fetched:
    """The file ``name`` from ``folder``; Missing or Refused otherwise. A link leading out of
    the folder is refused."""
    base = folder.resolve()
    for candidate in folder_candidates(folder, name):
        if "/" in name or name.startswith(".") or not candidate.is_file():
            continue
        path = candidate.resolve()
        if not path.is_relative_to(base):
            raise Refused(f"{candidate} leads out of {folder}")
        size = path.stat().st_size
        if size > limit:
            raise Refused(f"{size} bytes, more than max_file_size ({limit})")
        data = path.read_bytes()
        return Fetched(data, hashlib.sha1(data).hexdigest(), _mime(name),
                       candidate.relative_to(folder).as_posix())
    raise Missing(f"not in {folder}")


# -- the API --------------------------------------------------------------------------------

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
        return Fetched(answer.body, sha1, info.mime or _mime(url), url)

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
