"""``docscenter check``: the center's findings without running Sphinx.

A fast text scanner reads every service's ``service.toml`` and the reST sources (section titles,
toctree entries, glossary terms, ``:term:`` references, ``XXX``/``TODO`` placeholders) and
reports :class:`Finding` objects. The Sphinx extension reports the same kinds of finding as
warnings during the build (see ``sphinxext/conformance.py`` and ``sphinxext/glossary.py``);
the glossary rules themselves live here, in :func:`glossary_findings`, shared by both.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .center import Center
from .services import ServiceMeta, discover
from .wiki.stubs import is_pristine

#: Version of the JSON output of ``docscenter check``; bumped on incompatible changes.
SCHEMA_VERSION = 1
#: The shared glossary, relative to the center root, without suffix.
GLOSSARY_DOC = "source/glossary"

PLACEHOLDER = re.compile(r"\b(XXX|TODO)\b")
TERM_ROLE = re.compile(r"(?<![\w`\\]):(?:std:)?term:`((?:[^`\\]|\\.)+)`")
EXPLICIT_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::(.*)$")
ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
INLINE_LITERAL = re.compile(r"``.+?``", re.DOTALL)
# Directives whose content is not reST: nothing in them is a section, a role or a term.
LITERAL_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude", "highlight",
                      "raw", "math", "parsed-literal", "productionlist"}


@dataclass(frozen=True)
class Finding:
    """One problem: which service (None for center-wide pages), where, what kind, what."""

    service: str | None
    path: str  # relative to the center root, POSIX
    line: int | None
    subtype: str  # the Sphinx warning subtype: docscenter.<subtype>
    message: str

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class TermDef:
    """A term defined in a ``glossary`` directive."""

    term: str
    path: str
    line: int | None
    service: str | None = None


@dataclass(frozen=True)
class TermRef:
    """A ``:term:`` reference (its target, not its displayed text)."""

    target: str
    path: str
    line: int | None
    service: str | None = None


@dataclass
class Page:
    """What the scanner found in one reST file."""

    path: str
    sections: list[tuple[str, int]] = field(default_factory=list)  # (title, line)
    toctree: list[tuple[str, int]] = field(default_factory=list)  # (entry target, line)
    terms: list[tuple[str, int]] = field(default_factory=list)  # glossary terms defined
    refs: list[tuple[str, int]] = field(default_factory=list)  # :term: targets
    placeholders: list[int] = field(default_factory=list)  # lines
    imported_stub: bool = False


@dataclass
class ServiceReport:
    """Per-service counts for the status dashboard and the check summary."""

    meta: ServiceMeta
    pages: int = 0
    missing_sections: int = 0
    missing_pages: int = 0
    stubs: list[str] = field(default_factory=list)  # page paths still as generated/imported
    placeholders: int = 0
    terms_used: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything ``check`` (and ``status``) found in a center."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    services: dict[str, ServiceReport] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)  # by path


@dataclass
class Settings:
    """The conf.py values the checks use (read without importing Sphinx)."""

    services_dir: str = "services"
    required_pages: list[str] | None = None  # None: derived from the template
    required_sections: dict[str, list[str]] | None = None
    suppress: list[str] = field(default_factory=list)
    source_suffix: str = ".rst"

    def suppressed(self, subtype: str) -> bool:
        return "docscenter" in self.suppress or f"docscenter.{subtype}" in self.suppress


# -- conf.py --------------------------------------------------------------------------------

def read_settings(root: Path) -> Settings:
    """The literal top-level assignments of ``root/conf.py`` that the checks need.

    conf.py is parsed, not executed: checking must not run arbitrary code, and values that
    are not literals keep their defaults.
    """
    values: dict[str, Any] = {}
    try:
        tree = ast.parse((root / "conf.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return Settings()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(value)
                except ValueError:
                    pass
    suffix = values.get("source_suffix", ".rst")
    if isinstance(suffix, dict):
        suffix = next(iter(suffix), ".rst")
    elif isinstance(suffix, list | tuple):
        suffix = suffix[0] if suffix else ".rst"
    return Settings(
        services_dir=str(values.get("docscenter_services_dir", "services")).strip("/"),
        required_pages=values.get("docscenter_required_pages"),
        required_sections=values.get("docscenter_required_sections"),
        suppress=list(values.get("suppress_warnings", [])),
        source_suffix=str(suffix),
    )


# -- the template's requirements ----------------------------------------------------------

@dataclass(frozen=True)
class Requirements:
    """The pages every service must have (``apis-{version}`` per API version) and the
    section titles each of them must contain."""

    pages: tuple[str, ...]
    sections: dict[str, tuple[str, ...]]

    def pages_for(self, meta: ServiceMeta) -> list[tuple[str, str]]:
        """(page name, requirement key) for ``meta``: apis-{version} expands per version."""
        out = []
        for page in self.pages:
            if "{version}" in page:
                out.extend((page.format(version=v), page) for v in meta.api_versions)
            else:
                out.append((page, page))
        return out


def template_requirements(root: Path, settings: Settings) -> Requirements:
    """Required pages and sections, taken from the service template (the center's override
    if it has one), then adjusted by ``docscenter_required_pages``/``_sections``.

    A template section whose text asks to be removed when empty ("remove this section") is
    optional, like "Assumptions".
    """
    derived = _derived_requirements(str(root))
    pages = tuple(settings.required_pages) if settings.required_pages is not None \
        else derived.pages
    sections = dict(derived.sections)
    for page, titles in (settings.required_sections or {}).items():
        sections[page] = tuple(titles)
    return Requirements(pages, {page: sections.get(page, ()) for page in pages})


@lru_cache(maxsize=8)
def _derived_requirements(root: str) -> Requirements:
    from .scaffold import render_service

    files = render_service(Center(Path(root)), "example", title="Example",
                           summary="Example.", api_versions=["1.0"])
    pages: list[str] = []
    sections: dict[str, tuple[str, ...]] = {}
    for name, text in files.items():
        if not name.endswith(".rst"):
            continue
        page = name[: -len(".rst")].replace("apis-1.0", "apis-{version}")
        pages.append(page)
        scanned = scan_text(name, text)
        lines = text.splitlines()
        required = []
        for index, (title, line) in enumerate(scanned.sections[1:], start=1):
            end = scanned.sections[index + 1][1] if index + 1 < len(scanned.sections) \
                else len(lines) + 1
            body = " ".join(lines[line:end - 1]).lower()
            if "remove this section" not in body:
                required.append(title)
        sections[page] = tuple(required)
    return Requirements(tuple(pages), sections)


# -- scanning reST ---------------------------------------------------------------------------

def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_end(lines: list[str], start: int, base: int) -> int:
    """Index after the indented block that follows line ``start - 1`` (indent > ``base``)."""
    end = start
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip() and _indent(line) <= base:
            break
        end = index + 1
    return end


def _normalize(target: str) -> str:
    return " ".join(target.replace("\\", "").split())


def scan_text(path: str, text: str) -> Page:
    """Scan one reST document: sections, toctree entries, glossary terms, ``:term:``
    references and placeholders, each with its line number (1-based)."""
    page = Page(path)
    lines = text.splitlines()
    masked = list(lines)  # lines with literal content blanked out before finding roles
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.match(line)
        if directive:
            base, name = len(directive[1]), directive[2].removeprefix("std:")
            end = _block_end(lines, index + 1, base)
            if name == "toctree":
                _scan_toctree(page, lines, index + 1, end)
            elif name == "glossary":
                _scan_glossary(page, lines, index + 1, end)
            elif name in LITERAL_DIRECTIVES:
                for blank in range(index + 1, end):
                    masked[blank] = ""
            index = end if name in LITERAL_DIRECTIVES else index + 1
            continue
        if line.startswith("..") and not DIRECTIVE.match(line) and not line.startswith(".. _"):
            # A comment: its indented continuation is not content either.
            end = _block_end(lines, index + 1, _indent(line))
            for blank in range(index, end):
                masked[blank] = ""
            index = end
            continue
        if line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            end = _block_end(lines, index + 1, _indent(line))
            for blank in range(index + 1, end):
                masked[blank] = ""
            index = end
            continue
        if (index + 1 < len(lines) and line.strip() and not line[0].isspace()
                and ADORNMENT.match(lines[index + 1])
                and len(lines[index + 1].rstrip()) >= len(line.rstrip())
                and not ADORNMENT.match(line)):
            page.sections.append((line.strip(), index + 1))
        index += 1
    body = "\n".join(masked)
    body = INLINE_LITERAL.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), body)
    for match in TERM_ROLE.finditer(body):
        content = match[1]
        explicit = EXPLICIT_TARGET.match(content)
        target = explicit[2] if explicit else content
        page.refs.append((_normalize(target), body.count("\n", 0, match.start()) + 1))
    for number, line in enumerate(body.split("\n"), start=1):
        if PLACEHOLDER.search(line):
            page.placeholders.append(number)
    page.imported_stub = is_pristine_import(text)
    return page


def is_pristine_import(text: str) -> bool:
    """True when ``text`` is an imported page nobody edited since (see ``wiki.stubs``)."""
    return is_pristine(text)


def _scan_toctree(page: Page, lines: list[str], start: int, end: int) -> None:
    glob = any(lines[i].strip() == ":glob:" for i in range(start, end))
    for index in range(start, end):
        entry = lines[index].strip()
        if not entry or entry.startswith(":") or glob and any(c in entry for c in "*?["):
            continue
        explicit = EXPLICIT_TARGET.match(entry)
        target = explicit[2] if explicit else entry
        if target == "self" or re.match(r"^[a-z][a-z0-9+.-]*://", target):
            continue
        page.toctree.append((target, index + 1))


def _scan_glossary(page: Page, lines: list[str], start: int, end: int) -> None:
    content = [i for i in range(start, end)
               if lines[i].strip() and not lines[i].strip().startswith(":")]
    if not content:
        return
    term_indent = min(_indent(lines[i]) for i in content)
    for index in content:
        if _indent(lines[index]) == term_indent:
            term = re.split(r"\s+:\s+", lines[index].strip(), maxsplit=1)[0]
            page.terms.append((_normalize(term), index + 1))


# -- the rules --------------------------------------------------------------------------------

def glossary_findings(definitions: Sequence[TermDef], references: Sequence[TermRef],
                      glossary_path: str, *, undefined: bool = True) -> list[Finding]:
    """The glossary rules: duplicates (ignoring case), glossaries outside the shared page,
    references that resolve to nothing or only by a different case, and unused terms."""
    findings: list[Finding] = []
    by_key: dict[str, list[TermDef]] = {}
    for definition in definitions:
        by_key.setdefault(definition.term.lower(), []).append(definition)
    outside = sorted({(d.path, d.service) for d in definitions if d.path != glossary_path})
    for path, service in outside:
        line = min((d.line or 0) for d in definitions if d.path == path) or None
        findings.append(Finding(service, path, line, "glossary_location",
                                f"a glossary outside the shared one ({glossary_path}): "
                                "move its terms there"))
    for same in by_key.values():
        for repeat in same[1:]:
            first = same[0]
            findings.append(Finding(
                repeat.service, repeat.path, repeat.line, "duplicate_term",
                f"term {repeat.term!r} is defined more than once (also "
                f"{first.term!r} at {first.path}:{first.line})"))
    exact = {d.term for d in definitions}
    used: set[str] = set()
    for ref in references:
        if ref.target in exact:
            used.add(ref.target.lower())
        elif ref.target.lower() in by_key:
            used.add(ref.target.lower())
            defined = by_key[ref.target.lower()][0].term
            findings.append(Finding(ref.service, ref.path, ref.line, "term_case",
                                    f"term {ref.target!r} differs in letter case from the "
                                    f"glossary's {defined!r}"))
        elif undefined:
            findings.append(Finding(ref.service, ref.path, ref.line, "undefined_term",
                                    f"term {ref.target!r} is not in the glossary"))
    for key, same in by_key.items():
        if key not in used:
            first = same[0]
            findings.append(Finding(first.service, first.path, first.line, "unused_term",
                                    f"term {first.term!r} is not referenced by any page"))
    return findings


def service_findings(root: Path, meta: ServiceMeta, pages: dict[str, Page],
                     requirements: Requirements, settings: Settings) -> list[Finding]:
    """service.toml problems, missing template pages and sections, dangling toctree entries."""
    findings: list[Finding] = []
    for problem in meta.problems:
        findings.append(Finding(meta.name, _relative(root, problem.path), problem.line,
                                "service_toml", f"{problem.field}: {problem.message}"))
    folder = f"{settings.services_dir}/{meta.name}"
    for page_name, key in requirements.pages_for(meta):
        path = f"{folder}/{page_name}{settings.source_suffix}"
        page = pages.get(path)
        if page is None:
            findings.append(Finding(meta.name, path, None, "template",
                                    f"required page {page_name!r} is missing"))
            continue
        titles = {title.lower() for title, _line in page.sections}
        last = page.sections[-1][1] if page.sections else None
        for section in requirements.sections.get(key, ()):
            if section.lower() not in titles:
                findings.append(Finding(meta.name, path, last, "template",
                                        f"required section {section!r} is missing"))
    return findings


def toctree_findings(root: Path, page: Page, service: str | None,
                     settings: Settings) -> list[Finding]:
    """Toctree entries naming documents that do not exist."""
    findings = []
    folder = Path(page.path).parent
    for target, line in page.toctree:
        doc = target.lstrip("/") if target.startswith("/") else (folder / target).as_posix()
        candidate = root / doc
        if not (candidate.with_name(candidate.name + settings.source_suffix).is_file()
                or (candidate.suffix == settings.source_suffix and candidate.is_file())):
            findings.append(Finding(service, page.path, line, "toctree",
                                    f"toctree entry {target!r} names no document"))
    return findings


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _undated(text: str) -> str:
    return ISO_DATE.sub("YYYY-MM-DD", text)


def generated_pages(root: Path, meta: ServiceMeta) -> dict[str, str]:
    """The service's pages as ``new-service`` would render them from its service.toml, with
    dates blanked (the creation date differs from today's): a page equal to its rendering,
    dates blanked likewise, is an untouched stub."""
    from .scaffold import render_service

    owners = [f"{o.name} <{o.email}>" if o.email else o.name for o in meta.owners]
    try:
        files = render_service(
            Center(root), meta.name, title=meta.title, summary=meta.summary, owners=owners,
            api_versions=meta.api_versions, lifecycle=meta.lifecycle or "development",
        )
    except Exception:  # noqa: BLE001 - a broken template or metadata means "no stubs known"
        return {}
    return {name: _undated(text) for name, text in files.items() if name.endswith(".rst")}


# -- the whole center -----------------------------------------------------------------------

MANIFEST = "tools/wiki.toml"


def manifest_findings(root: Path, services: Iterable[str]) -> list[Finding]:
    """Problems of the wiki import manifest, when the center has one: it does not load, or
    it sends pages to a service that does not exist (``make import`` would stop there)."""
    from .center import UsageError
    from .wiki.manifest import load_manifest

    path = root / MANIFEST
    if not path.is_file():
        return []
    try:
        manifest = load_manifest(path)
    except UsageError as exc:
        return [Finding(None, MANIFEST, None, "manifest", str(exc).removeprefix(f"{path}: "))]
    known = set(services)
    return [Finding(None, MANIFEST, None, "manifest",
                    f"pages entry {index} ({rule.title or rule.prefix!r}) goes to service "
                    f"{rule.service!r}, which does not exist")
            for index, rule in enumerate(manifest.rules, start=1) if rule.service not in known]


def template_findings(root: Path, settings: Settings) -> list[Finding]:
    """Only the template conformance findings (missing pages and sections) of every service:
    what the Sphinx build adds to the checks Sphinx and the registry already make."""
    folder = root / settings.services_dir
    pages = {}
    for path in _rst_files(folder, settings.source_suffix):
        relative = path.relative_to(root).as_posix()
        pages[relative] = scan_text(relative, path.read_text(encoding="utf-8"))
    requirements = template_requirements(root, settings)
    return [finding for meta in discover(folder)
            for finding in service_findings(root, meta, pages, requirements, settings)
            if finding.subtype == "template"]



def _rst_files(folder: Path, suffix: str) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(f"*{suffix}")
                  if not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def collect(root: Path, settings: Settings | None = None, *, undefined_terms: bool = True,
            toctrees: bool = True) -> Report:
    """Scan the center at ``root``: every finding and the per-service counts."""
    root = root.resolve()
    settings = settings or read_settings(root)
    report = Report(root)
    services = discover(root / settings.services_dir)
    requirements = template_requirements(root, settings)
    source_files = list(_rst_files(root / "source", settings.source_suffix))
    for path in [*source_files, *_rst_files(root / settings.services_dir,
                                            settings.source_suffix)]:
        relative = path.relative_to(root).as_posix()
        report.pages[relative] = scan_text(relative, path.read_text(encoding="utf-8"))
    prefix = settings.services_dir + "/"

    def service_of(path: str) -> str | None:
        return path[len(prefix):].split("/", 1)[0] if path.startswith(prefix) else None

    for meta in services:
        report.findings.extend(service_findings(root, meta, report.pages, requirements,
                                                settings))
        report.services[meta.name] = ServiceReport(meta)
    report.findings.extend(manifest_findings(root, (meta.name for meta in services)))
    if toctrees:
        for page in report.pages.values():
            report.findings.extend(toctree_findings(root, page, service_of(page.path), settings))

    definitions, references = [], []
    for page in report.pages.values():
        service = service_of(page.path)
        definitions += [TermDef(term, page.path, line, service) for term, line in page.terms]
        references += [TermRef(target, page.path, line, service) for target, line in page.refs]
    glossary_path = GLOSSARY_DOC + settings.source_suffix
    report.findings.extend(glossary_findings(definitions, references, glossary_path,
                                             undefined=undefined_terms))

    defined = {d.term.lower(): d.term for d in definitions}
    by_service: dict[str | None, list[tuple[str, Page]]] = {}  # one pass, not one per service
    for path, page in report.pages.items():
        by_service.setdefault(service_of(path), []).append((path, page))
    for name, counts in report.services.items():
        generated = generated_pages(root, counts.meta)
        for path, page in by_service.get(name, ()):
            counts.pages += 1
            counts.placeholders += len(page.placeholders)
            local = path[len(prefix) + len(name) + 1:]
            rendered = generated.get(local)
            if page.imported_stub or (rendered is not None and rendered == _undated(
                    (root / path).read_text(encoding="utf-8"))):
                counts.stubs.append(local)
            for target, _line in page.refs:
                term = defined.get(target.lower())
                if term and term not in counts.terms_used:
                    counts.terms_used.append(term)
        counts.terms_used.sort(key=str.lower)
    for finding in report.findings:
        counts = report.services.get(finding.service or "")
        if counts and finding.subtype == "template":
            if "required page" in finding.message:
                counts.missing_pages += 1
            else:
                counts.missing_sections += 1
    report.findings = sorted(
        (f for f in report.findings if not settings.suppressed(f.subtype)),
        key=lambda f: (f.service or "", f.path, f.line or 0, f.subtype, f.message))
    return report


# -- output ---------------------------------------------------------------------------------

def report_json(report: Report) -> dict[str, Any]:
    """The documented JSON document of ``docscenter check --format json``."""
    return {
        "schema": "docscenter-check",
        "version": SCHEMA_VERSION,
        "center": str(report.root),
        "clean": not report.findings,
        "findings": [asdict(f) for f in report.findings],
        "services": {
            name: {"title": s.meta.title, "pages": s.pages, "stubs": s.stubs,
                   "placeholders": s.placeholders,
                   "findings": sum(1 for f in report.findings if f.service == name)}
            for name, s in sorted(report.services.items())
        },
    }


def report_text(report: Report) -> str:
    """Findings grouped by service (center-wide pages first), then a one-line summary."""
    out: list[str] = []
    groups: dict[str | None, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.service, []).append(finding)
    for service in sorted(groups, key=lambda s: (s is not None, s or "")):
        label = "center-wide pages" if service is None else (
            f"service {service} ({report.services[service].meta.title})"
            if service in report.services else f"service {service}")
        out.append(f"{label}: {len(groups[service])} finding(s)")
        for finding in groups[service]:
            out.append(f"  {finding.location()}: [{finding.subtype}] {finding.message}")
        out.append("")
    stubs = sum(len(s.stubs) for s in report.services.values())
    placeholders = sum(s.placeholders for s in report.services.values())
    verdict = f"{len(report.findings)} finding(s)" if report.findings else "no findings"
    out.append(f"{verdict} in {len(report.services)} service(s); {stubs} stub page(s) and "
               f"{placeholders} placeholder(s) left (see docscenter status)")
    return "\n".join(out)


def run_check(center: Center, output_format: str) -> int:
    """``docscenter check``: print the findings; 0 when clean, 1 when there are findings."""
    report = collect(center.root)
    if output_format == "json":
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    else:
        print(report_text(report))
    return 1 if report.findings else 0
