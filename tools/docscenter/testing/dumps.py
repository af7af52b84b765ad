"""Writing small Special:Export dumps, for tests and benchmarks (one writer for both)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

SITE_BASE = "https://wiki.example.org/wiki/Main_Page"  # the default <base> of written dumps


@dataclass
class Page:
    """One page of a dump."""

    title: str
    text: str
    revision: int = 100
    timestamp: str = "2024-03-01T10:00:00Z"
    namespace: int = 0  # a page outside the main namespace has the namespace in its title


def write_dump(path: Path, pages: Iterable[Page], *, siteinfo: bool = True,
               sitename: str = "Services Wiki", base: str = SITE_BASE) -> Path:
    """A Special:Export 0.10 dump of ``pages`` (siteinfo names the namespaces they use)."""
    pages = list(pages)
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">']
    if siteinfo:
        names = {p.namespace: p.title.partition(":")[0] for p in pages if p.namespace}
        namespaces = "".join(f'<namespace key="{ns}" case="first-letter">{escape(name)}'
                             "</namespace>" for ns, name in sorted(names.items()))
        out.append(f"<siteinfo><sitename>{escape(sitename)}</sitename><base>{escape(base)}"
                   '</base><namespaces><namespace key="0" case="first-letter" />'
                   f"{namespaces}</namespaces></siteinfo>")
    for number, page in enumerate(pages, start=1):
        out.append(f"<page><title>{escape(page.title)}</title><ns>{page.namespace}</ns>"
                   f"<id>{number}</id>"
                   f"<revision><id>{page.revision}</id><timestamp>{page.timestamp}</timestamp>"
                   f'<text xml:space="preserve">{escape(page.text)}</text>'
                   "</revision></page>")
    out.append("</mediawiki>\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return path
