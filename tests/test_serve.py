"""``docscenter serve``: the live preview serves the center, rebuilds on an edit and ignores
the repository's own files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from docscenter import vcs

TIMEOUT = 120.0  # seconds for the first build and for each rebuild, on a busy machine
BUILD_STARTED = "-m sphinx build"  # sphinx-autobuild echoes each build command it runs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; preview output:\n"
                f"{log.read_text(encoding='utf-8', errors='replace')[-3000:]}")


@pytest.fixture
def preview(center: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``docscenter serve`` running on a free port; yields (base URL, its output file)."""
    vcs.init_repo(center, "hg")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docscenter", "-C", str(center), "serve", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        yield f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_rebuilds_on_change_and_ignores_vcs_files(
    center: Path, preview: tuple[str, Path],
) -> None:
    base, log = preview
    page = f"{base}/source/glossary.html"
    wait_for(lambda: "Glossary" in (fetch(page) or ""), "the first build", log)
    # The live-reload script is injected into served pages.
    assert "websocket" in (fetch(page) or "").lower()

    # Repository and build-output activity must not trigger a rebuild.
    builds_before = log.read_text(encoding="utf-8").count(BUILD_STARTED)
    (center / ".hg" / "scratch").write_text("x", encoding="utf-8")
    (center / "build" / "scratch.txt").write_text("x", encoding="utf-8")
    time.sleep(3)
    assert log.read_text(encoding="utf-8").count(BUILD_STARTED) == builds_before == 1

    glossary = center / "source" / "glossary.rst"
    glossary.write_text(glossary.read_text(encoding="utf-8")
                        + "\nA freshly written paragraph.\n", encoding="utf-8")
    wait_for(lambda: "freshly written paragraph" in (fetch(page) or ""), "the rebuild", log)
