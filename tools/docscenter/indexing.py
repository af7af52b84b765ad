"""Building the center index from the center's files, and what both index builders share.

:func:`scan_center` is the fast text scan behind ``docscenter check``, ``status`` and the
commit hook. The Sphinx build builds its index from what it has read instead
(:mod:`docscenter.sphinxext.index`), with the same :func:`template_facts` and
:func:`manifest_facts`.
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from . import vcs
from .core.center import Center
from .core.index import CenterIndex, ManifestEntry, ManifestFacts, PageFacts, TemplateFacts
from .core.provenance import template_fingerprint
from .core.requirements import EXAMPLE_VERSION, requirements
from .core.rst_scan import scan_text
from .core.rules.toctree import candidates
from .core.services import ServiceMeta
from .errors import UsageError
from .index_cache import IndexCache
from .scaffold import render_service
from .vcs import Change
from .wiki.manifest import load_manifest


def rendering(center: Center, meta: ServiceMeta) -> dict[str, str]:
    """The fingerprints of the service's pages as ``new-service`` would render them from its
    service.toml (by file name in the service folder); empty when that fails."""
    owners = [f"{o.name} <{o.email}>" if o.email else o.name for o in meta.owners]
    try:
        files = render_service(
            center, meta.name, title=meta.title, summary=meta.summary, owners=owners,
            api_versions=meta.api_versions, lifecycle=meta.lifecycle or "development",
        )
    except Exception:  # noqa: BLE001 - a broken template or metadata means "no stubs known"
        return {}
    return {name: template_fingerprint(text) for name, text in files.items()
            if name.endswith(".rst")}


def template_facts(center: Center, services: Iterable[ServiceMeta],
                   cache: IndexCache | None = None) -> TemplateFacts:
    """The service template's requirements (from the center's override, if any) and each
    service's rendering (from ``cache`` when it has it)."""
    # A template that does not render is a UsageError naming its file and line.
    example = render_service(center, "example", title="Example", summary="Example.",
                             api_versions=[EXAMPLE_VERSION])
    render = functools.partial(rendering, center)
    return TemplateFacts(requirements(example, center.config), {
        meta.name: cache.rendering(meta, render) if cache else render(meta)
        for meta in services})


def manifest_facts(center: Center) -> ManifestFacts | None:
    """The wiki import manifest, when the center has one."""
    path = center.manifest_path
    if not path.is_file():
        return None
    relative = center.relative(path)
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        return ManifestFacts(relative, str(exc).removeprefix(f"{path}: "))
    return ManifestFacts(relative, entries=tuple(
        ManifestEntry(number, rule.title or rule.prefix, rule.service)
        for number, rule in enumerate(manifest.rules, start=1)))


def source_files(folder: Path, suffix: str) -> list[Path]:
    """The documents under ``folder``, hidden and ``_``-prefixed folders left out."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(f"*{suffix}")
                  if not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def _text(path: Path, data: bytes) -> str:
    """The text of ``data`` read from ``path``, line ends as Python reads text files."""
    try:
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


def _documents(center: Center, pages: Mapping[str, PageFacts]) -> frozenset[str]:
    """The files toctree entries name that exist (the pages scanned do)."""
    return frozenset(path for page in pages.values() for target, _line in page.toctree
                     for path in candidates(page.path, target, center.source_suffix)
                     if path in pages or (center.root / path).is_file())


def scan_center(center: Center, *, cached: bool = False) -> CenterIndex:
    """The index of the center, from a text scan of its center-wide pages and services;
    ``cached``: re-scan only what changed since the last cached scan (see
    :mod:`docscenter.index_cache`), and keep this one."""
    cache = IndexCache.open(center) if cached else None
    pages: dict[str, PageFacts] = {}
    for path in [*source_files(center.source_dir, center.source_suffix),
                 *source_files(center.services_dir, center.source_suffix)]:
        # Where the file is in the center, as Sphinx names it (a symbolic link not followed).
        relative = path.relative_to(center.root).as_posix()
        data = path.read_bytes()
        pages[relative] = (scan(relative, data, path) if cache is None
                           else cache.page(relative, data, functools.partial(scan, path=path)))
    services = center.services()
    index = CenterIndex(center, services, pages, template_facts(center, services, cache),
                        manifest_facts(center), _documents(center, pages))
    if cache is not None:
        cache.save()
    return index


def scan(relative: str, data: bytes, path: Path) -> PageFacts:
    """The facts of the page at ``relative`` (the file ``path``) holding ``data``."""
    return scan_text(relative, _text(path, data))


@contextlib.contextmanager
def committed_center(center: Center) -> Iterator[Center]:
    """The center as the commit being made holds it, for the commit hook: its files are
    written from the VCS (Mercurial's pending changeset, Git's index) into a scratch folder,
    and the center there is what :func:`scan_center` reads. Outside a repository, the center
    itself."""
    repo = vcs.detect(center.root)
    if repo is None:
        yield center
        return
    relative = center.root.resolve().relative_to(repo.root).as_posix()
    with tempfile.TemporaryDirectory(prefix="docscenter-commit-") as scratch:
        try:
            repo.export_snapshot(relative, Path(scratch))
        except vcs.VcsError as exc:
            raise UsageError(f"{center.root}: cannot read the commit being made: {exc}") \
                from None
        root = Path(scratch) / relative
        if not (root / "conf.py").is_file():
            raise UsageError(f"{center.root}: the commit being made holds no conf.py for "
                             "this center")
        yield Center.load(root)


# -- history --------------------------------------------------------------------------------

def summarise_changes(center: Center, repo_root: Path,
                      changes: Mapping[str, Change]) -> dict[str, tuple[str, str]]:
    """Service name -> (ISO date, author) of its latest change, from the last change of every
    file of the repository (paths relative to ``repo_root``)."""
    base = center.root.resolve().relative_to(repo_root).as_posix()
    prefix = "" if base == "." else base + "/"
    latest: dict[str, tuple[str, str]] = {}
    for path, change in changes.items():
        if not path.startswith(prefix):
            continue
        relative = path[len(prefix):]
        service = center.service_of(relative)
        if service is None or not relative.startswith(center.service_folder(service) + "/"):
            continue
        stamp = change.date.isoformat()
        if service not in latest or stamp > latest[service][0]:
            latest[service] = (stamp, change.author)
    return latest


def service_changes(center: Center) -> dict[str, tuple[str, str]]:
    """Each service's latest change, from one VCS call; empty when the center is not under
    version control or the query fails."""
    try:
        repo = vcs.detect(center.root)
        if repo is None:
            return {}
        return summarise_changes(center, repo.root, repo.last_changes())
    except Exception:  # noqa: BLE001 - history is a nicety; never fail the status over it
        return {}
