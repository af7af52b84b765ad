"""``docscenter serve``: the live preview serves the center, rebuilds on an edit and ignores
the repository's own files; a busy port is refused before building; a stop signal ends the
preview server with it."""

from __future__ import annotations

import http.client
import os
import re
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
    """The page, or None while it is not there (yet), or being written again by a rebuild
    (the server may then send fewer bytes than it announced: an incomplete read)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
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


def test_a_busy_port_is_refused_before_building(center: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "docscenter", "-C", str(center), "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert result.stderr.startswith(f"docscenter: error: port {port} on 127.0.0.1 ")
    assert result.stderr.count("\n") == 1 and "--port 0" in result.stderr
    assert not (center / "build").exists()  # refused before any build


def processes_under(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (the preview and its builds)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and os.fsencode(folder) in command:
            found.append(int(proc.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_port_0_picks_a_port_and_a_stop_signal_ends_the_server(
        center: Path, tmp_path: Path, stop: signal.Signals) -> None:
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docscenter", "-C", str(center), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=out, text=True, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.fullmatch(r"serving .* on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)\n",
                             first)
        assert match, first
        port = int(match[1])
        assert port > 0
        wait_for(lambda: "Glossary" in (fetch(f"http://127.0.0.1:{port}/source/glossary.html")
                                        or ""), "the first build", log)
        assert processes_under(center)  # the preview server runs in its own process group
        proc.send_signal(stop)  # to docscenter only, as Ctrl-C in its terminal would
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
    assert processes_under(center) == []
