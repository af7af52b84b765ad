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


@dataclass
class Revision:
    """One revision of a page with a history."""

    id: int
    timestamp: str
    user: str  # a user name, or an IP address when ``anonymous``
    comment: str
    text: str
    anonymous: bool = False


@dataclass
class HistoryPage:
    """A page with every revision, oldest first."""

    title: str
    revisions: list[Revision]
    namespace: int = 0


def write_history_dump(path: Path, pages: Iterable[HistoryPage], *,
                       sitename: str = "Services Wiki", base: str = SITE_BASE) -> Path:
    """A full-history Special:Export 0.10 dump: every revision with its contributor and
    edit summary, as ``importDump.php`` reads and ``dumpBackup.php --full`` writes."""
    pages = list(pages)
    names = {p.namespace: p.title.partition(":")[0] for p in pages if p.namespace}
    namespaces = "".join(f'<namespace key="{ns}" case="first-letter">{escape(name)}'
                         "</namespace>" for ns, name in sorted(names.items()))
    out = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">',
           f"<siteinfo><sitename>{escape(sitename)}</sitename><base>{escape(base)}</base>"
           f'<namespaces><namespace key="0" case="first-letter" />{namespaces}</namespaces>'
           "</siteinfo>"]
    for number, page in enumerate(pages, start=1):
        out.append(f"<page><title>{escape(page.title)}</title><ns>{page.namespace}</ns>"
                   f"<id>{number}</id>")
        for revision in page.revisions:
            who = (f"<ip>{escape(revision.user)}</ip>" if revision.anonymous else
                   f"<username>{escape(revision.user)}</username><id>{number}</id>")
            out.append(f"<revision><id>{revision.id}</id>"
                       f"<timestamp>{revision.timestamp}</timestamp>"
                       f"<contributor>{who}</contributor>"
                       f"<comment>{escape(revision.comment)}</comment>"
                       "<model>wikitext</model><format>text/x-wiki</format>"
                       f'<text xml:space="preserve">{escape(revision.text)}</text></revision>')
        out.append("</page>")
    out.append("</mediawiki>\n")
    path.write_text("\n".join(out), encoding="utf-8")
    return path
