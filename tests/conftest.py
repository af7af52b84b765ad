"""Shared fixtures: an isolated HOME, a fresh center, the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import run_cli

# CI runs the property tests on a fixed set of examples, so a run passes or fails the same
# way every time; locally each run explores new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
    # As for a writer whose virtualenv is active: the commit hook finds docscenter on PATH.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli


@pytest.fixture
def center(tmp_path: Path) -> Path:
    """A fresh center made by ``docscenter init --no-hg``."""
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Test Center", "--no-hg")
    return root
