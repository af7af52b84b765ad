"""The pages of an import's sources, read twice: once to plan, once to convert."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import UsageError
from .manifest import Manifest
from .source_limits import SourceSession, limits_from_environment
from .source_types import SiteInfo, SourceError, WikiPage, checked_site_url
from .sources import open_source


def source_session(manifest: Manifest, wiki_url: str | None,
                   redirect_hosts: tuple[str, ...]) -> SourceSession:
    """The bounds of an import's sources: the manifest's, then the environment's."""
    try:
        if wiki_url is not None:
            checked_site_url(wiki_url, "--wiki-url")
        limits = limits_from_environment(manifest.limits)
    except SourceError as exc:
        raise UsageError(str(exc)) from None
    if wiki_url is not None and "$1" not in wiki_url:
        raise UsageError(f"--wiki-url {wiki_url!r}: needs $1 where the title goes")
    return SourceSession(limits, redirect_hosts=(*manifest.redirect_hosts, *redirect_hosts))


def _open(spec: str, manifest: Manifest, pages: tuple[str, ...], prefix: str | None,
          session: SourceSession) -> tuple[Iterator[WikiPage], SiteInfo | None]:
    try:
        return open_source(spec, pages=pages, prefix=prefix, title_prefix=manifest.title_prefix,
                           session=session)
    except SourceError as exc:
        raise UsageError(str(exc)) from None


CACHE_BUDGET = 8 * 1024 * 1024  # characters of wikitext kept in memory between the passes


class SourcePages:
    """The pages of every source, readable twice (one pass each). URLs are fetched once and
    kept in memory; files are kept too while they are small, and read again when they are
    not (a huge dump). The wiki's article path is noted from the first source that gives it."""

    def __init__(self, specs: list[str], manifest: Manifest, pages: tuple[str, ...],
                 prefix: str | None, session: SourceSession) -> None:
        self.specs, self.manifest, self.pages, self.prefix = specs, manifest, pages, prefix
        self.session = session
        self.article_path: str | None = None
        self._cache: dict[str, list[WikiPage]] = {}

    def __iter__(self) -> Iterator[WikiPage]:
        try:
            for spec in self.specs:
                if spec in self._cache:
                    yield from self._cache[spec]
                    continue
                stream, site = _open(spec, self.manifest, self.pages, self.prefix,
                                     self.session)
                if self.article_path is None and site is not None:
                    self.article_path = site.article_path
                remote = spec.startswith(("http://", "https://"))
                kept: list[WikiPage] | None = []
                size = 0
                for page in stream:
                    if kept is not None:
                        kept.append(page)
                        size += len(page.text)
                        if size > CACHE_BUDGET and not remote:
                            kept = None
                    yield page
                if kept is not None:
                    self._cache[spec] = kept
        except SourceError as exc:
            raise UsageError(str(exc)) from None
