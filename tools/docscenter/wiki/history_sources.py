"""Where a page's history comes from: a full-history dump (every ``<revision>``, streamed), or
the wiki's API (``prop=revisions&rvdir=newer``, 50 revisions an answer, continued), within
the import's bounds. Either yields revisions oldest first, one at a time."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

from .api_answers import HistoryAnswer, read_history
from .export import ExportReader
from .mediawiki_client import ApiClient
from .source_limits import SourceSession
from .source_types import SourceError, WikiRevision
from .titles import normalise_title

PER_ANSWER = 50  # revisions with content per answer: the API's limit


def dump_revisions(path: Path, titles: Collection[str],
                   session: SourceSession) -> Iterator[WikiRevision]:
    """The revisions of the pages ``titles`` (normalised) in the dump at ``path``, in the
    dump's order: one read of the file, whatever the number of pages."""
    for revision in ExportReader(path, session).revisions():
        if normalise_title(revision.title) in titles:
            yield revision


def api_revisions(client: ApiClient, title: str) -> Iterator[WikiRevision]:
    """Every revision of ``title`` on the wiki, oldest first; a listing whose continuation
    repeats is a SourceError (it would never end)."""
    params = {"action": "query", "titles": title, "prop": "revisions",
              "rvprop": "ids|timestamp|user|comment|content", "rvslots": "main",
              "rvlimit": str(PER_ANSWER), "rvdir": "newer"}
    extra: dict[str, str] = {}
    seen: set[tuple[tuple[str, str], ...]] = set()
    limit = client.session.limits.max_page_size
    while True:
        answer: HistoryAnswer = client.call({**params, **extra}, read_history)
        for revision in answer.revisions:
            size = len(revision.content.encode("utf-8", "surrogatepass"))
            yield WikiRevision(answer.title or title, revision.revid, revision.timestamp,
                               revision.user, revision.comment,
                               revision.content if size <= limit else "", size > limit)
        if answer.continuation is None:
            return
        key = tuple(sorted(answer.continuation.items()))
        if key in seen or not answer.revisions:
            raise SourceError(f"{client.api_url}: the history of {title!r} does not end "
                              "(a continuation without progress)")
        seen.add(key)
        extra = answer.continuation
