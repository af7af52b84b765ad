"""``.. docscenter:status::`` — the documentation-status dashboard: the center's totals on
top, then one row per service with a completeness bar. The numbers are the ones
``docscenter status`` prints (both come from :mod:`docscenter.status`)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..checks import collect
from ..status import ServiceStatus, last_changes, service_rows, summarise_changes, totals
from .history import known_file_changes
from .registry import get_registry
from .resources import doc_link

# Short headings keep the eleven columns on a laptop screen; the page's text explains them.
HEADERS = ["Service", "Complete", "Lifecycle", "Owners", "Pages", "Missing", "Stubs",
           "XXX", "Terms", "Wiki", "Changed"]
WIDTHS = [16, 14, 9, 14, 6, 7, 6, 9, 7, 7, 9]


def _text(value: object) -> list[nodes.Node]:
    return [nodes.Text(str(value))]


def completeness_bar(percent: int) -> list[nodes.Node]:
    """A bar filled to the nearest 10 % (CSS classes docscenter-fill-0 ... -100) and the
    exact figure beside it."""
    bucket = round(percent / 10) * 10
    level = "good" if percent >= 80 else "fair" if percent >= 40 else "poor"
    fill = nodes.inline("", "", classes=["docscenter-bar-fill", f"docscenter-fill-{bucket}",
                                         f"docscenter-{level}"])
    bar = nodes.inline("", "", fill, classes=["docscenter-bar"])
    return [bar, nodes.inline(f"{percent}%", f"{percent}%", classes=["docscenter-percent"])]


def _count(value: int, bad: bool = True) -> list[nodes.Node]:
    # Non-zero counts of missing things stand out; zero stays quiet.
    classes = ["docscenter-count"] + (["docscenter-count-bad"] if value and bad else [])
    return [nodes.inline(str(value), str(value), classes=classes)]


def _row(row: ServiceStatus, landing: str, refdoc: str) -> list[list[nodes.Node]]:
    lifecycle = row.lifecycle or "unknown"
    return [
        [doc_link(landing, row.title, refdoc)],
        completeness_bar(row.completeness),
        [nodes.inline(lifecycle, lifecycle,
                      classes=["docscenter-badge", f"docscenter-{lifecycle}"])],
        _text(", ".join(row.owners) or "—"),
        _text(row.pages),
        _count(row.missing_sections),
        _count(row.stubs),
        _count(row.placeholders),
        _text(len(row.terms_used)),
        _text(len(row.wiki_pages)),
        _text(row.last_changed or "—"),
    ]


def _table(rows: list[list[list[nodes.Node]]]) -> nodes.table:
    tab = nodes.table(classes=["docscenter-status"])
    group = nodes.tgroup(cols=len(HEADERS))
    tab += group
    group.extend(nodes.colspec(colwidth=width) for width in WIDTHS)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=h)) for h in HEADERS))
    body = nodes.tbody()
    for cells in rows:
        # A class per column: on a phone each row becomes a card labelled from it (CSS).
        body += nodes.row("", *(nodes.entry("", nodes.paragraph("", "", *c),
                                            classes=[f"docscenter-col-{h.lower()}"])
                                for h, c in zip(HEADERS, cells, strict=True)))
    group += [head, body]
    return tab


def _totals(total: dict[str, int]) -> nodes.container:
    """The totals as a row of tiles: big number, small label."""
    tiles = nodes.container(classes=["docscenter-totals"])
    for key, label in [("completeness", "complete on average"), ("services", "services"),
                       ("complete_services", "fully documented"), ("pages", "pages"),
                       ("missing_sections", "required sections missing"),
                       ("stubs", "stub pages"), ("placeholders", "placeholders")]:
        number = f"{total[key]}%" if key == "completeness" else str(total[key])
        tile = nodes.paragraph(classes=["docscenter-tile", f"docscenter-tile-{key}"])
        tile += nodes.inline(number, number, classes=["docscenter-tile-number"])
        tile += nodes.inline(label, label, classes=["docscenter-tile-label"])
        tiles += tile
    return tiles


class StatusDirective(SphinxDirective):
    """The dashboard; the page is re-read when a service.toml changes, a page is added or
    removed, or an edit changes what it counts (see :mod:`.status_inputs`)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from .conformance import settings_from
        from .domain import get_domain

        get_domain(self.env).data["status_docs"].add(self.env.docname)
        registry = get_registry(self.env)
        root = Path(self.env.srcdir)
        settings = settings_from(self.config)
        for meta in registry.services.values():
            self.env.note_dependency(str(meta.toml_path))
        report = collect(root, settings)
        known = known_file_changes(root)  # the build's one VCS call, when it made it
        if known is None:
            history = last_changes(root)
        elif known[0] is None:
            history = {}
        else:
            history = summarise_changes(root, known[0], known[1])
        rows = service_rows(root, report, settings, history)
        if not rows:
            return [nodes.paragraph(text="No services yet: add one with "
                                    "“docscenter new-service NAME”.")]
        table_rows = [_row(row, f"{registry.prefix}{row.name}/index", self.env.docname)
                      for row in rows]
        return [_totals(totals(rows)), _table(table_rows)]


def setup_status(app: Sphinx) -> None:
    """Register this component with Sphinx (the directive lives in the docscenter domain;
    when the dashboard is read again is decided in :mod:`.status_inputs`)."""
    from .status_inputs import setup_status_inputs

    setup_status_inputs(app)
