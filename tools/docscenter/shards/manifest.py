"""What a shard build leaves beside its HTML for ``assemble``: ``shard.json``.

It says which services the shard built and from which inputs, and carries what the center's
own pages need of them: the pages' titles and facts (the catalogue, the status dashboard, the
glossary's "Used by"), the HTTP routes (the routing table), the general index entries, and the
references the shard could not resolve itself, each with its file and line.

Shards come from CI jobs as artifacts: the file is checked on the way in, and one that is not
well formed is a one-line error naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.index import PageFacts
from ..errors import UsageError
from ..files import write_atomic
from ..index_cache import facts_from_json, facts_to_json

SCHEMA = "docscenter-shard"
VERSION = 1
#: The manifest's name, beside the shard's ``html`` folder.
MANIFEST = "shard.json"
#: A shard's manifest of its last build, while it is built again (for its pages kept).
PREVIOUS = "shard.previous.json"
#: The ``href`` of a link a shard could not resolve, followed by the reference's id.
PENDING = "docscenter-pending:"


@dataclass(frozen=True)
class Reference:
    """A reference a shard left for the assembly: ``role`` of ``domain`` to ``target`` (for
    ``doc``, the absolute document name), from document ``doc`` (file ``path``, ``line``)."""

    id: str
    domain: str
    role: str
    target: str
    explicit: bool  # the text is the writer's, not the target's title
    doc: str
    path: str
    line: int | None = None


@dataclass
class ShardManifest:
    """One shard's manifest (see the module documentation)."""

    inputs: str  # docscenter, conf.py and templates the pages were built with (a digest)
    services: tuple[str, ...]  # the services this shard built
    center_services: tuple[str, ...]  # every service of the center when it was built
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title
    pages: dict[str, PageFacts] = field(default_factory=dict)  # docname -> facts
    routes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # http domain
    index_entries: dict[str, list[list[Any]]] = field(default_factory=dict)  # docname -> ...
    references: list[Reference] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "version": VERSION, "inputs": self.inputs,
                "services": list(self.services), "center_services": list(self.center_services),
                "titles": self.titles,
                "pages": {doc: {"path": facts.path, **facts_to_json(facts)}
                          for doc, facts in self.pages.items()},
                "routes": self.routes, "index_entries": self.index_entries,
                "references": [ref.__dict__ for ref in self.references]}

    def write(self, path: Path) -> None:
        write_atomic(path, json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True))


def _strings(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what}: expected a list of strings")
    return list(value)


def _mapping(value: object, what: str, check: Callable[[object], bool]) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and check(v) for k, v in value.items()):
        raise ValueError(f"{what}: not of the expected shape")
    return dict(value)


def _route(value: object) -> bool:
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)


def _reference(value: object) -> Reference:
    if not isinstance(value, dict):
        raise ValueError("references: expected objects")
    texts = ("id", "domain", "role", "target", "doc", "path")
    if not all(isinstance(value.get(key), str) for key in texts) or not isinstance(
            value.get("explicit"), bool) or not (value.get("line") is None
                                                 or type(value.get("line")) is int):
        raise ValueError("references: an entry is not of the expected shape")
    return Reference(**{key: value[key] for key in (*texts, "explicit", "line")})


def _parse(data: object) -> ShardManifest:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError("not a docscenter shard manifest")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r}, this docscenter reads {VERSION}")
    if not isinstance(data.get("inputs"), str):
        raise ValueError("inputs: expected a string")
    pages = _mapping(data.get("pages"), "pages",
                     lambda v: isinstance(v, dict) and isinstance(v.get("path"), str))
    references = data.get("references")
    if not isinstance(references, list):
        raise ValueError("references: expected a list")
    return ShardManifest(
        inputs=data["inputs"],
        services=tuple(_strings(data.get("services"), "services")),
        center_services=tuple(_strings(data.get("center_services"), "center_services")),
        titles=_mapping(data.get("titles"), "titles", lambda v: isinstance(v, str)),
        pages={doc: facts_from_json(facts["path"], facts) for doc, facts in pages.items()},
        routes=_mapping(data.get("routes"), "routes", lambda v: isinstance(v, dict) and all(
            isinstance(k, str) and _route(r) for k, r in v.items())),
        index_entries=_mapping(data.get("index_entries"), "index_entries", lambda v: isinstance(
            v, list) and all(isinstance(e, list) and len(e) == 5 for e in v)),
        references=[_reference(item) for item in references],
    )


def load_manifest(path: Path) -> ShardManifest:
    """The manifest at ``path``; a :class:`UsageError` naming it when it cannot be used."""
    try:
        return _parse(json.loads(path.read_bytes()))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{path}: not a usable shard manifest ({exc})") from None
