"""Files and folders docscenter creates follow the umask, like those of any other tool:
``init``, ``new-service`` and the importer under 022 and under 027."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Page, write_dump

SCRIPTS = {"ci/build"}


def run(umask: int, *args: str | Path) -> None:
    result = subprocess.run([sys.executable, "-m", "docscenter", *map(str, args)],
                            capture_output=True, text=True, umask=umask, timeout=600)
    assert result.returncode == 0, result.stderr


def modes(root: Path) -> dict[str, int]:
    """Permission bits of everything under ``root`` (VCS metadata aside), by relative path."""
    return {path.relative_to(root).as_posix(): stat.S_IMODE(path.lstat().st_mode)
            for path in [root, *root.rglob("*")] if ".hg" not in path.parts}


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644),
                                                       (0o027, 0o750, 0o640)])
def test_created_files_and_folders_follow_the_umask(tmp_path: Path, umask: int, folder: int,
                                                    file: int) -> None:
    root = tmp_path / "center"
    run(umask, "init", root, "--title", "Modes", "--no-hg")
    run(umask, "-C", root, "new-service", "storage", "--summary", "S.", "--owner",
        "Ada <ada@example.org>", "--api-version", "1.0")
    dump = write_dump(tmp_path / "dump.xml", [Page("Storage/Quotas", "Quotas are per user.")])
    run(umask, "-C", root, "import-wiki", dump, "--service", "storage")
    found = modes(root)
    assert "services/storage/wiki" in found  # a folder the importer made
    wrong = {path: oct(mode) for path, mode in found.items()
             if mode != (folder if (root / path).is_dir() or path in SCRIPTS else file)}
    assert wrong == {}
