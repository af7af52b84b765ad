"""How much faster ``docscenter check`` is than ``docscenter build`` on the same center.

Generates a 20-service and a 100-service center (``docscenter init`` + ``new-service``),
times ``docscenter check`` and a clean ``docscenter build`` on each, and prints the ratio
(the target is at least 5x).

    python bench/check.py [--sizes 20,100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def docscenter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docscenter", *map(str, args)],
                          capture_output=True, text=True, check=False)


def make_center(root: Path, services: int) -> None:
    """A center with ``services`` services, each with two API versions."""
    result = docscenter("init", root, "--title", f"Bench {services}", "--no-hg")
    assert result.returncode == 0, result.stderr
    for number in range(services):
        result = docscenter("-C", root, "new-service", f"service-{number:03d}",
                            "--summary", f"Service number {number}.",
                            "--owner", "Bench Owner <owner@example.org>",
                            "--api-version", "1.0", "--api-version", "1.1")
        assert result.returncode == 0, result.stderr


def timed(*args: str | Path, expect: int = 0) -> float:
    start = time.perf_counter()
    result = docscenter(*args)
    elapsed = time.perf_counter() - start
    assert result.returncode == expect, f"{args}: exit {result.returncode}\n{result.stderr}"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100", help="service counts, comma separated")
    parser.add_argument("--keep", type=Path, default=None, help="keep the centers here")
    options = parser.parse_args()
    base = options.keep or Path(tempfile.mkdtemp(prefix="docscenter-bench-"))
    print(f"{'services':>8}  {'check':>8}  {'status':>8}  {'build':>8}  {'build/check':>11}")
    try:
        for size in (int(s) for s in options.sizes.split(",")):
            root = base / f"center-{size}"
            if not root.exists():
                make_center(root, size)
            shutil.rmtree(root / "build", ignore_errors=True)
            check = min(timed("-C", root, "check") for _ in range(3))
            status = min(timed("-C", root, "status") for _ in range(3))
            build = timed("-C", root, "build")
            print(f"{size:>8}  {check:>7.2f}s  {status:>7.2f}s  {build:>7.2f}s  "
                  f"{build / check:>10.1f}x")
    finally:
        if options.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
