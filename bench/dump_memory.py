"""Benchmark: ExportReader's speed and peak memory on a large synthetic Special:Export dump.

Writes a dump of about ``--size`` MB (default 200) into a temporary folder, reads it back
with :class:`docscenter.wiki.sources.ExportReader` and prints pages/s, MB/s and the peak
resident set size. Exits 1 when the peak exceeds ``--limit`` MB (default 300), so it can
guard against a reader that starts building the whole tree.

    python bench/dump_memory.py [--size MB] [--limit MB] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from docscenter.wiki.sources import ExportReader

HEAD = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Synthetic</sitename>
    <base>https://wiki.example.org/wiki/Main_Page</base>
    <namespaces><namespace key="0" case="first-letter" /></namespaces>
  </siteinfo>
"""
WORDS = "service token storage quota sync client server header request <b> & é ☃".split()


def revision(rev_id: int, text: str) -> str:
    return (
        f"    <revision>\n      <id>{rev_id}</id>\n"
        f"      <timestamp>2024-01-01T00:00:{rev_id % 60:02d}Z</timestamp>\n"
        "      <contributor><username>Bench</username><id>1</id></contributor>\n"
        "      <model>wikitext</model><format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text)}" xml:space="preserve">{escape(text)}</text>\n'
        "    </revision>\n"
    )


def write_dump(path: Path, size_mb: int) -> int:
    """Write a dump of about ``size_mb`` MB; some pages carry several revisions."""
    rng = random.Random(7)
    target, pages, rev_id = size_mb * 1024 * 1024, 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        while out.tell() < target:
            pages += 1
            out.write(f"  <page>\n    <title>Page {pages}</title>\n    <ns>0</ns>\n")
            out.write(f"    <id>{pages}</id>\n")
            for _ in range(1 if pages % 10 else 4):
                rev_id += 1
                words = rng.choices(WORDS, k=rng.randint(200, 4000))
                out.write(revision(rev_id, f"== Page {pages} ==\n" + " ".join(words)))
            out.write("  </page>\n")
        out.write("</mediawiki>\n")
    return pages


def main() -> int:
    """Run the benchmark; exit status 1 when peak memory is over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="dump size in MB (default 200)")
    parser.add_argument("--limit", type=int, default=300, help="peak RSS limit in MB")
    parser.add_argument("--keep", type=Path, help="write the dump here instead of a temp dir")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        dump = folder / "synthetic.xml"
        started = time.perf_counter()
        written = write_dump(dump, args.size)
        size_mb = dump.stat().st_size / 1024 / 1024
        print(f"wrote {written} pages, {size_mb:.0f} MB in {time.perf_counter() - started:.1f} s")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        started = time.perf_counter()
        count = sum(1 for _ in ExportReader(dump))
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(
        f"read {count} pages in {elapsed:.1f} s: {count / elapsed:.0f} pages/s, "
        f"{size_mb / elapsed:.1f} MB/s"
    )
    print(f"peak RSS {peak:.0f} MB (before reading {rss_before:.0f} MB; limit {args.limit} MB)")
    if count != written:
        print(f"FAIL: expected {written} pages")
        return 1
    if peak > args.limit:
        print("FAIL: over the memory limit")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
