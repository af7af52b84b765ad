"""The ``docscenter`` command line.

Exit status: 0 fine, 1 findings (check found problems, the build had warnings), 2 bad usage
or bad input, with a one-line message naming the file and what is wrong.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .core.center import Center
from .errors import UsageError
from .version import __version__

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar as ClickProgressBar

    from .core.check import CheckReport


class Failure(click.ClickException):
    """A one-line error and exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"docscenter: error: {self.message}", err=True)


def _remember_center(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta["docscenter.center_dir"] = value


center_option = click.option(
    "-C", "center_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
    expose_value=False, is_eager=True, callback=_remember_center,
    help="The center (default: the nearest folder upward whose conf.py loads docscenter).",
)


def get_center() -> Center:
    ctx = click.get_current_context()
    return Center.find(ctx.meta.get("docscenter.center_dir"))


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn UsageError (bad usage or input) into a one-line message and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            raise Failure(str(exc)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docscenter")
@center_option
def main() -> None:
    """Generate, import into, check and build Sphinx documentation centers."""


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The center's title (default: the folder name).")
@click.option("--no-hg", is_flag=True, help="Do not create a Mercurial repository.")
@click.option("--docscenter-requirement", "requirement", metavar="SPEC", default=None,
              help="The pip requirement requirements.txt installs docscenter with (default: "
              "where the running docscenter came from).")
@reports_errors
def init(directory: Path, title: str | None, no_hg: bool, requirement: str | None) -> None:
    """Scaffold a new documentation center in DIRECTORY."""
    from .scaffold import init_center
    from .tooling import center_requirement

    if not no_hg:
        from .vcs_setup import check_repository_path

        check_repository_path(directory)
    chosen = center_requirement(requirement)
    root = init_center(directory, title or directory.resolve().name.replace("-", " ").title(),
                       chosen)
    click.echo(f"created center {root}")
    if chosen.local:
        click.echo("note: requirements.txt names docscenter by a location only this machine "
                   "can reach; change it (see its comment) before other machines or CI build")
    if not no_hg:
        from .vcs_setup import setup_repository

        message = setup_repository(root)
        if message:
            click.echo(message)


@main.command("new-service")
@center_option
@click.argument("name")
@click.option("--title", default=None, help="Human title (default: from NAME).")
@click.option("--summary", default=None, help="One-line summary: the Goal of the Service "
              "(required; asked for on a terminal).")
@click.option("--owner", "owners", multiple=True, help="'Name <email>'; repeatable; at least "
              "one (asked for on a terminal).")
@click.option("--api-version", "api_versions", multiple=True, help="Such as 1.0; repeatable.")
@click.option("--wiki-page", "wiki_pages", multiple=True, help="Original wiki page title.")
@click.option("--lifecycle", default="development", show_default=True,
              type=click.Choice(["production", "beta", "development", "deprecated", "retired"]))
@reports_errors
def new_service(name: str, **options: Any) -> None:
    """Render the service template into services/NAME."""
    from .scaffold import new_service as render

    ask = (lambda text: str(click.prompt(text))) if sys.stdin.isatty() else None
    target = render(get_center(), name, ask=ask, **options)
    click.echo(f"created service {name} in {target}")


def sphinx_command(center: Center, builder: str, jobs: str,
                   release: bool = False) -> list[str]:
    """The sphinx-build command of ``docscenter build``: output under build/<builder>."""
    from .sphinx_build import sphinx_command as command

    return command(center, builder, jobs, center.build_dir / builder,
                   center.build_dir / "doctrees", release=release)


release_option = click.option(
    "--release", is_flag=True, help="Also refuse XXX/TODO placeholders and pages still "
    "exactly as generated or imported (as docscenter_release = True does).")


def for_release(center: Center, release: bool) -> Center:
    """``center`` checked as for release when ``release`` (else as its conf.py says)."""
    if not release:
        return center
    return dataclasses.replace(center, config=dataclasses.replace(center.config, release=True))


@main.command()
@center_option
@click.option("-b", "builder", default="html", show_default=True, help="Sphinx builder.")
@click.option("-j", "jobs", default="auto", show_default=True, help="Parallel jobs.")
@click.option("--shard", is_flag=True, help="Build only the SERVICES named, as a shard for "
              "docscenter assemble.")
@click.option("--part", metavar="K/N", default=None, help="Build part K of N of the services "
              "as a shard.")
@click.argument("services", nargs=-1)
@release_option
@reports_errors
def build(builder: str, jobs: str, shard: bool, part: str | None,
          services: tuple[str, ...], release: bool) -> None:
    """Build the center with Sphinx; warnings are errors (exit 1).

    With --shard SERVICE... or --part K/N: build those services into build/shards/ for
    docscenter assemble."""
    center = get_center()
    with _build_lock(center):
        if shard or part or services:
            sys.exit(_build_shard(center, builder, jobs, services, part, shard, release))
        result = subprocess.run(sphinx_command(center, builder, jobs, release), check=False)
    if result.returncode == 0 and builder == "html":
        click.echo(f"open {center.build_dir / 'html' / 'index.html'}")
    sys.exit(min(result.returncode, 2))


def _build_shard(center: Center, builder: str, jobs: str, names: tuple[str, ...],
                 part: str | None, shard: bool, release: bool) -> int:
    """``build --shard SERVICE...`` or ``build --part K/N``."""
    from .shards.run import build_shard, shard_services

    if builder != "html":
        raise UsageError(f"build --shard -b {builder}: shards are built as HTML only")
    if names and not shard and part is None:
        raise UsageError("build: name services with --shard (a shard for docscenter assemble)")
    done = build_shard(center, shard_services(center, names, part), jobs, release)
    if not done.services:
        click.echo(f"part {part}: no services, nothing to build", err=True)
    else:
        click.echo(f"shard {done.folder.name}: {len(done.services)} service(s) "
                   + ("built" if done.returncode == 0 else "failed"), err=True)
    return done.returncode


@main.command()
@center_option
@click.option("-j", "jobs", default="auto", show_default=True, help="Parallel jobs.")
@release_option
@reports_errors
def assemble(jobs: str, release: bool) -> None:
    """Join the shards under build/shards into one site in build/html: the center's own
    pages are built, the shards' pages, inventories and search indexes added."""
    from .shards.run import assemble as join

    center = get_center()
    with _build_lock(center):
        done = join(center, jobs, release)
    for warning in done.warnings:
        click.echo(warning, err=True)
    if done.returncode == 0:
        click.echo(f"assembled {done.shards} shard(s): open {done.html / 'index.html'}")
    sys.exit(done.returncode)


@main.command()
@center_option
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1; 0 picks a "
              "free one.")
@reports_errors
def serve(port: int) -> None:
    """Live preview: rebuild on change and reload the browser (sphinx-autobuild).

    Exit status: 0 when stopped (Ctrl-C, SIGTERM), 1 when the preview server failed, 2 on bad
    usage (the port is taken)."""
    from .serve import run_serve

    sys.exit(run_serve(get_center(), port, click.echo))


format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Human-readable text or JSON for CI.",
)


def _show(document: dict[str, Any] | str) -> None:
    """Print a report: JSON documents indented, text as it is."""
    if isinstance(document, str):
        click.echo(document)
    else:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _check(center: Center) -> CheckReport:
    from .core.check import check as run_rules
    from .indexing import scan_center

    return run_rules(scan_center(center, cached=True))


def _recover(center: Center) -> None:
    """Finish or roll back an import that was interrupted, saying so on stderr (``check``,
    ``status`` and ``import-wiki`` start with it, the build too)."""
    from .wiki.transaction import recover_if_needed

    done = recover_if_needed(center.root, on_wait=_say_waiting)
    if done is not None:
        click.echo(f"docscenter: {done.message()}", err=True)


def _say_waiting(message: str) -> None:
    click.echo(f"docscenter: {message}", err=True)


@contextlib.contextmanager
def _build_lock(center: Center) -> Iterator[None]:
    """The build's hold on the center: an interrupted import rolled back first, then the lock
    held shared, so that an import running now is waited for (or named, in one line) here
    rather than in Sphinx's own words. A center no import ever ran in has nothing to lock."""
    from .locking import center_lock, command_line
    from .state import state_dir

    if not state_dir(center.root).is_dir():
        yield
        return
    _recover(center)
    with center_lock(center.root, command_line(), shared=True, on_wait=_say_waiting):
        yield


@main.command()
@center_option
@format_option
@click.option("--hook", is_flag=True, hidden=True,
              help="Run as the commit hook: silent when clean; findings refuse the commit.")
@release_option
@reports_errors
def check(output_format: str, hook: bool, release: bool) -> None:
    """Fast checks without a full build: template, metadata, glossary, stubs, links."""
    from .core.check import report_json, report_text

    center = get_center()
    if hook:
        sys.exit(_hook(center))
    _recover(center)
    report = _check(for_release(center, release))
    _show(report_json(report) if output_format == "json" else report_text(report))
    sys.exit(1 if report.findings else 0)


def _hook(center: Center) -> int:
    """``check --hook``: the center as the commit being made holds it (see
    :func:`~docscenter.indexing.committed_center`); silent when it is clean, otherwise the
    findings, that the commit is refused and how to bypass the hook once, on stderr, and
    status 1."""
    from .core.check import report_text
    from .indexing import committed_center
    from .locking import HOLDER_ENV
    from .vcs_setup import refusal
    from .wiki.transaction import needs_recovery

    try:
        if needs_recovery(center.root) and \
                os.environ.get(HOLDER_ENV) != str(center.root.resolve()):
            raise UsageError(f"{center.root}: an import was interrupted or is running: let it "
                             "finish, or run docscenter recover, then commit")
        with committed_center(center) as committed:
            # Work in progress is committed with its placeholders: release findings are CI's.
            unfinished = dataclasses.replace(committed.config, release=False)
            report = _check(dataclasses.replace(committed, config=unfinished))
        if not report.findings:
            return 0
        found = report_text(report)
    except UsageError as exc:  # a center that cannot be checked: refuse too, saying why
        found = str(exc)
    click.echo(refusal(center, found), err=True, nl=False)
    return 1


@main.command()
@center_option
@format_option
@reports_errors
def status(output_format: str) -> None:
    """The documentation-status table of every service.

    Exit status 1 when a service's metadata is broken (its row says ERROR and the findings
    follow the table, as check prints them)."""
    from .core.status import service_rows, status_json, status_text, totals
    from .indexing import service_changes

    center = get_center()
    _recover(center)
    report = _check(center)
    rows = service_rows(report.index, report.services, service_changes(center))
    total = totals(rows)
    _show(status_json(center.root, rows, total) if output_format == "json"
          else status_text(rows, total))
    sys.exit(1 if total["services_with_errors"] else 0)  # a row that cannot be trusted


@main.command("install-hook")
@center_option
@click.option("--quiet", is_flag=True, help="Say nothing, and never fail (for make targets): "
              "outside a repository, or beside another tool's Git hook, do nothing.")
@reports_errors
def install_hook(quiet: bool) -> None:
    """Add the commit hook (checks what each commit holds) to the center's Hg or Git clone;
    again to update it (idempotent)."""
    from .vcs_setup import install_hook as install

    try:
        message = install(get_center())
    except UsageError:
        if quiet:
            return
        raise
    if not quiet:
        click.echo(message)


@main.command()
@center_option
@reports_errors
def recover() -> None:
    """Roll back an import that was interrupted (killed, or the machine stopped), as
    import-wiki, check, status and build do by themselves when they find one."""
    from .wiki.transaction import recover_if_needed

    done = recover_if_needed(get_center().root, on_wait=_say_waiting)
    click.echo(done.message() if done is not None else "no interrupted import: nothing to do")


@main.command("import-wiki")
@center_option
@click.argument("sources", nargs=-1)
@click.option("--service", default=None, help="Send every page to this service.")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The import manifest (default: tools/wiki.toml when present).")
@click.option("--wiki-url", default=None, help="Article URL of the wiki, e.g. "
              "https://wiki.example.org/wiki/$1 (links to pages not imported).")
@click.option("--page", "pages", multiple=True, help="With an api.php URL: a page title.")
@click.option("--prefix", default=None, help="With an api.php URL: every page whose title "
              "starts with this.")
@click.option("--redirect-host", "redirect_hosts", multiple=True, help="Another host the "
              "api.php URL may redirect to (repeatable); others are refused.")
@click.option("--files", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The wiki's files (images, attachments) in a folder beside a dump "
              "(default: the manifest's [wiki] files).")
@click.option("--glossary/--no-glossary", default=None, help="Add the wiki's glossary terms to "
              "the shared glossary and refer to them (default: as each page was imported "
              "last time).")
@click.option("--commit", is_flag=True, help="Commit the written stubs (Hg or Git).")
@click.option("--history", is_flag=True, help="With --commit: first commit every wiki revision "
              "of the new pages, with the wiki's author, date and edit summary.")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", "force", multiple=True, is_flag=False, flag_value="*",
              metavar="[TITLE|GLOB]", help="Overwrite edited stubs instead of merging (the "
              "edit is kept as a backup): alone, every page; with a title or a glob "
              "('Services/Token*'), those pages; repeatable.")
@format_option
@reports_errors
def import_wiki(output_format: str, **options: Any) -> None:
    """Import MediaWiki pages (Special:Export XML, .wiki files, or an api.php URL) as stubs."""
    from .wiki.importer import ImportRequest
    from .wiki.importer import import_wiki as run
    from .wiki.report import report_json, report_text

    center = get_center()
    with ProgressBar("converting") as bar:
        report = run(center, ImportRequest(**options), bar.update, on_wait=_say_waiting)
    _show(report_json(report) if output_format == "json" else report_text(report))
    # Pages were asked for that could not be imported as converted, or files a source has
    # were refused.
    sys.exit(1 if report.incomplete else 0)


class ProgressBar:
    """click's progress bar behind a ``progress(done, total)`` callback, on stderr; shown on a
    terminal, for 20 items or more."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._stack = contextlib.ExitStack()
        self._bar: ClickProgressBar[int] | None = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = self._stack.enter_context(click.progressbar(
                length=total, label=self.label, file=sys.stderr,
                hidden=total < 20 or not sys.stderr.isatty()))
        self._bar.update(done - self._bar.pos)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
