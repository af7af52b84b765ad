"""Benchmark: what re-importing costs, on the WPD corpus (``$DOCSCENTER_CORPUS``, else
``../shared/corpus``; a generated dump of the same size without it).

Prints the wall and CPU time of: the first import; a re-import of the unchanged wiki; a
re-import of the wiki's next revision over stubs every one of which was edited (372 three-way
merges); and the journalled install of every stub against plain ``os.replace`` of the same
files (the baseline: what installing cost before imports were transactions).

    python bench/reimport.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docscenter.testing.corpus import corpus_dir
from docscenter.testing.dumps import Page, write_dump
from docscenter.wiki.transaction import Transaction


def pages() -> list[Page]:
    base = corpus_dir()
    if base is None:
        print("no corpus: a generated dump of 372 pages")
        return [Page(f"WPD:Page {n}", "== Part ==\n" + "Some text. " * 600, 1, namespace=3000)
                for n in range(372)]
    from docscenter.wiki.export import ExportReader

    return [Page(p.title, p.text, p.revision or 1, p.timestamp or "2015-01-01T00:00:00Z",
                 p.namespace) for p in ExportReader(base / "wpd" / "export.xml")]


def timed(label: str, *args: str | Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docscenter", *map(str, args)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stderr
    print(f"{label:<44} {wall:7.2f} s wall {cpu:7.2f} s CPU   {done.stdout.splitlines()[0]}")


def installs(count: int, work: Path) -> None:
    for name in ("plain", "journal"):
        (work / name).mkdir()
        for n in range(count):
            (work / name / f"{n}.rst").write_text("old\n" * 200)
    start = time.perf_counter()
    for n in range(count):
        staged = work / "plain" / f"{n}.new"
        staged.write_text("new\n" * 200)
        os.replace(staged, work / "plain" / f"{n}.rst")
    plain = time.perf_counter() - start
    start = time.perf_counter()
    with Transaction(work / "journal") as txn:
        for n in range(count):
            txn.install(work / "journal" / f"{n}.rst", "new\n" * 200)
        txn.finish()
    journal = time.perf_counter() - start
    print(f"install {count} files: os.replace {plain:.3f} s (baseline), journalled "
          f"{journal:.3f} s ({journal / plain:.1f}x)")


def main() -> None:
    corpus = pages()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        old = write_dump(work / "old.xml", corpus)
        new = write_dump(work / "new.xml", [
            Page(p.title, p.text + "\n\nRevised on the wiki.\n", p.revision + 1, p.timestamp,
                 p.namespace) for p in corpus])
        root = work / "center"
        subprocess.run([sys.executable, "-m", "docscenter", "init", root, "--no-hg"],
                       check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "docscenter", "-C", root, "new-service", "wpd",
                        "--summary", "WPD.", "--owner", "A <a@example.org>"], check=True,
                       capture_output=True)
        common = ("-C", root, "import-wiki")
        timed("first import", *common, old, "--service", "wpd")
        timed("re-import, wiki unchanged", *common, old, "--service", "wpd")
        for stub in (root / "services/wpd/wiki").glob("*.rst"):
            if stub.name != "index.rst":
                text = stub.read_text(encoding="utf-8")
                head, _sep, body = text.partition("\n\n")
                stub.write_text(f"{head}\n\nA writer's introduction.\n\n{body}",
                                encoding="utf-8")
        timed("re-import, new revision, every stub edited", *common, new, "--service", "wpd")
        installs(len(corpus), work)


if __name__ == "__main__":
    main()
