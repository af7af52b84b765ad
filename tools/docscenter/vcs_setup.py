"""Setting up version control for a new center (placeholder until the Mercurial workflow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _hg() -> str | None:
    local = Path(sys.executable).parent / "hg"
    return str(local) if local.exists() else shutil.which("hg")


def setup_repository(root: Path) -> str:
    """``hg init`` and a first commit of the scaffold; a message for the user."""
    hg = _hg()
    if hg is None:
        return "hg not found: no repository created (install mercurial, then hg init)"
    env = {**os.environ, "HGPLAIN": "1"}
    subprocess.run([hg, "init", str(root)], check=True, env=env, capture_output=True)
    subprocess.run(
        [hg, "--cwd", str(root), "commit", "-A", "-m", "Scaffold the documentation center",
         "-u", os.environ.get("HGUSER", "docscenter <docscenter@localhost>")],
        check=True, env=env, capture_output=True,
    )
    return f"created Mercurial repository in {root}"
