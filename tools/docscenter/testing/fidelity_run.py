"""Render pages with MediaWiki, docscenter and pandoc, and compare what readers see.

The steps are separate so that a test can reuse a center it built already:
:func:`render_mediawiki` (``action=parse`` on a running reference wiki),
:func:`build_center` + :func:`docscenter_html` (import, Sphinx build, the built page of each
imported title), :func:`render_pandoc` (``pandoc -f mediawiki -t html``), then
:func:`compare_page` per page and :func:`summarise` per group of pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean

from ..core.provenance import split_stub
from .fidelity import (
    KINDS,
    Rendering,
    TextScore,
    docscenter_body,
    mediawiki_body,
    pandoc_body,
    read,
    remove_missing_templates,
    template_calls,
    text_score,
    visible_text,
)
from .mediawiki import WikiServer

MODES = ("as is", "templates removed")
LOSSY_RECALL = 0.9  # a page showing less than this share of MediaWiki's tokens lost content

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def _parallel(function: Callable[[str], str], items: list[str], workers: int,
              what: str, progress: Progress) -> dict[str, str]:
    results: dict[str, str] = {}
    with ThreadPoolExecutor(max(1, workers)) as pool:
        answers = pool.map(function, items)
        for done, (item, result) in enumerate(zip(items, answers, strict=True), 1):
            results[item] = result
            if done % 50 == 0 or done == len(items):
                progress(f"{what}: {done}/{len(items)}")
    return results


def render_mediawiki(server: WikiServer, titles: Iterable[str], workers: int = 2,
                     progress: Progress = _quiet) -> dict[str, str]:
    """title -> the HTML MediaWiki renders for it."""
    return _parallel(server.parse, list(titles), workers, "MediaWiki", progress)


def render_pandoc(pages: Mapping[str, str], workers: int = 2,
                  progress: Progress = _quiet) -> dict[str, str] | None:
    """title -> pandoc's HTML of the page's wikitext; None when pandoc is not installed."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None

    def convert(title: str) -> str:
        result = subprocess.run([pandoc, "-f", "mediawiki", "-t", "html"], input=pages[title],
                                capture_output=True, text=True, check=False, timeout=600)
        return result.stdout if result.returncode == 0 else ""  # pandoc gave up: shows nothing

    return _parallel(convert, list(pages), workers, "pandoc", progress)


def _docscenter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "docscenter", *map(str, args)],
                            capture_output=True, text=True, check=False, timeout=3600)
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        raise RuntimeError(f"docscenter {' '.join(map(str, args[:4]))} failed: "
                           + " | ".join(lines))
    return result


def build_center(root: Path, dumps: Mapping[str, Path], jobs: int = 2) -> None:
    """A new center at ``root``: one service per dump (service name -> dump), imported, built."""
    _docscenter("init", root, "--title", "Fidelity", "--no-hg")
    for service, dump in dumps.items():
        _docscenter("-C", root, "new-service", service, "--summary", f"The {service} pages.",
                    "--owner", "Fidelity Bench <bench@example.org>")
        _docscenter("-C", root, "import-wiki", dump, "--service", service)
    _docscenter("-C", root, "build", "-j", str(jobs))


def docscenter_html(root: Path) -> dict[str, str]:
    """title -> the built HTML of every page imported into the center at ``root``."""
    pages = {}
    for stub in sorted((root / "services").rglob("*.rst")):
        parts = split_stub(stub.read_text(encoding="utf-8"))
        if parts is None or "title" not in parts[0]:
            continue
        built = root / "build" / "html" / stub.relative_to(root).with_suffix(".html")
        pages[parts[0]["title"]] = built.read_text(encoding="utf-8")
    return pages


@dataclass
class PageResult:
    """One page compared: per mode, MediaWiki's and docscenter's renderings (and pandoc's)."""

    title: str
    group: str
    mediawiki: dict[str, Rendering]
    docscenter: dict[str, Rendering]
    pandoc: Rendering | None = None

    def score(self, mode: str, renderer: str = "docscenter") -> TextScore:
        other = self.pandoc if renderer == "pandoc" else self.docscenter[mode]
        assert other is not None
        return text_score(self.mediawiki[mode], other)

    def rendering(self, mode: str, renderer: str) -> Rendering | None:
        return self.pandoc if renderer == "pandoc" else getattr(self, renderer)[mode]


def compare_page(title: str, group: str, mediawiki_html: str, docscenter_html: str,
                 pandoc_html: str | None = None, wikitext: str | None = None) -> PageResult:
    """Both modes of one page (``wikitext`` makes "templates removed" exact, see
    :func:`~.fidelity.remove_missing_templates`)."""
    mediawiki, docscenter = mediawiki_body(mediawiki_html), docscenter_body(docscenter_html)
    result = PageResult(title, group, {"as is": read(mediawiki)}, {"as is": read(docscenter)})
    calls = template_calls(wikitext) if wikitext is not None else None
    remove_missing_templates(mediawiki, docscenter, calls)
    result.mediawiki["templates removed"] = read(mediawiki)
    result.docscenter["templates removed"] = read(docscenter)
    if pandoc_html is not None:
        result.pandoc = read(pandoc_body(pandoc_html))
    return result


def shown_texts(mediawiki_html: str, docscenter_html: str, pandoc_html: str | None = None,
                wikitext: str | None = None) -> dict[str, str]:
    """The visible text each renderer shows of one page with templates removed, as compared
    (to look at by eye)."""
    mediawiki, docscenter = mediawiki_body(mediawiki_html), docscenter_body(docscenter_html)
    calls = template_calls(wikitext) if wikitext is not None else None
    remove_missing_templates(mediawiki, docscenter, calls)
    texts = {"MediaWiki": visible_text(mediawiki), "docscenter": visible_text(docscenter)}
    if pandoc_html is not None:
        texts["pandoc"] = visible_text(pandoc_body(pandoc_html))
    return {name: re.sub(r"\n\s*\n+", "\n", text).strip() for name, text in texts.items()}


@dataclass
class Summary:
    """Figures over a group of pages for one mode and one renderer (against MediaWiki)."""

    pages: int = 0
    mean_f1: float = 1.0
    mean_precision: float = 1.0
    mean_recall: float = 1.0
    micro_f1: float = 1.0
    structure: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (MW, other)
    lossy: list[tuple[str, float]] = field(default_factory=list)  # recall < LOSSY_RECALL

    def structure_gap(self, kind: str) -> float:
        """Relative difference of the totals of ``kind`` (0.0 = same count as MediaWiki)."""
        reference, other = self.structure.get(kind, (0, 0))
        if reference == 0:
            return 0.0 if other == 0 else 1.0
        return abs(other - reference) / reference


def summarise(results: list[PageResult], mode: str, renderer: str = "docscenter") -> Summary:
    results = [r for r in results if r.rendering(mode, renderer) is not None]
    if not results:
        return Summary()
    scores = [r.score(mode, renderer) for r in results]
    total = TextScore(sum(s.reference for s in scores), sum(s.candidate for s in scores),
                      sum(s.overlap for s in scores))
    structure = {}
    for kind in KINDS:
        reference = sum(r.mediawiki[mode].counts[kind] for r in results)
        other = sum(rendering.counts[kind] for r in results
                    if (rendering := r.rendering(mode, renderer)) is not None)
        structure[kind] = (reference, other)
    lossy = sorted(((r.title, s.recall) for r, s in zip(results, scores, strict=True)
                    if s.recall < LOSSY_RECALL), key=lambda item: item[1])
    return Summary(len(results), fmean(s.f1 for s in scores),
                   fmean(s.precision for s in scores), fmean(s.recall for s in scores),
                   total.f1, structure, lossy)
