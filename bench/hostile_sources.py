"""Benchmark: what hostile sources cost an import, against a normal import measured in the same
run (peak resident set size and processor time of the ``import-wiki`` process and its workers).

- ``api``: a local ``api.php`` answering one page, then one answering a gzip bomb (about
  4 MB on the wire, 4 GiB inflated); the bomb must fail with exit status 2;
- ``dump``: a small dump, then a ``.xml.gz`` of a few MB holding a 2 GiB page between two
  normal ones; the big page must be skipped (exit status 1) and the others imported.

    python bench/hostile_sources.py [--limit MB]

Exit status 1 when a hostile run ends otherwise, or peaks more than ``--limit`` MB (default
150) above its baseline.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HEAD = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
        "<siteinfo><base>https://wiki.example.org/wiki/Main_Page</base></siteinfo>")
SITEINFO = {"query": {"general": {"server": "https://wiki.example.org",
                                  "articlepath": "/wiki/$1"}}}
PAGE = {"query": {"pages": [{"title": "Storage", "ns": 0, "revisions": [
    {"revid": 1, "slots": {"main": {"content": "== Goal ==\nStore blobs."}}}]}]}}


def page(title: str) -> str:
    return f"<page><title>{title}</title><ns>0</ns><revision><id>1</id><text>x</text>" \
           "</revision></page>"


def bomb(expanded: int = 4 << 30, chunk: int = 1 << 20) -> bytes:
    """A gzip member inflating to ``expanded`` zero bytes (blocks after full flushes repeat)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(chunk)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (expanded // chunk - 1) + compressor.flush()


class Wiki(BaseHTTPRequestHandler):
    BOMB = b""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        if self.path.startswith("/bomb") and "siteinfo" not in self.path:
            body, extra = self.BOMB, {"Content-Encoding": "gzip"}
        else:
            body = json.dumps(SITEINFO if "siteinfo" in self.path else PAGE).encode()
            extra = {}
        self.send_response(200)
        for name, value in {"Content-Type": "application/json",
                            "Content-Length": str(len(body)), **extra}.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except ConnectionError:
            pass  # the client stopped reading the bomb, as it should

    def log_message(self, *args: object) -> None:
        pass


def measure(*args: str | Path) -> tuple[int, float, float]:
    """Exit status, peak RSS (MB) and processor seconds of ``docscenter ARGS``."""
    process = subprocess.Popen([sys.executable, "-m", "docscenter", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def huge_dump(path: Path) -> Path:
    block = gzip.compress(b"a" * (16 << 20), 9)
    with path.open("wb") as out:
        out.write(gzip.compress((HEAD + page("Before") + "<page><title>Huge</title><ns>0</ns>"
                                 "<revision><id>2</id><text>").encode()))
        for _ in range(128):
            out.write(block)
        out.write(gzip.compress(("</text></revision></page>" + page("After")
                                 + "</mediawiki>").encode()))
    return path


def main() -> int:
    """Run the four imports, print the figures, compare with the baselines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=150, help="MB over the baseline allowed")
    args = parser.parse_args()
    Wiki.BOMB = bomb()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Wiki)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        center = work / "center"
        subprocess.run([sys.executable, "-m", "docscenter", "init", str(center), "--no-hg"],
                       check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "docscenter", "-C", str(center), "new-service",
                        "storage"], check=True, capture_output=True)
        small = work / "small.xml"
        small.write_text(HEAD + page("Before") + page("After") + "</mediawiki>",
                         encoding="utf-8")
        runs = [
            ("api baseline", [f"{url}/w/api.php", "--page", "Storage"], 0, None),
            ("api gzip bomb", [f"{url}/bomb/api.php", "--page", "Storage"], 2, "api baseline"),
            ("dump baseline", [small], 0, None),
            ("dump 2 GiB page", [huge_dump(work / "huge.xml.gz")], 1, "dump baseline"),
        ]
        peaks: dict[str, float] = {}
        for name, source, expected, baseline in runs:
            status, peak, cpu = measure("-C", center, "import-wiki", *source, "--service",
                                        "storage")
            peaks[name] = peak
            over = f", {peak - peaks[baseline]:+.0f} MB vs {baseline}" if baseline else ""
            print(f"{name:16} exit {status} (expected {expected}), peak RSS {peak:.0f} MB"
                  f"{over}, {cpu:.1f} s of processor time")
            if status != expected or (baseline and peak - peaks[baseline] > args.limit):
                failed = True
    server.shutdown()
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
