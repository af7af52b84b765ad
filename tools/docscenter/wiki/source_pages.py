"""The pages of an import's sources, read twice: once to plan, once to convert."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import UsageError
from .manifest import Manifest
from .source_types import SiteInfo, SourceError, WikiPage
from .sources import open_source


def _open(spec: str, manifest: Manifest, pages: tuple[str, ...],
          prefix: str | None) -> tuple[Iterator[WikiPage], SiteInfo | None]:
    try:
        return open_source(spec, pages=pages, prefix=prefix, title_prefix=manifest.title_prefix)
    except SourceError as exc:
        raise UsageError(str(exc)) from None


CACHE_BUDGET = 8 * 1024 * 1024  # characters of wikitext kept in memory between the passes


class SourcePages:
    """The pages of every source, readable twice (one pass each). URLs are fetched once and
    kept in memory; files are kept too while they are small, and read again when they are
    not (a huge dump). The wiki's article path is noted from the first source that gives it."""

    def __init__(self, specs: list[str], manifest: Manifest, pages: tuple[str, ...],
                 prefix: str | None) -> None:
        self.specs, self.manifest, self.pages, self.prefix = specs, manifest, pages, prefix
        self.article_path: str | None = None
        self._cache: dict[str, list[WikiPage]] = {}

    def __iter__(self) -> Iterator[WikiPage]:
        try:
            for spec in self.specs:
                if spec in self._cache:
                    yield from self._cache[spec]
                    continue
                stream, site = _open(spec, self.manifest, self.pages, self.prefix)
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
