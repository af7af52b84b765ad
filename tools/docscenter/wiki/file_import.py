"""The wiki files an import places in the center: every file its pages show or link to is
read from the sources, checked, and staged into its service's ``_files`` folder under a safe
name, with the folder's record (see :mod:`.file_store`). The stubs then refer to it by a
relative path; a file that could not be placed is a report line and, in the page, a visible
box (see :mod:`.convert.images`).

Files are read from the ``--files`` folder first, then from the first ``api.php`` source. A
file already placed keeps its name, and is not copied again while the source's SHA-1 matches
the recorded one. A dry run reads nothing: it lists the files and assumes they will be placed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.center import Center
from ..core.vocabulary import FILES_FOLDER
from ..errors import UsageError
from .file_fetch import Fetched, FileProblem, Missing, Refused, from_folder
from .file_names import content_matches, file_kind, local_name
from .file_store import FileRecord, read_records, record_path, render_records
from .options import LocalFile
from .planning import Plan, PlannedPage
from .source_limits import SourceSession

if TYPE_CHECKING:  # the API and its HTTP client load only for an import from the API
    from .api_answers import ImageInfo
    from .file_api import ApiFiles

FILE_ACTIONS = ("new", "updated", "unchanged", "kept", "missing", "unsupported", "refused",
                "not-fetched")


@dataclass(frozen=True)
class FileResult:
    """What the import did with one wiki file of one service."""

    service: str
    title: str  # the wiki's name of the file
    action: str  # one of FILE_ACTIONS
    name: str | None = None  # its name in the service's _files folder, when placed
    reason: str = ""  # why it is missing or refused
    pages: tuple[str, ...] = ()  # the wiki pages that use it
    size: int | None = None
    sha256: str | None = None


@dataclass
class PlacedFiles:
    """The files of an import: results, files to install (staged copies and records) and,
    per service, wiki name -> (name in _files, shown inline)."""

    services_dir: Path
    results: list[FileResult] = field(default_factory=list)
    install: dict[Path, Path | str] = field(default_factory=dict)
    placed: dict[str, dict[str, tuple[str, bool]]] = field(default_factory=dict)

    def for_page(self, page: PlannedPage) -> dict[str, LocalFile]:
        """The files ``page`` may refer to, with paths relative to its stub."""
        folder = self.services_dir / page.service / FILES_FOLDER
        placed = self.placed.get(page.service, {})
        relative = Path(os.path.relpath(folder, page.path.parent)).as_posix()
        return {title: LocalFile(f"{relative}/{placed[title][0]}", placed[title][1])
                for title in page.files if title in placed}


@dataclass(frozen=True)
class FileSources:
    """Where files are read from, and within which bounds."""

    folder: Path | None
    api_url: str | None
    session: SourceSession
    refused_suffixes: frozenset[str] = frozenset()  # the center's source suffix


def file_sources(center: Center, manifest_folder: str | None, folder: Path | None,
                 specs: list[str], session: SourceSession) -> FileSources:
    """Where an import reads its files: ``--files`` (else the manifest's ``files``, relative
    to the center) and the first ``api.php`` source."""
    if folder is None and manifest_folder:
        folder = center.root / manifest_folder
    if folder is not None and not folder.is_dir():
        raise UsageError(f"{folder}: the folder of wiki files does not exist")
    api = next((spec for spec in specs if spec.startswith(("http://", "https://"))), None)
    # Sphinx would read a file with a source suffix as a page of the center.
    suffix = center.source_suffix.lstrip(".").lower()
    return FileSources(folder, api, session, frozenset({suffix, "rst", "md"}))


def _api_files(sources: FileSources) -> ApiFiles:
    from .file_api import ApiFiles
    from .mediawiki_client import ApiClient

    assert sources.api_url is not None
    return ApiFiles(ApiClient(sources.api_url, session=sources.session))


def place_files(center: Center, plan: Plan, sources: FileSources, staging: Path,
                dry_run: bool) -> PlacedFiles:
    """Read, check and stage every file the planned pages use (see the module docstring)."""
    users: dict[tuple[str, str], list[str]] = {}
    for page in plan.pages:
        for title in page.files:
            users.setdefault((page.service, title), []).append(page.title)
    result = PlacedFiles(center.services_dir)
    if not users:
        return result
    api = _api_files(sources) if sources.api_url and not dry_run else None
    infos = dict(api.info(sorted({title for _service, title in users}))) if api else {}
    budget = [sources.session.limits.max_files_total]
    for service in sorted({service for service, _title in users}):
        titles = sorted(title for svc, title in users if svc == service)
        _place_service(center, service, titles, _Reader(sources, api, infos, budget),
                       staging, dry_run, result, users)
    return result


class _Reader:
    """Reads one file from the folder, else the API, within the import's byte budget."""

    def __init__(self, sources: FileSources, api: ApiFiles | None,
                 infos: dict[str, ImageInfo | None], budget: list[int]) -> None:
        self.sources, self.api, self.infos, self.budget = sources, api, infos, budget

    def unchanged(self, title: str, record: FileRecord) -> bool:
        """Whether the API's file is the one recorded (no download needed)."""
        info = self.infos.get(title)
        return self.sources.folder is None and info is not None and info.sha1 == record.sha1

    def read(self, title: str) -> Fetched:
        limit = min(self.sources.session.limits.max_file_size, self.budget[0])
        fetched: Fetched | None = None
        problem: FileProblem = Missing("no --files folder and no api.php source to read it "
                                       "from")
        if self.sources.folder is not None:
            try:
                fetched = from_folder(self.sources.folder, title, limit)
            except FileProblem as exc:
                problem = exc
        if fetched is None and self.api is not None:
            info = self.infos.get(title)
            if info is None:
                raise Missing("the wiki has no such file")
            fetched = self.api.download(info, limit)
        if fetched is None:
            raise problem
        if len(fetched.data) > self.budget[0]:
            raise Refused("more than max_files_total bytes of files in this import")
        self.budget[0] -= len(fetched.data)
        return fetched


def _place_service(center: Center, service: str, titles: Iterable[str], reader: _Reader,
                   staging: Path, dry_run: bool, result: PlacedFiles,
                   users: dict[tuple[str, str], list[str]]) -> None:
    folder = center.services_dir / service
    records = read_records(folder)
    taken = {record.name for record in records.values()}
    if (folder / FILES_FOLDER).is_dir():  # a writer's own files keep their names too
        taken.update(path.name for path in (folder / FILES_FOLDER).iterdir())
    placed = result.placed.setdefault(service, {})
    changed = False
    for title in titles:
        pages = tuple(users[service, title])
        kind = file_kind(title, reader.sources.refused_suffixes)
        if kind is None:
            result.results.append(FileResult(service, title, "unsupported", reason="not a "
                                             "kind of file a center holds", pages=pages))
            continue
        record = records.get(title)
        on_disk = record is not None and _intact(folder, record)
        if dry_run:
            name = record.name if record is not None else local_name(title, taken)
            placed[title] = (name, kind == "image")
            result.results.append(FileResult(service, title, "not-fetched", name, pages=pages))
            continue
        if record is not None and on_disk and reader.unchanged(title, record):
            placed[title] = (record.name, kind == "image")
            result.results.append(FileResult(service, title, "unchanged", record.name, "",
                                             pages, record.size, record.sha256))
            continue
        outcome = _fetch(title, record, on_disk, reader, taken, pages, service)
        result.results.append(outcome.result)
        if outcome.record is not None:
            placed[title] = (outcome.record.name, kind == "image")
        if outcome.data is not None and outcome.record is not None:
            staged = staging / "files" / service / outcome.record.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(outcome.data)
            result.install[folder / FILES_FOLDER / outcome.record.name] = staged
            records[title] = outcome.record
            changed = True
    if changed:
        result.install[record_path(folder)] = render_records(records)


@dataclass(frozen=True)
class _Outcome:
    result: FileResult
    record: FileRecord | None = None  # the file's record once placed (or kept)
    data: bytes | None = None  # new content to write


def _fetch(title: str, record: FileRecord | None, on_disk: bool, reader: _Reader,
           taken: set[str], pages: tuple[str, ...], service: str) -> _Outcome:
    """Read one file and decide what becomes of it (``record``: what the folder's record
    says of it; ``on_disk``: whether that file is there, intact)."""
    try:
        fetched = reader.read(title)
        if not content_matches(title, fetched.data):
            raise Refused(f"its content is not the image its name says ({fetched.source})")
    except FileProblem as exc:
        if record is not None and on_disk:  # the center keeps the copy it has
            return _Outcome(FileResult(service, title, "kept", record.name, str(exc), pages,
                                       record.size, record.sha256), record)
        action = "missing" if isinstance(exc, Missing) else "refused"
        return _Outcome(FileResult(service, title, action, reason=str(exc), pages=pages))
    sha256 = hashlib.sha256(fetched.data).hexdigest()
    if record is not None and on_disk and record.sha256 == sha256:
        return _Outcome(FileResult(service, title, "unchanged", record.name, "", pages,
                                   record.size, sha256), record)
    name = record.name if record is not None else local_name(title, taken)
    new = FileRecord(title, name, fetched.sha1, sha256, len(fetched.data), fetched.mime,
                     fetched.source)
    action = "updated" if record is not None and on_disk else "new"
    return _Outcome(FileResult(service, title, action, name, "", pages, len(fetched.data),
                               sha256), new, fetched.data)


def _intact(folder: Path, record: FileRecord) -> bool:
    """Whether the recorded file is in the folder with the recorded content."""
    path = folder / FILES_FOLDER / record.name
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == record.sha256
    except OSError:
        return False
