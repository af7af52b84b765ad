"""Helpers the tests share: run the real command line, add services, build with Sphinx,
write Special:Export dumps, snapshot folders, find the shared wiki corpus.

(Kept out of conftest.py so that every test folder can import them by one unambiguous name.)
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from docscenter.testing.corpus import corpus_dir
from docscenter.testing.dumps import SITE_BASE, Page, write_dump

REPO = Path(__file__).resolve().parent.parent
__all__ = ["REPO", "SITE_BASE", "Measured", "Page", "add_service", "append", "corpus", "edit",
           "gzip_bomb", "png", "run_cli", "run_measured", "snapshot", "sphinx_build",
           "uncoloured", "write_dump"]
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def uncoloured(output: str) -> str:
    """``output`` without terminal colours (Sphinx colours its messages when CI is set)."""
    return COLOUR.sub("", output)


def corpus(relative: str) -> Path:
    """``relative`` inside the shared wiki corpus (see :mod:`docscenter.testing.corpus`), for a
    corpus test: the test is skipped, with a one-line reason, when the corpus is absent; a
    corpus without that file fails it."""
    import pytest

    base = corpus_dir()
    if base is None:
        pytest.skip("no wiki corpus (set DOCSCENTER_CORPUS or put it in ../shared/corpus)")
    path = base / relative
    assert path.exists(), f"{path}: missing from the corpus"
    return path


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


def snapshot(root: Path, state: bool = False) -> dict[str, bytes]:
    """Every file under ``root`` with its content (and the empty folders); the center's state
    folder (``.docscenter/``: its lock, merge bases) only when ``state`` is true."""
    tree: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if not state and (key == ".docscenter" or key.startswith(".docscenter/")):
            continue
        tree[key] = path.read_bytes() if path.is_file() else b"<dir>"
    return tree


@dataclass
class Measured:
    """A finished command with what it cost: peak memory and processor time, the command's
    own plus that of the processes it waited for (its worker processes)."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    cpu_seconds: float


#: Runs the command it is given and writes its resource usage as JSON to the file descriptor
#: named first.
#: A small process of its own, so that the peak memory measured is the command's: Linux keeps
#: a process's peak across exec, and a child forked straight from a test worker would start
#: with the worker's.
_LAUNCHER = """
import json, os, subprocess, sys
usage_fd = int(sys.argv[1])
child = subprocess.Popen(sys.argv[2:], pass_fds=())
_pid, status, usage = os.wait4(child.pid, 0)
with os.fdopen(usage_fd, "w") as out:
    json.dump({"status": status, "rss": usage.ru_maxrss,
               "cpu": usage.ru_utime + usage.ru_stime}, out)
"""


def run_measured(*args: str | Path, env: dict[str, str] | None = None,
                 timeout: float = 600) -> Measured:
    """Run ``python -m docscenter ARGS`` and measure it (and the workers it waits for) through
    ``os.wait4`` in a small launcher process."""
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(write_end), sys.executable, "-m",
             "docscenter", *map(str, args)],
            stdout=out, stderr=err, env={**os.environ, **(env or {})}, pass_fds=(write_end,))
        os.close(write_end)
        watchdog = threading.Timer(timeout, process.kill)  # a hang fails, it does not block
        watchdog.start()
        try:
            with os.fdopen(read_end) as usage_pipe:
                usage = json.loads(usage_pipe.read() or "null")
            process.wait()
        finally:
            watchdog.cancel()
        assert usage is not None, f"the command was killed after {timeout} s: {args}"
        out.seek(0)
        err.seek(0)
        return Measured(os.waitstatus_to_exitcode(usage["status"]), out.read().decode(),
                        err.read().decode(), usage["rss"] / 1024, usage["cpu"])


def png(red: int = 0, green: int = 0, blue: int = 0) -> bytes:
    """A valid 1x1 PNG of one colour (different colours give different files)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8 bits, RGB
    pixels = zlib.compress(bytes([0, red, green, blue]))  # filter byte, then the pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def gzip_bomb(expanded: int, chunk: int = 1 << 20) -> bytes:
    """One gzip member of about ``expanded // 1000`` bytes that inflates to ``expanded`` zero
    bytes, made in a moment: each chunk is compressed after a full flush, so every chunk after
    the first compresses to the same bytes, which are repeated. (The trailer's checksum is
    that of two chunks; a reader that inflates it all finds out only at the very end.)"""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(chunk)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (expanded // chunk - 1) + compressor.flush()


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file ``path`` by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    """Add ``text`` at the end of the file ``path``."""
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
