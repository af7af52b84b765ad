"""Benchmark: what readers see of imported pages, docscenter against the real MediaWiki.

Every page of the WPD corpus and every converter fixture case (``tests/wiki/cases/*.mwtest``,
plus the sibling pages they link to) is rendered three ways:

- by MediaWiki 1.39 (Debian's package, Cite, ParserFunctions and SyntaxHighlight loaded):
  the pages are imported into a scratch wiki and rendered with ``action=parse``;
- by docscenter: ``import-wiki`` into a temporary center (one service for the corpus, one
  for the cases), ``docscenter build``, then the article of each built page;
- by pandoc (``pandoc -f mediawiki -t html``), when it is installed.

Each rendering is cut down to the article body and compared with MediaWiki's on the visible
text (tokens: runs of letters/digits/underscore and single other characters; multiset
precision, recall and F1 per page, their mean over pages, and "micro" F1 over all tokens) and
on structure (totals per kind: headings, tables, rows, cells, list items, definition lists,
terms, indented blocks, pre blocks, links, footnotes, images). What is stripped to compare
like with like, and how missing templates are counted ("as is" / "templates removed"), is
defined in ``docscenter.testing.fidelity``; the writers' guide explains it too.

Targets: templates removed, mean text F1 >= 0.99 and every structure total within 2% of
MediaWiki's; as is, mean text F1 >= 0.97; pages whose docscenter text holds < 90% of
MediaWiki's tokens (recall < 0.9) are listed. The report names the worst pages and, per
structure kind, the pages that differ most, with the tokens missing and extra.

    python bench/fidelity.py [--corpus FILE] [--no-corpus] [--no-cases] [--no-pandoc]
                             [--jobs N] [--worst N] [--wiki-cache DIR] [--work DIR]
                             [--show TITLE] [--json]

Exit status 1 when a target is missed, 2 when MediaWiki or the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docscenter.testing.corpus import missing, wpd_export
from docscenter.testing.dumps import SITE_BASE, Page, write_dump
from docscenter.testing.fidelity_report import as_json, print_report, targets_missed
from docscenter.testing.fidelity_run import (
    PageResult,
    build_center,
    compare_page,
    docscenter_html,
    render_mediawiki,
    render_pandoc,
    shown_texts,
)
from docscenter.testing.mediawiki import MediaWikiUnavailable, cached_wiki, find_mediawiki
from docscenter.wiki.source_types import article_path_from_base
from docscenter.wiki.sources import ExportReader
from docscenter.wiki.titles import normalise_title

CASES = Path(__file__).resolve().parent.parent / "tests" / "wiki"  # the fixture cases' reader


def case_pages() -> list[Page]:
    """Every fixture case as a page (its ``page:`` title when it has one), and the siblings."""
    sys.path.insert(0, str(CASES))
    from rstcases import SIBLINGS, all_cases

    pages = [Page(title, text) for title, (_doc, _label, text) in SIBLINGS.items()]
    taken = {normalise_title(p.title) for p in pages}
    for case in all_cases():
        title = case.options.get("page") or f"Case {case.name}"
        if normalise_title(title) in taken:
            title = f"Case {case.name}"
        taken.add(normalise_title(title))
        pages.append(Page(title, case.wikitext + "\n"))
    return pages


def site_base(args: argparse.Namespace) -> str:
    """The main page URL of the wiki being compared: the corpus's, else the fixtures' one."""
    base = None if args.no_corpus else ExportReader(args.corpus).siteinfo.base
    return base or SITE_BASE


def collect(args: argparse.Namespace, work: Path) -> dict[str, tuple[Path, dict[str, str]]]:
    """group -> (its dump, title -> wikitext of the pages to compare, redirects left out)."""
    groups: dict[str, tuple[Path, dict[str, str]]] = {}
    if not args.no_corpus:
        pages = {p.title: p.text for p in ExportReader(args.corpus) if not p.redirect}
        groups["corpus"] = (args.corpus, pages)
    if not args.no_cases:
        cases = case_pages()
        dump = write_dump(work / "cases.xml", cases, base=site_base(args))
        texts = {p.title: p.text for p in cases if not p.text.lstrip().lower().startswith(
            "#redirect")}
        groups["cases"] = (dump, texts)
    return groups


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Timings(dict[str, dict[str, float]]):
    """Wall-clock and CPU seconds per step (CPU of this process and of its finished children:
    the wiki's php processes, docscenter's, pandoc's), so a busy machine can be told apart."""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), _cpu()
        yield
        self[name] = {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu}
        log(f"{name}: {self[name]['wall']:.1f} s")


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(args: argparse.Namespace, work: Path) -> tuple[list[PageResult], dict[str, object]]:
    """Render every page three ways and compare; returns the results and the run's facts."""
    mediawiki = find_mediawiki()
    groups = collect(args, work)
    texts = {title: text for _dump, pages in groups.values() for title, text in pages.items()}
    timings = Timings()
    with timings.step("wiki install + import"):
        # The wiki writes its URLs ({{fullurl:}}) as the compared wiki did, as the importer.
        wiki = cached_wiki(args.wiki_cache or work / "wiki", mediawiki,
                           [dump for dump, _pages in groups.values()],
                           article_path_from_base(site_base(args)))
    with timings.step("MediaWiki action=parse"), wiki.serve(workers=args.jobs) as server:
        reference = render_mediawiki(server, texts, args.jobs, log)
    center = work / "center"
    if (center / "build" / "html").is_dir():
        log(f"reusing the center built in {center}")
    else:
        with timings.step("docscenter import + build"):
            build_center(center, {("wpd" if group == "corpus" else group): dump
                                  for group, (dump, _pages) in groups.items()}, args.jobs)
    # The stubs record titles as the wiki normalises them ("Storage_api" is "Storage api").
    built = {normalise_title(title): html for title, html in docscenter_html(center).items()}
    pandoc = None
    if not args.no_pandoc:
        with timings.step("pandoc"):
            pandoc = render_pandoc(texts, args.jobs, log)
    results = []
    with timings.step("comparison"):
        for group, (_dump, pages) in groups.items():
            for title in pages:
                if normalise_title(title) not in built:
                    raise SystemExit(f"fidelity: {title!r} was not imported by docscenter")
                results.append(compare_page(title, group, reference[title],
                                            built[normalise_title(title)],
                                            pandoc.get(title) if pandoc is not None else None,
                                            pages[title]))
    facts: dict[str, object] = {"mediawiki": mediawiki.version, "timings": timings,
                                "pandoc": pandoc is not None}
    facts["shown"] = {title: shown_texts(reference[title], built[normalise_title(title)],
                                         pandoc.get(title) if pandoc is not None else None,
                                         texts[title])
                      for title in args.show
                      if normalise_title(title) in built and title in reference}
    return results, facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=wpd_export(),
                        help="a Special:Export dump (default: the WPD corpus)")
    parser.add_argument("--no-corpus", action="store_true", help="only the fixture cases")
    parser.add_argument("--no-cases", action="store_true", help="only the corpus")
    parser.add_argument("--no-pandoc", action="store_true", help="leave pandoc out")
    parser.add_argument("--jobs", type=int, default=2, help="parallel renders and build jobs")
    parser.add_argument("--worst", type=int, default=10, help="pages listed per table")
    parser.add_argument("--wiki-cache", type=Path, default=None,
                        help="keep the installed wiki here and reuse it next time")
    parser.add_argument("--work", type=Path, default=None,
                        help="work in this folder and keep it; a center already built there "
                             "is compared again without importing and building it anew")
    parser.add_argument("--show", action="append", default=[], metavar="TITLE",
                        help="also print the text each renderer shows of this page")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    if not args.no_corpus and (reason := missing(args.corpus)):
        print(f"fidelity: {reason}", file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="docscenter-fidelity-") as tmp:
            work = args.work or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            results, facts = run(args, work)
            facts["total seconds"] = time.perf_counter() - started
    except MediaWikiUnavailable as exc:
        print(f"fidelity: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(as_json(results, facts, args.worst), sys.stdout, indent=1)
        print()
    else:
        print_report(results, facts, args.worst)
    return 1 if targets_missed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
