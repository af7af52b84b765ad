"""What an import changes besides the stubs: the service's ``service.toml`` (its original wiki
pages), the wiki index page and the landing page's toctree."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.center import Center
from ..core.services import toml_value
from .convert import normalise_title
from .planning import WIKI_FOLDER, PlannedPage
from .report import Report


def service_files(center: Center, report: Report) -> dict[Path, str]:
    """service.toml (original wiki pages), the wiki index page and the toctree entry."""
    files: dict[Path, str] = {}
    by_service: dict[str, list[PlannedPage]] = {}
    for plan in report.pages:
        by_service.setdefault(plan.service, []).append(plan)
    held = {path: (result.revision, result.wiki_revision)
            for path, result in report.results.items()}
    for service, plans in by_service.items():
        folder = center.services_dir / service
        toml_path = folder / "service.toml"
        old_toml = toml_path.read_text(encoding="utf-8")
        new_toml = update_wiki_pages(old_toml, plans, held)
        if new_toml != old_toml:
            files[toml_path] = new_toml
        if any(plan.path.parent.name == WIKI_FOLDER for plan in plans):
            index = folder / WIKI_FOLDER / "index.rst"
            if not index.exists():
                files[index] = WIKI_INDEX.format(service=service)
            entry_name = f"{WIKI_FOLDER}/index"
        else:
            entry_name = None
        landing = folder / "index.rst"
        wanted = [entry_name] if entry_name else []
        wanted += [p.page for p in plans if p.path.parent == folder]
        updated = add_to_toctree(landing.read_text(encoding="utf-8"), wanted)
        if updated is not None:
            files[landing] = updated
    return files


Entry = dict[str, Any]  # one [[wiki_pages]] table
#: Stub path -> (the revision the stub holds, the wiki's newer one when it moved past it).
Held = Mapping[Path, tuple[int | None, int | None]]
KEYS = ("title", "url", "revision", "page", "wiki_revision")


def _wanted_entries(text: str, plans: list[PlannedPage],
                    held: Held) -> tuple[list[Entry], list[Entry]]:
    """The existing ``wiki_pages`` entries updated from ``plans``, and the new ones: each
    records the revision its stub holds (an edited stub the import kept holds an older one
    than the wiki's, recorded as ``wiki_revision``)."""
    entries: list[Entry] = tomllib.loads(text).get("wiki_pages", [])
    by_title = {normalise_title(str(e.get("title", ""))): e for e in entries}
    added: list[Entry] = []
    for plan in plans:
        entry = by_title.get(normalise_title(plan.title))
        if entry is None:
            entry = {"title": plan.title}
            by_title[normalise_title(plan.title)] = entry
            added.append(entry)
        if plan.url:
            entry["url"] = plan.url
        revision, newer = held.get(plan.path, (plan.revision, None))
        if revision is not None:
            entry["revision"] = revision
        entry.pop("wiki_revision", None)
        if newer is not None:
            entry["wiki_revision"] = newer
        entry["page"] = plan.page
    return entries, added


def _line_value(line: str, key: str) -> object:
    try:
        return tomllib.loads(line).get(key)
    except tomllib.TOMLDecodeError:  # a value over several lines: rewritten, then checked
        return None


_AOT_HEADER = re.compile(r"^\s*\[\[\s*wiki_pages\s*\]\]\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*(title|url|revision|page|wiki_revision)\s*=")


def update_wiki_pages(text: str, plans: list[PlannedPage], held: Held | None = None) -> str:
    """``service.toml`` with a ``[[wiki_pages]]`` entry (title, url, revision, page) per
    imported page; everything else, comments included, is left as it was.

    Edits the text line by line: a format-preserving TOML model of a service with thousands
    of pages costs hundreds of MB. An unusual layout (an inline ``wiki_pages = [...]``) goes
    through tomlkit instead; either way the result is checked with tomllib."""
    entries, added = _wanted_entries(text, plans, held or {})
    expected = tomllib.loads(text)
    expected["wiki_pages"] = entries + added
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _AOT_HEADER.match(line)]
    if len(starts) == len(entries):
        out: list[str] = []
        previous = 0
        for start, entry in zip(starts, entries, strict=True):
            end = start + 1
            while end < len(lines) and not lines[end].lstrip().startswith("["):
                end += 1
            out += lines[previous:start + 1]
            block = lines[start + 1:end]
            for key in KEYS:
                if key not in entry:
                    block = [old for old in block
                             if not ((m := _KEY_LINE.match(old)) and m[1] == key)]
                    continue
                line = f"{key} = {toml_value(entry[key])}"
                index = next((i for i, old in enumerate(block)
                              if (m := _KEY_LINE.match(old)) and m[1] == key), None)
                if index is None:
                    last = max((i for i, old in enumerate(block) if "=" in old), default=-1)
                    block.insert(last + 1, line)
                elif block[index].strip() != line and _line_value(block[index], key) != entry[key]:
                    block[index] = line
            out += block
            previous = end
        out += lines[previous:]
        result = "\n".join(out)
        if added:
            result = result.rstrip("\n") + "\n" + "".join(
                "\n[[wiki_pages]]\n" + "".join(f"{key} = {toml_value(entry[key])}\n"
                                               for key in KEYS
                                               if key in entry)
                for entry in added)
        try:
            if tomllib.loads(result) == expected:
                return result
        except tomllib.TOMLDecodeError:
            pass
    return _update_with_tomlkit(text, entries + added)


def _update_with_tomlkit(text: str, entries: list[Entry]) -> str:
    """The slow, general way: ``wiki_pages`` rewritten as an array of tables."""
    import tomlkit

    document = tomlkit.parse(text)
    document.pop("wiki_pages", None)
    tables = tomlkit.aot()
    for entry in entries:
        table = tomlkit.table()
        table.update(entry)
        tables.append(table)
    document["wiki_pages"] = tables
    return tomlkit.dumps(document)


WIKI_INDEX = """\
.. _service-{service}-wiki:

Imported wiki pages
===================

These pages were imported from the wiki. Edit them freely: a re-import refreshes the pages
nobody has edited and merges the wiki's changes into the edited ones.

.. toctree::
   :maxdepth: 1
   :glob:

   *
"""


def add_to_toctree(text: str, entries: list[str]) -> str | None:
    """Add ``entries`` to the first toctree of a landing page; None when nothing changes."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == ".. toctree::"), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    present = {line.strip() for line in lines[start + 1 : end]}
    missing = [entry for entry in entries if entry not in present]
    if not missing:
        return None
    return "\n".join(lines[:end] + [f"   {entry}" for entry in missing] + lines[end:])
