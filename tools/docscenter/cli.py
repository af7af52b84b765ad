"""The ``docscenter`` command line.

Exit status: 0 fine, 1 findings (check found problems, the build had warnings), 2 bad usage
or bad input, with a one-line message naming the file and what is wrong.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .center import Center, UsageError


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
@reports_errors
def init(directory: Path, title: str | None, no_hg: bool) -> None:
    """Scaffold a new documentation center in DIRECTORY."""
    from .scaffold import init_center

    root = init_center(directory, title or directory.resolve().name.replace("-", " ").title())
    click.echo(f"created center {root}")
    if not no_hg:
        from .vcs_setup import setup_repository

        message = setup_repository(root)
        if message:
            click.echo(message)


@main.command("new-service")
@center_option
@click.argument("name")
@click.option("--title", default=None, help="Human title (default: from NAME).")
@click.option("--summary", default="", help="One-line summary: the Goal of the Service.")
@click.option("--owner", "owners", multiple=True, help="'Name <email>'; repeatable.")
@click.option("--api-version", "api_versions", multiple=True, help="Such as 1.0; repeatable.")
@click.option("--wiki-page", "wiki_pages", multiple=True, help="Original wiki page title.")
@click.option("--lifecycle", default="development", show_default=True,
              type=click.Choice(["production", "beta", "development", "deprecated", "retired"]))
@reports_errors
def new_service(name: str, **options: Any) -> None:
    """Render the service template into services/NAME."""
    from .scaffold import new_service as render

    target = render(get_center(), name, **options)
    click.echo(f"created service {name} in {target}")


def sphinx_command(center: Center, builder: str, jobs: str) -> list[str]:
    """The sphinx-build command line docscenter uses: strict, parallel, output under build/."""
    return [sys.executable, "-m", "sphinx", "build", "-b", builder, "-j", jobs,
            "-d", str(center.build_dir / "doctrees"), "-W", "-n", "--keep-going",
            str(center.root), str(center.build_dir / builder)]


@main.command()
@center_option
@click.option("-b", "builder", default="html", show_default=True, help="Sphinx builder.")
@click.option("-j", "jobs", default="auto", show_default=True, help="Parallel jobs.")
@reports_errors
def build(builder: str, jobs: str) -> None:
    """Build the center with Sphinx; warnings are errors (exit 1)."""
    center = get_center()
    result = subprocess.run(sphinx_command(center, builder, jobs), check=False)
    if result.returncode == 0 and builder == "html":
        click.echo(f"open {center.build_dir / 'html' / 'index.html'}")
    sys.exit(min(result.returncode, 2))


#: Paths the live preview never rebuilds for: VCS metadata, virtualenvs, caches, the importer's
#: staging folders and editors' temporary files.
SERVE_IGNORED = (r"/(\.hg|\.git|\.venv|venv|\.tox|__pycache__|\.pytest_cache|\.hypothesis"
                 r"|\.ruff_cache|\.mypy_cache|\.docscenter-import-[^/]*)(/|$)"
                 r"|(\.swp|\.swx|~|\.orig|\.rej|\.pyc)$|/\.#[^/]*$")


@main.command()
@center_option
@click.option("--port", default=8000, show_default=True)
@reports_errors
def serve(port: int) -> None:
    """Live preview: rebuild on change and reload the browser (sphinx-autobuild)."""
    center = get_center()
    build_dir = center.build_dir / "serve"
    command = [
        sys.executable, "-m", "sphinx_autobuild", str(center.root), str(build_dir),
        "--port", str(port), "-n", "-d", str(center.build_dir / "doctrees-serve"),
        # sphinx-autobuild resolves --ignore globs against the working directory, so folder
        # names anywhere below the center are matched with a regular expression instead:
        # commits, status calls and caches must not trigger rebuilds.
        "--ignore", str(center.build_dir),
        "--re-ignore", SERVE_IGNORED,
    ]
    try:
        sys.exit(subprocess.run(command, check=False).returncode)
    except KeyboardInterrupt:  # Ctrl-C is how a preview ends
        sys.exit(0)


format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Human-readable text or JSON for CI.",
)


@main.command()
@center_option
@format_option
@click.option("--hook", is_flag=True, hidden=True,
              help="Run as the commit hook: silent when clean; findings refuse the commit.")
@reports_errors
def check(output_format: str, hook: bool) -> None:
    """Fast checks without a full build: template, metadata, glossary, stubs, links."""
    from .checks import run_check

    if hook:
        from .vcs_setup import run_hook_check

        sys.exit(run_hook_check(get_center()))
    sys.exit(run_check(get_center(), output_format))


@main.command()
@center_option
@format_option
@reports_errors
def status(output_format: str) -> None:
    """The documentation-status table of every service."""
    from .status import run_status

    sys.exit(run_status(get_center(), output_format))


@main.command("install-hook")
@center_option
@reports_errors
def install_hook() -> None:
    """Add the commit hook (runs the fast check) to the center's Hg or Git clone."""
    from .vcs_setup import install_hook as install

    click.echo(install(get_center()))


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
@click.option("--glossary", is_flag=True, help="Add the wiki's glossary terms to the shared "
              "glossary.")
@click.option("--commit", is_flag=True, help="Commit the written stubs (Hg or Git).")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite stubs that were edited since import.")
@format_option
@reports_errors
def import_wiki(**options: Any) -> None:
    """Import MediaWiki pages (Special:Export XML, .wiki files, or an api.php URL) as stubs."""
    from .wiki.importer import run_import

    sys.exit(run_import(get_center(), **options))
