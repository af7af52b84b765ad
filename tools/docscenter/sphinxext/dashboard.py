"""``.. docscenter:status::`` — the documentation-status dashboard: the center's totals on
top, then one row per service with a completeness bar. The numbers are the ones
``docscenter status`` prints (both come from :mod:`docscenter.core.status`)."""

from __future__ import annotations

from collections.abc import Set

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..core.check import check
from ..core.index import PageFacts
from ..core.status import ServiceStatus, service_rows, totals
from ..indexing import service_changes, summarise_changes
from .domain import get_domain
from .history import PageHistory, known_history
from .registry import get_registry
from .resources import doc_link
from .state import BuildState, build_state

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
    # A service whose metadata is broken says so where its lifecycle would be (the build
    # reports the findings, as docscenter check and status do).
    lifecycle = "metadata error" if row.errors else row.lifecycle or "unknown"
    badge = "docscenter-error" if row.errors else f"docscenter-{lifecycle}"
    return [
        [doc_link(landing, row.title, refdoc)],
        completeness_bar(row.completeness),
        [nodes.inline(lifecycle, lifecycle, classes=["docscenter-badge", badge])],
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


class dashboard(nodes.General, nodes.Element):  # noqa: N801 - docutils names nodes so
    """Where the dashboard goes; filled in once every document is read (:class:`Fill`)."""


class StatusDirective(SphinxDirective):
    """The dashboard: a placeholder filled in as the page is written (:class:`Fill`). The
    page is read again when a service.toml changes, and written again when a page is added
    or removed or an edit changes what it counts (:func:`rewrite_dashboard`)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        get_domain(self.env).data["status_docs"].add(self.env.docname)
        for meta in get_registry(self.env).services.values():
            self.env.note_dependency(str(meta.toml_path))
        return [dashboard()]


def _history(state: BuildState, history: PageHistory | None) -> dict[str, tuple[str, str]]:
    """Each service's latest change: from the build's one VCS call when it made it."""
    if history is None:
        return service_changes(state.center)
    if history.root is None:
        return {}
    return summarise_changes(state.center, history.root, history.by_file)


def dashboard_nodes(env: BuildEnvironment, refdoc: str) -> list[nodes.Node]:
    """The totals and the table, from the build's index."""
    state = build_state(env)
    assert state.index is not None
    report = check(state.index)
    rows = service_rows(state.index, report.services, _history(state, known_history(env)))
    if not rows:
        return [nodes.paragraph(text="No services yet: add one with "
                                "“docscenter new-service NAME”.")]
    prefix = state.registry.prefix
    table_rows = [_row(row, f"{prefix}{row.name}/index", refdoc) for row in rows]
    return [_totals(totals(rows)), _table(table_rows)]


class Fill(SphinxPostTransform):
    """Put the dashboard in place before references are resolved (its service links are
    checked and resolved by Sphinx like any other)."""

    default_priority = 5  # before ReferencesResolver (10)

    def run(self, **kwargs: object) -> None:
        for node in list(self.document.findall(dashboard)):
            node.replace_self(dashboard_nodes(self.env, self.env.docname))


def _shape(state: BuildState, facts: PageFacts | None) -> str:
    """What the dashboard counts in one page (no line numbers): its sections, toctree, terms,
    term references, placeholders, and whether it is an untouched stub or template page."""
    if facts is None:
        return ""
    generated = any(facts.fingerprint in pages.values()
                    for pages in state.template.renderings.values())
    return repr((tuple(title for title, _ in facts.sections),
                 tuple(target for target, _ in facts.toctree),
                 tuple(term for term, _ in facts.terms),
                 tuple(target for target, _ in facts.refs),
                 len(facts.placeholders), facts.imported_stub, generated))


def note_before(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
                removed: Set[str]) -> list[str]:
    """``env-get-outdated``: what the dashboard counts in the pages about to change."""
    state, pages = build_state(env), get_domain(env).pages
    state.dashboard_before = {doc: _shape(state, pages.get(doc))
                              for doc in (*added, *changed, *removed)}
    return []


def rewrite_dashboard(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: the dashboard pages, when what they count changed. They need not
    be read again: the dashboard is filled in as they are written (:class:`Fill`)."""
    state, pages = build_state(env), get_domain(env).pages
    before, state.dashboard_before = state.dashboard_before, {}
    if all(_shape(state, pages.get(doc)) == shape for doc, shape in before.items()):
        return []
    return sorted(get_domain(env).data["status_docs"] & env.found_docs)


def setup_status(app: Sphinx) -> None:
    """Register this component with Sphinx."""
    app.add_node(dashboard)
    app.add_directive_to_domain("docscenter", "status", StatusDirective)
    app.add_post_transform(Fill)
    app.connect("env-get-outdated", note_before)
    app.connect("env-get-updated", rewrite_dashboard)
