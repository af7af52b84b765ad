"""Benchmark: ``docscenter import-wiki`` against pandoc, and its peak memory on a large dump.

Corpus mode (default): the WPD corpus (``wpd/export.xml`` of the shared corpus:
``$DOCSCENTER_CORPUS``, else ``../shared/corpus``) is imported into a new center and
converted by ``pandoc -f mediawiki -t rst`` one process per page (as a script converting a
wiki would), interleaved in one run: docscenter, pandoc, docscenter, pandoc... (``--rounds``
of each, default 5), so that both meet the same load on a busy machine. It prints every
round, each median and their ratio (target: docscenter at least 8x faster), then the CPU
time of the slowest corpus page's conversion (target: under 1 s). docscenter's modules are
byte-compiled first, as installing the package does (a checkout run with
PYTHONDONTWRITEBYTECODE set would otherwise compile them again on every run).

Synthetic mode (``--synthetic-mb 200``): writes a dump of that size (see dump_memory.py),
imports it and reports the peak resident set size of the import process and of its largest
worker; their sum must stay under ``--limit`` MB (default 300).

    python bench/import.py [--corpus FILE] [--rounds N] [--no-pandoc]
                           [--synthetic-mb MB] [--limit MB]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docscenter.testing.corpus import corpus_dir

SPEEDUP_TARGET = 8.0
SLOWEST_PAGE_TARGET = 1.0  # seconds of CPU for the slowest corpus page's conversion


def docscenter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "docscenter", *map(str, args)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"docscenter {' '.join(map(str, args[:4]))} failed:\n{result.stderr}")
    return result


def make_center(root: Path) -> None:
    docscenter("init", root, "--title", "Import bench", "--no-hg")
    docscenter("-C", root, "new-service", "wiki", "--summary", "Everything from the wiki.",
               "--owner", "Bench Owner <owner@example.org>")


# The child of measured_import: docscenter's command line in-process, then getrusage for it and
# its (already reaped) workers; ru_maxrss is in KiB on Linux. It imports nothing else, so the
# time measured is docscenter's alone.
MEASURE = """
import json, resource, sys
from docscenter.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
    status = 0
except SystemExit as exc:
    status = int(exc.code or 0)
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"parent": own.ru_maxrss / 1024, "largest worker": workers.ru_maxrss / 1024,
               "cpu": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime}, out)
sys.exit(status)
"""


def measured_import(root: Path, dump: Path) -> tuple[float, dict, dict[str, float]]:
    """Run the import in a child process that reports its own and its workers' peak RSS.

    Returns (seconds, the JSON report, peak MB of "parent" and "largest worker")."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as usage:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, usage.name,
             "-C", str(root), "import-wiki", str(dump), "--service", "wiki", "--format", "json"],
            capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"import failed:\n{result.stderr[-2000:]}")
        peaks = json.loads(Path(usage.name).read_text(encoding="utf-8"))
    return elapsed, json.loads(result.stdout), peaks


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def corpus_texts(dump: Path) -> list[str]:
    """The wikitext of every page of ``dump`` that is not a redirect."""
    from docscenter.wiki.sources import ExportReader

    return [page.text for page in ExportReader(dump) if not page.redirect]


def pandoc_time(texts: list[str], pandoc: str) -> tuple[float, float]:
    """Seconds (wall, CPU) pandoc takes to convert ``texts``, one page per process."""
    started, cpu = time.perf_counter(), cpu_of_children()
    for text in texts:
        subprocess.run([pandoc, "-f", "mediawiki", "-t", "rst"], input=text, text=True,
                       capture_output=True, check=False)
    return time.perf_counter() - started, cpu_of_children() - cpu


def slowest_page(dump: Path) -> tuple[str, float]:
    """The corpus page whose conversion takes the most CPU time, and that time."""
    from docscenter.wiki.convert import ConvertOptions, convert_page
    from docscenter.wiki.sources import ExportReader

    slowest = ("", 0.0)
    for number, page in enumerate(ExportReader(dump)):
        options = ConvertOptions(label=f"p{number}", wiki_url="https://wiki.example.org/wiki/$1")
        started = time.process_time()
        convert_page(page.text, page.title, options)
        spent = time.process_time() - started
        if spent > slowest[1]:
            slowest = (page.title, spent)
    return slowest


def corpus_mode(args: argparse.Namespace, work: Path) -> int:
    if args.corpus is None:
        found = corpus_dir()
        args.corpus = found / "wpd" / "export.xml" if found else None
    if args.corpus is None or not args.corpus.is_file():
        print(f"no corpus at {args.corpus or '../shared/corpus'} (set DOCSCENTER_CORPUS)")
        return 1
    pandoc = None if args.no_pandoc else shutil.which("pandoc")
    import docscenter

    compileall.compile_dir(Path(docscenter.__file__).parent, quiet=1)
    template = work / "template"
    make_center(template)
    texts = corpus_texts(args.corpus)
    ours: list[float] = []
    theirs: list[float] = []
    for round_ in range(1, max(1, args.rounds) + 1):
        root = work / f"center-{round_}"
        shutil.copytree(template, root)
        elapsed, report, peaks = measured_import(root, args.corpus)
        shutil.rmtree(root)
        ours.append(elapsed)
        pages = report["counts"]["new"]
        line = (f"round {round_}: docscenter {pages} pages in {elapsed:.2f} s "
                f"({peaks['cpu']:.2f} s CPU, peak RSS {peaks['parent']:.0f} MB + worker "
                f"{peaks['largest worker']:.0f} MB)")
        if pandoc is not None:
            seconds, cpu = pandoc_time(texts, pandoc)
            theirs.append(seconds)
            line += f"; pandoc {len(texts)} pages in {seconds:.2f} s ({cpu:.2f} s CPU)"
        print(line, flush=True)
    ok = True
    ours_median = statistics.median(ours)
    print(f"docscenter: median {ours_median:.2f} s, {pages / ours_median:.0f} pages/s")
    if pandoc is None:
        print("pandoc: skipped" + ("" if args.no_pandoc else " (not installed)"))
    else:
        theirs_median = statistics.median(theirs)
        ratio = theirs_median / ours_median
        print(f"pandoc:     median {theirs_median:.2f} s, {len(texts) / theirs_median:.0f} "
              f"pages/s")
        print(f"ratio: docscenter is {ratio:.1f}x faster than pandoc "
              f"(target {SPEEDUP_TARGET:g}x)")
        ok = ratio >= SPEEDUP_TARGET
    title, spent = slowest_page(args.corpus)
    print(f"slowest page: {title!r} converts in {spent:.2f} s CPU "
          f"(target under {SLOWEST_PAGE_TARGET:g} s)")
    return 0 if ok and spent < SLOWEST_PAGE_TARGET else 1


def synthetic_mode(args: argparse.Namespace, work: Path) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    from dump_memory import write_dump

    dump = work / "synthetic.xml"
    started = time.perf_counter()
    written = write_dump(dump, args.synthetic_mb)
    size = dump.stat().st_size / 1024 / 1024
    print(f"wrote {written} pages, {size:.0f} MB in {time.perf_counter() - started:.1f} s")
    root = work / "center"
    make_center(root)
    elapsed, report, peaks = measured_import(root, dump)
    total = peaks["parent"] + peaks["largest worker"]
    print(f"imported {report['counts']['new']} pages in {elapsed:.1f} s "
          f"({report['counts']['new'] / elapsed:.0f} pages/s, {size / elapsed:.1f} MB/s)")
    print(f"peak RSS: import process {peaks['parent']:.0f} MB + largest worker "
          f"{peaks['largest worker']:.0f} MB = {total:.0f} MB (limit {args.limit} MB)")
    if report["counts"]["new"] != written:
        print(f"FAIL: expected {written} pages")
        return 1
    return 0 if total < args.limit else 1


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None,
                        help="a Special:Export dump (default: the shared corpus's WPD dump)")
    parser.add_argument("--no-pandoc", action="store_true", help="skip the pandoc comparison")
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved runs of each, docscenter then pandoc (default 5)")
    parser.add_argument("--synthetic-mb", type=int, default=0,
                        help="import a synthetic dump of this many MB instead of the corpus")
    parser.add_argument("--limit", type=int, default=300, help="peak RSS limit in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docscenter-bench-") as tmp:
        if args.synthetic_mb:
            return synthetic_mode(args, Path(tmp))
        return corpus_mode(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
