"""Helpers the tests share: run the real command line, add services, build with Sphinx,
write Special:Export dumps, snapshot folders.

(Kept out of conftest.py so that every test folder can import them by one unambiguous name.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from docscenter.testing.dumps import SITE_BASE, Page, write_dump

REPO = Path(__file__).resolve().parent.parent
__all__ = ["REPO", "SITE_BASE", "Page", "add_service", "run_cli", "snapshot", "sphinx_build",
           "write_dump"]


def run_cli(*args: str | Path, cwd: Path | None = None, check: int | None = 0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m docscenter ARGS`` as a user would; assert the exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "docscenter", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})},
        timeout=600,
    )
    if check is not None:
        assert result.returncode == check, (
            f"exit {result.returncode}, expected {check}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def add_service(root: Path, name: str, *extra: str) -> None:
    run_cli("-C", root, "new-service", name, "--summary", f"The {name} service.",
            "--owner", "Ada Lovelace <ada@example.org>", *extra)


def sphinx_build(root: Path, *, builder: str = "html",
                 confoverrides: dict | None = None) -> tuple[list[str], str]:
    """Build ``root`` in-process with Sphinx's test application into ``root/build``;
    returns (the docnames read, the warnings text)."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    read: list[str] = []
    warnings = StringIO()
    app = SphinxTestApp(builder, srcdir=root, builddir=root / "build",
                        confoverrides=confoverrides or {}, status=StringIO(), warning=warnings)
    try:
        app.connect("env-before-read-docs", lambda _app, _env, names: read.extend(names))
        app.build()
    finally:
        app.cleanup()
    return sorted(read), warnings.getvalue()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (and the empty folders)."""
    tree: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        tree[key] = path.read_bytes() if path.is_file() else b"<dir>"
    return tree
