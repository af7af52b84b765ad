"""The texts of the pages other pages of an import transclude (``{{:Title}}``).

The planning pass notes the titles each page may transclude (:class:`TransclusionScan`
watches the pages go by); when some are pages of the sources, one more pass keeps their
texts (and, a level deeper, the texts of the pages they transclude), within a budget, for the
converter (``ConvertOptions.transclusions``). Redirects are followed, as MediaWiki does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from .convert import normalise_title, transcluded_titles
from .source_types import WikiPage, redirect_target

BUDGET = 16 * 1024 * 1024  # characters of transcluded wikitext kept for the conversion
DEPTH = 3  # passes over the sources for pages transcluded by transcluded pages


class TransclusionScan:
    """Watches the pages of the planning pass: the titles seen and the titles wanted."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.wanted: set[str] = set()

    def watch(self, pages: Iterable[WikiPage]) -> Iterator[WikiPage]:
        """``pages``, unchanged, noting what each holds."""
        for page in pages:
            self.seen.add(normalise_title(page.title))
            if "{{" in page.text:
                self.wanted |= transcluded_titles(page.text)
            yield page


def transcluded_texts(pages: Iterable[WikiPage], scan: TransclusionScan,
                      redirects: Mapping[str, str]) -> dict[str, str]:
    """Normalised title -> wikitext of every page of ``pages`` some page transcludes (a
    redirect's title gives its target's text). Reads ``pages`` again only when needed."""
    targets = {normalise_title(k): normalise_title(v.split("#", 1)[0])
               for k, v in redirects.items()}
    texts: dict[str, str] = {}
    wanted = scan.wanted & scan.seen
    size = 0
    for _ in range(DEPTH):
        wanted |= {targets[t] for t in wanted if t in targets}
        wanted -= texts.keys()
        if not wanted:
            break
        found: set[str] = set()
        for page in pages:
            title = normalise_title(page.title)
            if title in wanted and title not in texts and size + len(page.text) <= BUDGET:
                if page.redirect or redirect_target(page.text):
                    continue
                texts[title] = page.text
                size += len(page.text)
                found |= transcluded_titles(page.text) if "{{" in page.text else set()
        wanted = (found & scan.seen) - texts.keys()
    for source, target in targets.items():
        if source not in texts and target in texts:
            texts[source] = texts[target]
    return texts
