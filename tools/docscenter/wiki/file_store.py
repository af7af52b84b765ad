"""The record of the wiki files a service holds: ``services/<name>/_files/files.toml``.

One entry per wiki file placed in the folder: the wiki's name for it, the name it has here,
its SHA-1 (as the wiki reports it) and SHA-256, size, type and where it came from. A re-import
reads it to keep every file under the same name, and to skip files whose content has not
changed. The record is written by the importer; an entry someone broke (a name that is not a
plain file name of the folder, say) is ignored and the file is placed again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..core.services import toml_value
from ..core.vocabulary import FILES_FOLDER
from ..errors import UsageError
from .file_names import is_safe_name

RECORD = "files.toml"
_FIELDS = ("title", "name", "sha1", "sha256", "size", "mime", "source")
_HEADER = """\
# The wiki files this service's imported pages use, written by docscenter import-wiki.
# title: the wiki's name of the file; name: the file in this folder; sha1 as the wiki gave
# it, sha256 of the content; source: where it was read from.
"""


@dataclass(frozen=True)
class FileRecord:
    """One wiki file placed in a service's ``_files`` folder."""

    title: str  # the wiki's name, as file_names.file_key has it ("Architecture diagram.png")
    name: str  # the file's name in the folder ("architecture-diagram.png")
    sha1: str
    sha256: str
    size: int
    mime: str = ""
    source: str = ""  # the URL or file it was read from


def record_path(service_folder: Path) -> Path:
    """Where the record of a service's files is."""
    return service_folder / FILES_FOLDER / RECORD


def _entry(raw: object) -> FileRecord | None:
    if not isinstance(raw, dict):
        return None
    values = {key: raw.get(key) for key in _FIELDS}
    if not all(isinstance(values[key], str) for key in _FIELDS if key != "size"):
        return None
    size = values["size"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return None
    record = FileRecord(**values)  # type: ignore[arg-type]
    return record if is_safe_name(record.name) else None


def read_records(service_folder: Path) -> dict[str, FileRecord]:
    """The service's file records by wiki name (empty without a record); a record that is not
    TOML is a UsageError naming it."""
    path = record_path(service_folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML ({exc}); fix or remove it") from None
    entries = data.get("files", [])
    records = [_entry(raw) for raw in entries] if isinstance(entries, list) else []
    return {record.title: record for record in records if record is not None}


def render_records(records: dict[str, FileRecord]) -> str:
    """The record file's text, entries sorted by name; every value TOML-escaped."""
    out = [_HEADER]
    for record in sorted(records.values(), key=lambda r: r.name):
        out.append("\n[[files]]\n")
        out.extend(f"{key} = {toml_value(getattr(record, key))}\n" for key in _FIELDS)
    return "".join(out)
