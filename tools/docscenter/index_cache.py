"""A cache of the fast scan, so ``check``, ``status`` and the commit hook re-scan only what
changed: ``.docscenter/cache/index.json`` under the center.

It keeps, for each page, the digest of its bytes and the facts scanned from them, and for
each service the fingerprints of its pages as the template renders them, keyed by what they
are rendered from. A page is scanned again when its bytes changed; the whole cache is set aside
when docscenter (its version or any of its files), the center's ``conf.py`` or its templates
folder changed.

The cache is a file in a working copy, so it is judged like any input: one that does not
parse or has the wrong shape is ignored, and one not written here by this machine (committed,
copied or unpacked from elsewhere: its file is not the one it names) is not trusted. Failing
to write it is not an error; the next run scans again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core.center import Center
from .core.index import PageFacts
from .core.services import ServiceMeta
from .core.vocabulary import Markup
from .version import __version__

#: The cache file, relative to the center root (in the state folder VCS ignores).
CACHE_FILE = ".docscenter/cache/index.json"
#: Bumped when the shape of the file changes.
FORMAT = 1
PACKAGE = Path(__file__).parent


def digest(*parts: bytes) -> str:
    """A digest of ``parts`` (each one counted apart: ``a`` + ``bc`` is not ``ab`` + ``c``)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def folder_digest(folder: Path, skip: Iterable[str] = ()) -> str:
    """Every file under ``folder`` (relative path and bytes), but folders named in ``skip``."""
    parts: list[bytes] = []
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not set(relative.parts) & set(skip):
                parts += [relative.as_posix().encode("utf-8"), path.read_bytes()]
    return digest(*parts)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0missing"


def inputs_digest(center: Center) -> str:
    """What a center's pages are checked and built with, besides the pages themselves:
    docscenter (its version and every file of it), ``conf.py`` and the templates folder."""
    return digest(__version__.encode(), folder_digest(PACKAGE, skip=("__pycache__",)).encode(),
                  _read(center.root / "conf.py"), folder_digest(center.templates_dir).encode())


def cache_key(center: Center) -> str:
    """What every entry depends on: :func:`inputs_digest`, and where the center is."""
    return digest(str(FORMAT).encode(), inputs_digest(center).encode(),
                  str(center.root.resolve()).encode("utf-8"))


def rendering_key(meta: ServiceMeta, today: str) -> str:
    """What a service's rendering is made from (see :func:`docscenter.indexing.rendering`)."""
    owners = [[owner.name, owner.email] for owner in meta.owners]
    return digest(json.dumps([today, meta.name, meta.title, meta.summary, meta.lifecycle,
                               owners, list(meta.api_versions)]).encode("utf-8"))


# -- the file's entries, checked on the way in ------------------------------------------------

def _line(value: object) -> int | None:
    if value is None or type(value) is int:
        return value
    raise ValueError("line")


def _pairs(value: object, line: Callable[[object], int | None]) -> list[tuple[str, Any]]:
    if not isinstance(value, list):
        raise ValueError("list")
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise ValueError("pair")
        out.append((item[0], line(item[1])))
    return out


def _int_line(value: object) -> int:
    if type(value) is not int:
        raise ValueError("line")
    return value


def facts_to_json(facts: PageFacts) -> dict[str, Any]:
    """``facts`` as the cache keeps them."""
    return {"sections": facts.sections, "toctree": facts.toctree, "terms": facts.terms,
            "refs": facts.refs, "placeholders": facts.placeholders,
            "imported_stub": facts.imported_stub, "fingerprint": facts.fingerprint,
            "foreign_markup": [list(markup) for markup in facts.foreign_markup],
            "wiki_title": facts.wiki_title, "wiki_title_exact": facts.wiki_title_exact,
            "conflicts": facts.conflicts, "wiki_source": facts.wiki_source,
            "links": facts.links}


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise ValueError(key)
    return value


def _ints(data: dict[str, Any], key: str) -> list[int]:
    value = _typed(data, key, list)
    if not all(type(n) is int for n in value):
        raise ValueError(key)
    return list(value)


def facts_from_json(path: str, data: object) -> PageFacts:
    """The facts of page ``path`` from the cache; ValueError when they are not well formed."""
    if not isinstance(data, dict):
        raise ValueError("facts")
    links = _typed(data, "links", list)
    if not all(isinstance(link, str) for link in links):
        raise ValueError("links")
    return PageFacts(
        path, sections=_pairs(data.get("sections"), _line),
        toctree=_pairs(data.get("toctree"), _int_line), terms=_pairs(data.get("terms"), _line),
        refs=_pairs(data.get("refs"), _line), placeholders=_ints(data, "placeholders"),
        imported_stub=_typed(data, "imported_stub", bool),
        foreign_markup=_markups(data.get("foreign_markup")),
        wiki_title=_typed(data, "wiki_title", (str, type(None))),
        wiki_title_exact=_typed(data, "wiki_title_exact", bool),
        conflicts=_ints(data, "conflicts"), fingerprint=_typed(data, "fingerprint", str),
        wiki_source=_typed(data, "wiki_source", str), links=list(links))


def _markups(value: object) -> list[Markup]:
    if not isinstance(value, list):
        raise ValueError("markup")
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3
                and all(isinstance(part, str) for part in item[:2])):
            raise ValueError("markup")
        out.append(Markup(item[0], item[1], _line(item[2])))
    return out


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("strings")
    return dict(value)


@dataclass
class IndexCache:
    """The cache of one center, as loaded; entries are taken and added, then :meth:`save`."""

    path: Path
    key: str
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    pages: dict[str, tuple[str, PageFacts]] = field(default_factory=dict)
    renderings: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    used: set[tuple[str, str]] = field(default_factory=set)
    changed: bool = False

    @classmethod
    def open(cls, center: Center) -> IndexCache:
        """The center's cache; empty when there is none, it is not this center's or this
        docscenter's, or it is not well formed."""
        cache = cls(center.root / CACHE_FILE, cache_key(center))
        try:
            cache._load()
        except (OSError, ValueError, TypeError, KeyError):
            cache.pages, cache.renderings, cache.changed = {}, {}, True
        return cache

    def _load(self) -> None:
        with self.path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            data = json.loads(handle.read())
        if not isinstance(data, dict) or data.get("key") != self.key:
            raise ValueError("another docscenter, center, conf.py or templates folder")
        if data.get("file") != [stat.st_dev, stat.st_ino]:
            raise ValueError("a cache file that was not written here")
        pages, renderings = data["pages"], data["renderings"]
        if not isinstance(pages, dict) or not isinstance(renderings, dict):
            raise ValueError("entries")
        for path, entry in pages.items():
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise ValueError("page entry")
            # Well formed, or the whole cache is ignored.
            self.pages[path] = (entry[0], facts_from_json(path, entry[1]))
        for name, entry in renderings.items():
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise ValueError("rendering entry")
            self.renderings[name] = (entry[0], _strings(entry[1]))

    def page(self, path: str, data: bytes, scan: Callable[[str, bytes], PageFacts]
             ) -> PageFacts:
        """The facts of page ``path`` holding ``data``: from the cache when it holds these
        very bytes, else ``scan(path, data)`` (and kept)."""
        known = digest(data)
        self.used.add(("page", path))
        cached = self.pages.get(path)
        if cached is not None and cached[0] == known:
            return cached[1]
        facts = scan(path, data)
        self.pages[path] = (known, facts)
        self.changed = True
        return facts

    def rendering(self, meta: ServiceMeta, render: Callable[[ServiceMeta], Mapping[str, str]]
                  ) -> dict[str, str]:
        """The fingerprints of ``meta``'s rendering: from the cache when it was rendered from
        the same values today, else ``render(meta)`` (and kept)."""
        key = rendering_key(meta, self.today)
        self.used.add(("rendering", meta.name))
        cached = self.renderings.get(meta.name)
        if cached is not None and cached[0] == key:
            return dict(cached[1])
        fingerprints = dict(render(meta))
        self.renderings[meta.name] = (key, fingerprints)
        self.changed = True
        return fingerprints

    def save(self) -> None:
        """Write the entries used by this run (others are dropped); nothing when nothing
        changed. Not being able to write is no error: the next run scans again."""
        pages = {p: [known, facts_to_json(facts)] for p, (known, facts) in self.pages.items()
                 if ("page", p) in self.used}
        renderings = {n: e for n, e in self.renderings.items() if ("rendering", n) in self.used}
        if not self.changed and len(pages) == len(self.pages) and len(renderings) == len(
                self.renderings):
            return
        try:
            self._write({"pages": pages, "renderings": renderings})
        except OSError:
            pass

    def _write(self, entries: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent.parent / ".gitignore"
        if not ignore.exists():  # Git leaves the state folder alone (Mercurial: .hgignore)
            ignore.write_text("# docscenter's state: not part of the center\n*\n",
                              encoding="utf-8")
        handle, temporary = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
        try:
            # The file names itself (its device and inode survive the rename below): a copy
            # of it, or one checked out from a repository, is a different file.
            stat = os.fstat(handle)
            document = {"format": FORMAT, "key": self.key,
                        "file": [stat.st_dev, stat.st_ino], **entries}
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
