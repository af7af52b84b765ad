"""Rendering docscenter's templates: a new center (``init``) and a new service
(``new-service``). A center overrides any template file by putting its own copy under
``tools/templates/`` with the same relative path.

Those copies come from a working copy and are not trusted: templates render in Jinja2's
immutable sandbox (no attribute walking to Python internals, no calls that change objects),
and a template that fails or breaks out is one :class:`UsageError` line naming the file."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import rst
from .core.center import Center
from .core.services import EMAIL, SLUG, VERSION, Owner, WikiSource, toml_value
from .errors import UsageError
from .files import new_folder_mode
from .tooling import Requirement, running_requirement
from .values import one_line, python_literal
from .version import __version__

OWNER = re.compile(r"^\s*(?P<name>[^<>]+?)\s*(?:<(?P<email>[^<>\s]+@[^<>\s]+)>)?\s*$")


def template_env(templates_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: the center's own templates (``templates_dir``) first, then the
    built-in ones.

    One environment per templates folder and set of override files, so its compiled
    templates are reused (a build renders every service's pages to spot untouched stubs)."""
    overrides: tuple[tuple[str, int], ...] = ()
    if templates_dir is not None and templates_dir.is_dir():
        overrides = tuple(sorted((p.as_posix(), p.stat().st_mtime_ns)
                                 for p in templates_dir.rglob("*") if p.is_file()))
    return _template_env(templates_dir, overrides)


@functools.lru_cache(maxsize=16)
def _template_env(templates_dir: Path | None,
                  overrides: tuple[tuple[str, int], ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.PackageLoader("docscenter", "templates"))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - the output is reST and TOML, not HTML
    )
    env.filters["rst"] = rst.escape_line
    env.filters["heading"] = lambda text, char="=": "\n".join(rst.heading(text, char))
    env.filters["toml"] = toml_value
    env.filters["py"] = python_literal
    return env


def render(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """Render template ``name``; any failure of the template itself (bad syntax, an unsafe
    attribute or call stopped by the sandbox, an undefined name, runaway recursion) is a
    one-line :class:`UsageError` naming the template file."""
    where = name
    try:
        template = env.get_template(name)
        where = template.filename or name
        return template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or where}:{exc.lineno}"
        problem = exc.message or "syntax error"
    except jinja2.TemplateError as exc:
        problem = exc.message or type(exc).__name__
    except RecursionError:
        problem = "the template recurses without end"
    raise UsageError(f"{where}: template failed: {' '.join(str(problem).split())}")


def parse_owner(text: str) -> Owner:
    """``"Ada Lovelace <ada@example.org>"`` (or just a name) as an Owner."""
    match = OWNER.match(text)
    if not match or not match["name"].strip():
        raise UsageError(f"owner {text!r}: expected 'Name' or 'Name <email@example.org>'")
    return Owner(match["name"], match["email"] or "")


def parse_new_owner(text: str) -> Owner:
    """An ``--owner`` of a new service: a name and a well-formed e-mail address."""
    text = one_line(text, "--owner")
    match = OWNER.match(text)
    if not match or not match["name"].strip() or not EMAIL.match(match["email"] or ""):
        raise UsageError(f"--owner {text!r}: expected 'Name <email@example.org>'")
    return Owner(match["name"], match["email"])


#: Files of a new center that are scripts (written with the execute bits the umask allows).
EXECUTABLES = frozenset({"ci/build"})


def write_tree(files: dict[str, str], target: Path) -> None:
    """Write ``files`` (relative path -> text) into the new folder ``target`` all at once:
    they are rendered into a temporary sibling folder that is renamed into place, so an
    error never leaves a half-written folder behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        # mkdtemp makes the folder private (0700); the center's folders follow the umask.
        os.chmod(staging, new_folder_mode())
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            if relative in EXECUTABLES:
                os.chmod(path, new_folder_mode())  # rwx where the umask allows rw
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_name(name: str, api_versions: Sequence[str] = ()) -> None:
    """Refuse a service name that is not a simple folder name, or a malformed API version."""
    if not SLUG.match(name):
        raise UsageError(
            f"service name {name!r}: use letters, digits, '-' and '_' only (a folder name)"
        )
    for version in api_versions:
        if not VERSION.match(version):
            raise UsageError(f"API version {version!r}: expected numbers such as 1.0 or 2.1")


def render_service(
    center: Center,
    name: str,
    *,
    title: str | None = None,
    summary: str = "",
    owners: Sequence[str] = (),
    api_versions: Sequence[str] = (),
    wiki_pages: Sequence[str] = (),
    lifecycle: str = "development",
) -> dict[str, str]:
    """The files of a new service, rendered but not written (relative path -> text)."""
    check_name(name, api_versions)
    env = template_env(center.templates_dir)
    versions = list(dict.fromkeys(api_versions))
    context = {
        "name": name,
        "title": (title or name.replace("-", " ").replace("_", " ").title()).strip(),
        "summary": summary.strip(),
        "lifecycle": lifecycle,
        "owners": [parse_owner(owner) for owner in owners],
        "api_versions": versions,
        "wiki_pages": [WikiSource(page) for page in wiki_pages],
        "today": dt.date.today().isoformat(),
    }
    files = {
        "service.toml": render(env, "service/service.toml.j2", context),
        "index.rst": render(env, "service/index.rst.j2", context),
        "history.rst": render(env, "service/history.rst.j2", context),
    }
    for version in versions:
        files[f"apis-{version}.rst"] = render(env, "service/apis.rst.j2",
                                              {**context, "version": version})
    return files


#: Asks the writer for a missing value (the prompt's text -> the answer).
Ask = Callable[[str], str]


def new_service(center: Center, name: str, *, title: str | None = None,
                summary: str | None = None, owners: Sequence[str] = (),
                api_versions: Sequence[str] = (), wiki_pages: Sequence[str] = (),
                lifecycle: str = "development", ask: Ask | None = None) -> Path:
    """Render the service template into the center's services folder (``NAME``); refuses to
    overwrite anything.

    A new service checks clean, so it needs a summary and at least one owner with an e-mail
    address: missing ones are asked for with ``ask`` (the command line's prompt, on a
    terminal) or, without it, refused naming the option.
    """
    check_name(name, api_versions)
    target = center.services_dir / name
    if target.exists():
        raise UsageError(f"{target}: service {name!r} already exists")
    title = one_line(title, "--title") if title else None
    summary = one_line(summary or "", "--summary")
    found = [parse_new_owner(owner) for owner in owners]
    pages = [one_line(page, "--wiki-page") for page in wiki_pages]
    missing = [option for option, value in (("--summary", summary), ("--owner", found))
               if not value]
    if missing and ask is None:
        raise UsageError(f"new-service {name}: missing {' and '.join(missing)} (a new service "
                         "needs a one-line summary and an owner 'Name <email@example.org>')")
    if ask is not None and not summary:
        summary = one_line(ask("Summary (one line: what the service does)"), "--summary")
        if not summary:
            raise UsageError(f"new-service {name}: the summary cannot be empty")
    if ask is not None and not found:
        found = [parse_new_owner(ask("Owner (Name <email@example.org>)"))]
    files = render_service(center, name, title=title, summary=summary,
                           owners=[f"{owner.name} <{owner.email}>" for owner in found],
                           api_versions=api_versions, wiki_pages=pages, lifecycle=lifecycle)
    write_tree(files, target)
    return target


CENTER_FILES = {
    "conf.py": "center/conf.py.j2",
    "Makefile": "center/Makefile.j2",
    "requirements.txt": "center/requirements.txt.j2",
    ".hgignore": "center/hgignore.j2",
    "source/index.rst": "center/source/index.rst.j2",
    "source/glossary.rst": "center/source/glossary.rst.j2",
    "source/status.rst": "center/source/status.rst.j2",
    "source/contributing.rst": "center/source/contributing.rst.j2",
    "tools/wiki.toml": "center/tools/wiki.toml.j2",
    "ci/build": "center/ci/build.j2",
    ".github/workflows/docs.yml": "center/ci/github-docs.yml.j2",
    ".gitlab-ci.yml": "center/ci/gitlab-ci.yml.j2",
}


def render_center(title: str, requirement: Requirement | None = None) -> dict[str, str]:
    """The files of a new, empty center; ``requirement`` installs its docscenter (by
    default the one running now)."""
    env = template_env()
    context = {"title": one_line(title, "--title"), "author": "",
               "requirement": requirement or running_requirement(), "version": __version__}
    files = {path: render(env, name, context) for path, name in CENTER_FILES.items()}
    files["services/.keep"] = ""
    files["tools/templates/README.txt"] = (
        "Copies of docscenter template files placed here (same relative path, e.g.\n"
        "service/index.rst.j2) override the built-in ones.\n"
    )
    return files


def init_center(target: Path, title: str, requirement: Requirement | None = None) -> Path:
    """Scaffold a center in ``target``, which must not exist or be empty."""
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: not empty; init needs a new or empty directory")
    files = render_center(title, requirement)
    if target.exists():
        target.rmdir()  # empty: replaced atomically by the rendered tree
    write_tree(files, target)
    return target
