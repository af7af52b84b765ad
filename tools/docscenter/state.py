"""The center's state folder, ``.docscenter/``: what docscenter keeps between commands and
never publishes or versions.

- ``lock``: who holds the center (an import, a build; see :mod:`docscenter.locking`);
- ``import/``: the running import's staging folder, its journal and the backups the journal
  rolls back to (see :mod:`docscenter.wiki.transaction`);
- ``bases/``: each imported page as the importer wrote it, by the SHA-256 its provenance
  records, the base of the next three-way merge (see :mod:`docscenter.wiki.merge`);
- ``backups/``: stubs ``import-wiki --force`` overwrote, one folder per import.

The folder is in the center's ``.hgignore`` and ``.gitignore`` and left out of every Sphinx
build by the extension, whatever ``exclude_patterns`` says.
"""

from __future__ import annotations

from pathlib import Path

#: The state folder's name, relative to the center root.
STATE_DIR = ".docscenter"


def state_dir(root: Path) -> Path:
    """The state folder of the center at ``root`` (it may not exist yet)."""
    return Path(root) / STATE_DIR


def ensure_state_dir(root: Path) -> Path:
    """The state folder, created when missing (with a ``.gitignore`` of its own, so that Git
    ignores it in any repository; Mercurial's ``.hgignore`` names it)."""
    folder = state_dir(root)
    if not folder.is_dir():
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("# docscenter's state: never committed\n*\n",
                                           encoding="utf-8")
    return folder


def lock_path(root: Path) -> Path:
    return state_dir(root) / "lock"


def import_dir(root: Path) -> Path:
    """The running (or interrupted) import's folder: staging, journal, backups."""
    return state_dir(root) / "import"


def journal_path(root: Path) -> Path:
    return import_dir(root) / "journal"


def bases_dir(root: Path) -> Path:
    return state_dir(root) / "bases"


def backups_dir(root: Path) -> Path:
    return state_dir(root) / "backups"
