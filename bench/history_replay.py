"""Benchmark: the wiki's history replayed as commits (``import-wiki --history --commit``).

1. Commits alone: the same file versions committed with the wiki's authors and dates through
   docscenter's history writer (one ``hg`` command server) and, as the baseline, the naive
   way (one ``hg commit`` process per version).
2. The whole import: a full-history dump (pages x revisions, every revision larger than the
   one before) imported into a fresh Mercurial center with ``--history --commit``: time per
   revision, and the peak memory of the command and its workers against the dump's size.

    python bench/history_replay.py [--commits 40] [--pages 4] [--revisions 50] [--kb 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from docscenter.testing.dumps import HistoryPage, Revision, write_history_dump
from docscenter.vcs import hg_command, init_repo
from docscenter.vcs_history import HgHistory

USERS = ["Ada Lovelace", "Grace Hopper", "192.0.2.7", "Alan Turing"]
START = datetime(2010, 1, 1, tzinfo=UTC)


# As for a writer whose virtualenv is active: the center's commit hook finds docscenter.
TOOLS_ENV = {**os.environ,
             "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}


def hg(root: Path, *args: str) -> None:
    exe = hg_command()
    if exe is None:
        raise SystemExit("hg not found: pip install mercurial")
    subprocess.run([exe, *args], cwd=root, check=True, capture_output=True,
                   env={**TOOLS_ENV, "HGPLAIN": "1"})


def versions(count: int, kb: int) -> list[str]:
    """``count`` versions of a page, each a line longer than the one before."""
    filler = "x" * 70
    base = [f"Line {n} {filler}" for n in range(kb * 1024 // 80)]
    return ["\n".join(base + [f"Edit {n}" for n in range(number + 1)]) + "\n"
            for number in range(count)]


def commits_alone(work: Path, count: int, kb: int) -> tuple[float, float]:
    """Seconds per commit: the history writer, and one hg process per commit."""
    results = []
    for name in ("writer", "baseline"):
        root = work / name
        repo = init_repo(root, "hg")
        page = root / "page.rst"
        started = time.perf_counter()
        if name == "writer":
            with HgHistory(repo) as writer:
                for number, text in enumerate(versions(count, kb)):
                    page.write_text(text, encoding="utf-8")
                    writer.commit(page, f"{USERS[number % 4]} <u@wiki.example.org>",
                                  START + timedelta(days=number), f"Edit {number}")
        else:
            for number, text in enumerate(versions(count, kb)):
                page.write_text(text, encoding="utf-8")
                when = int((START + timedelta(days=number)).timestamp())
                hg(root, "commit", "--addremove", "-u",
                   f"{USERS[number % 4]} <u@wiki.example.org>", "-d", f"{when} 0", "-m",
                   f"Edit {number}", "--", "path:page.rst")
        results.append((time.perf_counter() - started) / count)
    return results[0], results[1]


def history_dump(path: Path, pages: int, revisions: int, kb: int) -> Path:
    texts = versions(revisions, kb)
    return write_history_dump(path, [
        HistoryPage(f"Page {page}", [
            Revision(page * revisions + number + 1,
                     (START + timedelta(days=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     USERS[number % 4], f"Edit {number}", texts[number].replace("Line", "* Item"))
            for number in range(revisions)])
        for page in range(pages)])


def whole_import(work: Path, pages: int, revisions: int, kb: int) -> dict[str, float]:
    dump = history_dump(work / "history.xml", pages, revisions, kb)
    center = work / "center"
    docscenter = [sys.executable, "-m", "docscenter"]
    env = {**TOOLS_ENV, "HGUSER": "Importer <imp@example.org>"}
    subprocess.run([*docscenter, "init", str(center)], check=True, capture_output=True,
                   env=env)
    subprocess.run([*docscenter, "-C", str(center), "new-service", "wiki", "--summary", "W.",
                    "--owner", "Ada <ada@example.org>"], check=True, capture_output=True)
    hg(center, "commit", "-Aqm", "service", "-u", "Importer <imp@example.org>")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*docscenter, "-C", str(center), "import-wiki", str(dump), "--service",
                    "wiki", "--history", "--commit"], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": after.ru_maxrss / 1024,
            "dump_mb": dump.stat().st_size / 1024**2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=40)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--kb", type=int, default=40, help="size of a page's text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-history-replay-") as scratch:
        work = Path(scratch)
        writer, baseline = commits_alone(work, args.commits, args.kb)
        print(f"commits alone ({args.commits} versions of a {args.kb} KB page):")
        print(f"  history writer (one hg command server)   {writer * 1000:8.1f} ms/commit")
        print(f"  baseline (one hg process per commit)     {baseline * 1000:8.1f} ms/commit")
        print(f"  speed-up                                 {baseline / writer:8.1f}x")
        total = args.pages * args.revisions
        figures = whole_import(work, args.pages, args.revisions, args.kb)
        print(f"import-wiki --history --commit ({args.pages} pages x {args.revisions} "
              f"revisions, {figures['dump_mb']:.1f} MB dump):")
        print(f"  wall {figures['wall']:.1f} s, {figures['wall'] / total * 1000:.1f} ms/revision;"
              f" CPU {figures['cpu']:.1f} s, {figures['cpu'] / total * 1000:.1f} ms/revision")
        print(f"  peak memory of the command and its workers {figures['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
