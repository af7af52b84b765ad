"""One search index from several: the assembly's and the shards' ``searchindex.js`` joined,
so the site's search finds the pages of every shard.

The index is Sphinx's (``Search.setIndex({...})``): documents by number, and words, titles,
objects and index entries pointing at those numbers. Joining renumbers the documents (sorted
by name, as Sphinx numbers them) and the object types, and unites what points at them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import UsageError

PREFIX, SUFFIX = "Search.setIndex(", ")"


def read_index(path: Path) -> dict[str, Any]:
    """A ``searchindex.js`` as data."""
    text = path.read_text(encoding="utf-8")
    if not (text.startswith(PREFIX) and text.rstrip().endswith(SUFFIX)):
        raise UsageError(f"{path}: not a Sphinx search index")
    try:
        data = json.loads(text[len(PREFIX):text.rstrip().rindex(SUFFIX)])
    except ValueError as exc:
        raise UsageError(f"{path}: not a Sphinx search index ({exc})") from None
    if not isinstance(data, dict) or "docnames" not in data:
        raise UsageError(f"{path}: not a Sphinx search index")
    return data


def write_index(path: Path, data: dict[str, Any]) -> None:
    path.write_text(PREFIX + json.dumps(data, separators=(",", ":"), ensure_ascii=False)
                    + SUFFIX, encoding="utf-8")


def _first(item: list[Any]) -> Any:
    return item[0]


def _ids(value: int | list[int]) -> list[int]:
    return [value] if isinstance(value, int) else list(value)


class _Joined:
    """The index being built: documents, words and the rest, by document name."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[str, str]] = {}  # docname -> (file name, title)
        self.words: dict[str, dict[str, set[str]]] = {"terms": {}, "titleterms": {}}
        self.objects: dict[str, list[tuple[str, str, int, str, str]]] = {}
        self.objnames: dict[str, list[str]] = {}  # "domain:type" -> [domain, type, label]
        self.titles: dict[str, list[tuple[str, str | None]]] = {}
        self.entries: dict[str, list[tuple[str, str, bool]]] = {}

    def add(self, index: dict[str, Any], keep: set[str] | None) -> None:
        names: list[str] = index["docnames"]
        kept = {i for i, name in enumerate(names) if keep is None or name in keep}
        for i in kept:
            self.docs.setdefault(names[i], (index["filenames"][i], index["titles"][i]))
        for key, words in self.words.items():
            for word, ids in index.get(key, {}).items():
                found = {names[i] for i in _ids(ids) if i in kept}
                if found:
                    words.setdefault(word, set()).update(found)
        types = {int(n): kind for n, kind in index.get("objtypes", {}).items()}
        for n, label in index.get("objnames", {}).items():
            self.objnames.setdefault(types[int(n)], list(label))
        for prefix, items in index.get("objects", {}).items():
            self.objects.setdefault(prefix, []).extend(
                (names[doc], types[kind], prio, anchor, name)
                for doc, kind, prio, anchor, name in items if doc in kept)
        for title, places in index.get("alltitles", {}).items():
            self.titles.setdefault(title, []).extend(
                (names[doc], anchor) for doc, anchor in places if doc in kept)
        for entry, places in index.get("indexentries", {}).items():
            self.entries.setdefault(entry, []).extend(
                (names[doc], anchor, main) for doc, anchor, main in places if doc in kept)

    def freeze(self, envversion: Any) -> dict[str, Any]:
        order = sorted(self.docs)
        number = {name: i for i, name in enumerate(order)}
        kinds = sorted(self.objnames)
        kind_number = {kind: i for i, kind in enumerate(kinds)}

        def ids(docs: set[str]) -> int | list[int]:
            found = sorted(number[d] for d in docs)
            return found[0] if len(found) == 1 else found

        return {
            "docnames": order,
            "filenames": [self.docs[d][0] for d in order],
            "titles": [self.docs[d][1] for d in order],
            "terms": {w: ids(d) for w, d in sorted(self.words["terms"].items())},
            "titleterms": {w: ids(d) for w, d in sorted(self.words["titleterms"].items())},
            "objects": {p: [[number[d], kind_number[k], prio, anchor, name]
                            for d, k, prio, anchor, name in items]
                        for p, items in sorted(self.objects.items()) if items},
            "objtypes": {str(i): kind for i, kind in enumerate(kinds)},
            "objnames": {str(i): self.objnames[kind] for i, kind in enumerate(kinds)},
            "envversion": envversion,
            "alltitles": {t: sorted(([number[d], a] for d, a in places), key=_first)
                          for t, places in sorted(self.titles.items()) if places},
            "indexentries": {e: sorted(([number[d], a, m] for d, a, m in places), key=_first)
                             for e, places in sorted(self.entries.items()) if places},
        }


def join_indexes(base: dict[str, Any], parts: Iterable[tuple[dict[str, Any], set[str]]]
                 ) -> dict[str, Any]:
    """``base`` (all of it) joined with each part's documents in its set of names."""
    joined = _Joined()
    joined.add(base, None)
    for index, keep in parts:
        joined.add(index, keep)
    return joined.freeze(base.get("envversion"))
