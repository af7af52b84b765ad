"""Helpers the tests share: run the real command line, add services, build with Sphinx,
write Special:Export dumps, snapshot folders, find the shared wiki corpus.

(Kept out of conftest.py so that every test folder can import them by one unambiguous name.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
SITE_BASE = "https://wiki.example.org/wiki/Main_Page"  # the <base> of dumps write_dump makes
#: Where the shared MediaWiki corpus is looked for when DOCSCENTER_CORPUS is not set.
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def corpus_dir() -> Path | None:
    """The shared MediaWiki corpus folder: ``$DOCSCENTER_CORPUS``, else ``../shared/corpus``
    beside the repository; None when it is not there.

    The one place tests and benchmarks learn where the corpus is. A DOCSCENTER_CORPUS that
    names no folder is an error, not an absent corpus: whoever set it expects the corpus
    tests to run.
    """
    configured = os.environ.get("DOCSCENTER_CORPUS")
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise FileNotFoundError(f"DOCSCENTER_CORPUS={configured}: no such folder")
        return path
    return DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None


def corpus(relative: str) -> Path:
    """``relative`` inside the corpus, for a corpus test: the test is skipped, with a
    one-line reason, when the corpus is absent; a corpus without that file fails it."""
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


@dataclass
class Page:
    """One page of a test dump."""

    title: str
    text: str
    revision: int = 100
    timestamp: str = "2024-03-01T10:00:00Z"


def write_dump(path: Path, pages: list[Page], *, siteinfo: bool = True) -> Path:
    """A Special:Export 0.10 dump of ``pages``."""
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">']
    if siteinfo:
        out.append(f"<siteinfo><sitename>Services Wiki</sitename><base>{SITE_BASE}</base>"
                   '<namespaces><namespace key="0" case="first-letter" /></namespaces>'
                   "</siteinfo>")
    for number, page in enumerate(pages, start=1):
        out.append(f"<page><title>{escape(page.title)}</title><ns>0</ns><id>{number}</id>"
                   f"<revision><id>{page.revision}</id><timestamp>{page.timestamp}</timestamp>"
                   f'<text xml:space="preserve">{escape(page.text)}</text></revision></page>')
    out.append("</mediawiki>\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (and the empty folders)."""
    tree: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
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


def run_measured(*args: str | Path, env: dict[str, str] | None = None,
                 timeout: float = 600) -> Measured:
    """Run ``python -m docscenter ARGS`` and measure it through ``os.wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-m", "docscenter", *map(str, args)],
                                   stdout=out, stderr=err, env={**os.environ, **(env or {})})
        watchdog = threading.Timer(timeout, process.kill)  # a hang fails, it does not block
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(process.returncode, out.read().decode(), err.read().decode(),
                        usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


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
