"""Builds of part of a center: a shard, or the assembly of the shards.

A **shard** (``docscenter_shard = ["alpha", "beta"]``) reads the pages of its services and
the center's own pages (the navigation starts from the front page, and the shared glossary
resolves ``:term:`` with the same targets as in a whole build), checks its services only, and
publishes its services' pages (:mod:`.shard`). The **assembly**
(``docscenter_assemble = "<build>/shards"``) reads the center's own pages only, and knows the
services' pages from the shards' manifests and inventories (:mod:`.assembly`).

Both know every service of the center (:class:`PartialBuild`): the navigation lists them
all, linking the services built elsewhere by the titles they were built with (a shard, which
cannot know them yet, by the title in ``service.toml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..core import rules
from ..core.config import first_suffix
from ..core.findings import Finding, Subtype
from ..core.index import PageFacts
from ..core.services import ServiceMeta
from ..shards.collect import BuiltShard, load_shards
from ..shards.links import ShardInventory
from ..shards.manifest import Reference
from .state import NotKept, build_state, center_of

SHARD = "docscenter_shard"
ASSEMBLE = "docscenter_assemble"
#: On a catalogue toctree of a partial build: the landing page of every service of its
#: group, whether this build has it or not.
SERVICES_ATTRIBUTE = "docscenter_services"
#: Findings about the whole center: reported by the assembly, which sees every page.
CENTER_WIDE = frozenset(rules.glossary.SUBTYPES) | frozenset(rules.manifest.SUBTYPES)


@dataclass
class PartialBuild(NotKept):
    """What a shard or the assembly knows of the whole center (see the module
    documentation); kept on the build's state."""

    services: list[ServiceMeta]  # every service of the center, in name order
    own: frozenset[str]  # the services whose pages this build reads (the assembly: none)
    assembling: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # docname -> title, built elsewhere
    pages: dict[str, PageFacts] = field(default_factory=dict)  # docname -> facts, elsewhere
    references: list[Reference] = field(default_factory=list)  # a shard's, for the assembly
    shards: list[BuiltShard] = field(default_factory=list)  # the assembly's
    inventory: ShardInventory = field(default_factory=ShardInventory)  # the shards' entries
    routes_elsewhere: bool = False  # a shard: other services document HTTP endpoints
    counters: dict[str, int] = field(default_factory=dict)  # references per document
    written: set[str] = field(default_factory=set)  # documents written by this build

    def builds(self, service: str) -> bool:
        """Whether this build reads and publishes the pages of ``service``."""
        return service in self.own

    def reports(self, finding: Finding) -> bool:
        """Whether this build reports ``finding``: a shard, those about its services; the
        assembly, those about the center's own pages and the whole center."""
        wide = Subtype(finding.subtype) in CENTER_WIDE
        if self.assembling:
            return wide or finding.service is None
        return not wide and finding.service in self.own

    def title(self, meta: ServiceMeta, landing: str) -> str:
        """The navigation title of a service built elsewhere."""
        return self.titles.get(landing) or meta.title


def start_partial(app: Sphinx, services: list[ServiceMeta]) -> PartialBuild | None:
    """``builder-inited``: what this build is a part of, if it is a partial build (the
    assembly loads the shards, which the command line has checked)."""
    if app.config[ASSEMBLE]:
        partial = PartialBuild(services, frozenset(), assembling=True,
                               shards=load_shards(Path(app.config[ASSEMBLE])))
        for shard in partial.shards:
            partial.titles.update(shard.manifest.titles)
            partial.pages.update(shard.manifest.pages)
            inventory = shard.html / "objects.inv"
            if inventory.is_file():
                partial.inventory.add(inventory.read_bytes(), shard.pages())
        return partial
    if app.config[SHARD]:
        own = frozenset(app.config[SHARD])
        suffix = first_suffix(app.config.source_suffix)
        return PartialBuild(services, own, routes_elsewhere=any(
            documents_endpoints(meta.path, suffix) for meta in services if meta.name not in own))
    return None


HTTP_DIRECTIVE = re.compile(r"^\s*\.\.\s+http:(?!statuscode|method|header)\w+::")
#: The explicit markup that is not a comment: a directive, target, footnote, substitution.
NOT_COMMENT = re.compile(r"^\.\.\s+(_|\[|\||[\w:-]+::)")


def documents_endpoints(folder: Path, suffix: str) -> bool:
    """Whether a page under ``folder`` holds an ``http:`` endpoint directive outside a
    comment (the routing table lists it): a quick look, for a shard's navigation."""
    for path in folder.rglob(f"*{suffix}"):
        data = path.read_bytes()
        if b"http:" not in data:
            continue
        comment: int | None = None  # the indentation of the comment being skipped
        for line in data.decode("utf-8", "replace").splitlines():
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            if comment is not None and (not stripped or indent > comment):
                continue
            comment = None
            if HTTP_DIRECTIVE.match(line):
                return True
            if stripped.startswith("..") and not NOT_COMMENT.match(stripped):
                comment = indent
    return False


def partial_build(env: BuildEnvironment) -> PartialBuild | None:
    """This build's :class:`PartialBuild`; None for a build of the whole center."""
    partial = build_state(env).partial
    return partial if isinstance(partial, PartialBuild) else None


def is_partial(config: Config) -> bool:
    return bool(config[SHARD]) or bool(config[ASSEMBLE])


def _outside(root: Path, folder: str) -> list[str]:
    """Patterns of everything under ``root`` but ``folder``'s subfolders (its own files
    stay)."""
    parts = folder.split("/")
    patterns = [f"{folder}/*"]
    for depth, name in enumerate(parts):
        parent = root.joinpath(*parts[:depth])
        prefix = "".join(part + "/" for part in parts[:depth])
        for child in sorted(parent.iterdir()) if parent.is_dir() else ():
            if child.name != name and not child.name.startswith("."):
                patterns.append(f"{prefix}{child.name}/**" if child.is_dir()
                                else prefix + child.name)
    return patterns


def restrict_documents(app: Sphinx, config: Config) -> None:
    """``config-inited``: a shard reads the center's own pages and its services', the
    assembly the center's own pages only."""
    if not is_partial(config):
        return
    center = center_of(app.srcdir, config)
    folder = center.config.services_dir
    own = [] if config[ASSEMBLE] else list(config[SHARD])
    config.include_patterns = [*_outside(Path(app.srcdir), folder),
                               *(f"{folder}/{name}/**" for name in own)]


def setup_partial(app: Sphinx) -> None:
    """Register the settings of partial builds (set by ``docscenter build --shard`` and
    ``docscenter assemble``, not in conf.py)."""
    app.add_config_value(SHARD, [], "env", (list, tuple),
                         "The services a shard builds (docscenter build --shard).")
    app.add_config_value(ASSEMBLE, "", "env", (str,),
                         "The folder of the shards to assemble (docscenter assemble).")
    app.connect("config-inited", restrict_documents)
