"""Shared fixtures: run the real command line, make small centers, build them with Sphinx."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No user configuration (hgrc, gitconfig) leaks into the tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HGUSER", "Test Writer <writer@example.org>")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Writer")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "writer@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Writer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "writer@example.org")


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


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli


@pytest.fixture
def center(tmp_path: Path) -> Path:
    """A fresh center made by ``docscenter init --no-hg``."""
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Test Center", "--no-hg")
    return root


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
