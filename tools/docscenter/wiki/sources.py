"""Where wiki pages come from: an export dump, ``.wiki`` files, or a live wiki's API.

This module is the one the importer uses. Readers yield :class:`WikiPage` objects and never
convert or write anything; every problem with the input is a :class:`SourceError` whose
message is one line naming the file or URL. Every reader works within the bounds of one
:class:`SourceSession` (see :mod:`.source_limits`), which also records the pages a source
could not give (a title it lacks, a page over ``max_page_size``): those are skipped, not
fatal.

- :class:`ExportReader` streams a Special:Export dump (see :mod:`.export`);
- :func:`read_wiki_files` reads raw ``.wiki`` files and folders;
- :class:`.mediawiki_client.ApiClient` talks to ``api.php`` (loaded only for an API source,
  with its HTTP client);
- :func:`open_source` picks one of them from a command-line argument.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .export import ExportReader
from .source_limits import SkippedPage, SourceLimits, SourceSession
from .source_types import SiteInfo, SourceError, WikiPage, redirect_target
from .titles import normalise_title

__all__ = [
    "ExportReader",
    "SiteInfo",
    "SkippedPage",
    "SourceError",
    "SourceLimits",
    "SourceSession",
    "WikiPage",
    "open_source",
    "read_wiki_files",
]

_DUMP_SUFFIXES = (".xml", ".xml.gz", ".xml.bz2")


def read_wiki_files(paths: Iterable[Path], prefix: str = "",
                    session: SourceSession | None = None) -> Iterator[WikiPage]:
    """Pages from ``.wiki`` files and folders (folders recursively, in sorted order).

    The title is ``prefix`` + the path relative to the folder argument (a file argument uses
    its stem) without ``.wiki``, with ``_`` read as a space and ``/`` between folders. Text
    must be UTF-8; Windows line ends become ``\\n`` as MediaWiki stores them. A page that
    starts with ``#REDIRECT [[Target]]`` gets ``redirect="Target"``. A file larger than
    ``max_page_size`` is not read: the session notes it as skipped.
    """
    session = session or SourceSession()
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(
                (p for p in path.rglob("*.wiki") if p.is_file()),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            for file in files:
                page = _read_wiki_file(file, prefix, file.relative_to(path).with_suffix(""),
                                       session)
                if page is not None:
                    yield page
        elif path.is_file():
            page = _read_wiki_file(path, prefix, Path(path.stem), session)
            if page is not None:
                yield page
        else:
            raise SourceError(f"{path}: no such file or folder")


def _read_wiki_file(path: Path, prefix: str, relative: Path,
                    session: SourceSession) -> WikiPage | None:
    title = prefix + relative.as_posix().replace("_", " ")
    limit = session.limits.max_page_size
    try:
        if path.stat().st_size > limit:
            session.skip(title, str(path), "too-large", f"{path.stat().st_size} bytes, more "
                         f"than max_page_size ({limit})")
            return None
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    text = text.replace("\r\n", "\n")
    return WikiPage(
        title=title,
        text=text,
        redirect=redirect_target(text),
        source=str(path),
    )


def open_source(
    spec: str,
    *,
    pages: Sequence[str] = (),
    prefix: str | None = None,
    title_prefix: str = "",
    session: SourceSession | None = None,
) -> tuple[Iterator[WikiPage], SiteInfo | None]:
    """Open the source a command line names and return its pages and site information.

    - an ``http(s)://`` URL is a wiki's ``api.php``: ``pages`` and/or ``prefix`` say what to
      fetch (one of them is required);
    - a ``.xml`` file (also ``.xml.gz``/``.xml.bz2``) is a Special:Export dump;
    - a ``.wiki`` file or a folder holds raw wikitext files; titles get ``title_prefix``.

    For dumps and files, ``pages``/``prefix`` select pages by title. A requested page the
    source lacks is noted in ``session`` as skipped (``missing``) once the source is exhausted
    (for the API, as soon as the wiki says so).
    """
    session = session or SourceSession()
    if spec.startswith(("http://", "https://")):
        if not pages and prefix is None:
            raise SourceError(f"{spec}: name the pages to fetch from the wiki (pages or a prefix)")
        from .mediawiki_client import ApiClient

        client = ApiClient(spec, session=session)
        site = client.siteinfo()
        streams: list[Iterator[WikiPage]] = []
        if pages:
            streams.append(client.pages(pages))
        if prefix is not None:
            streams.append(client.prefix(prefix))
        return _unique(itertools.chain.from_iterable(streams)), site

    path = Path(spec)
    if not path.exists():
        raise SourceError(f"{spec}: no such file or folder")
    if path.is_file() and path.name.lower().endswith(_DUMP_SUFFIXES):
        reader = ExportReader(path, session)
        return _select(reader.__iter__, spec, pages, prefix, session), reader.siteinfo
    if path.is_dir() or path.suffix.lower() == ".wiki":
        def read() -> Iterator[WikiPage]:
            return read_wiki_files([path], title_prefix, session)

        return _select(read, spec, pages, prefix, session), None
    raise SourceError(
        f"{spec}: unknown kind of source; expected an api.php URL, a .xml export, "
        "a .wiki file or a folder"
    )


def _unique(stream: Iterator[WikiPage]) -> Iterator[WikiPage]:
    """Drop a page already yielded (pages and a prefix may name the same page)."""
    seen: set[str] = set()
    for page in stream:
        if page.title not in seen:
            seen.add(page.title)
            yield page


def _select(
    read: Callable[[], Iterator[WikiPage]], spec: str, pages: Sequence[str],
    prefix: str | None, session: SourceSession,
) -> Iterator[WikiPage]:
    """Keep the pages named in ``pages`` or starting with ``prefix`` (all when neither), the
    way the wiki's API picks them: titles match as the wiki normalises them (the first letter
    of the title after a namespace is upper case, the namespace in any case), and a named
    page that is a redirect brings its target along. ``read`` opens the source afresh: when
    pages are named, a first pass learns the source's redirects."""
    if not pages and prefix is None:
        yield from read()
        return
    wanted = {key: title for title in pages for key in _title_keys(title)}
    if pages:
        _add_redirect_targets(wanted, read())
    starts = _title_keys(prefix) if prefix else ()
    found: set[tuple[str, str]] = set()
    for page in read():
        key = _page_key(page)
        if key in wanted or prefix == "" or any(
            key[0] == ns and key[1].startswith(rest) for ns, rest in starts
        ):
            found.add(key)
            yield page
    # A page skipped for its size is in the source; it is not also "missing".
    too_large = {key for skipped in session.skipped if skipped.kind == "too-large"
                 for key in _title_keys(skipped.title)}
    missing = {title: None for key, title in wanted.items() if key not in found
               and not any(k in found or k in too_large for k in _title_keys(title))}
    for title in missing:
        session.skip(title, spec, "missing", "not in this source")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_keys(title: str) -> tuple[tuple[str, str], ...]:
    """What a title a user typed may name: a main-namespace page, or (when it has a colon) a
    page of the namespace before the colon, as ``(namespace folded, rest)`` keys."""
    keys = [("", normalise_title(title))]
    head, colon, rest = " ".join(title.replace("_", " ").split()).lstrip(":").partition(":")
    if colon and head.strip():
        keys.append((head.strip().casefold(), _upper_first(rest.strip())))
    return tuple(keys)


def _page_key(page: WikiPage) -> tuple[str, str]:
    """The key of a page as the source gives it (its namespace number says if it has one)."""
    head, colon, rest = page.title.partition(":")
    if page.namespace and colon:
        return " ".join(head.replace("_", " ").split()).casefold(), normalise_title(rest)
    return "", normalise_title(page.title)


def _add_redirect_targets(wanted: dict[tuple[str, str], str],
                          stream: Iterator[WikiPage]) -> None:
    """Add to ``wanted`` the targets of the wanted pages that are redirects (chains too)."""
    redirects = {}
    for page in stream:
        target = page.redirect or redirect_target(page.text)
        if target:
            redirects[_page_key(page)] = target.split("#", 1)[0]
    todo = list(wanted)
    while todo:
        target = redirects.pop(todo.pop(), None)
        if target is not None:
            new = [k for k in _title_keys(target) if k not in wanted]
            wanted.update({k: target for k in new})
            todo.extend(new)
