"""Rendering docscenter's templates: a new center (``init``) and a new service
(``new-service``). A center overrides any template file by putting its own copy under
``tools/templates/`` with the same relative path."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import rst
from .center import Center, UsageError
from .services import SLUG, VERSION, Owner, toml_value

OWNER = re.compile(r"^\s*(?P<name>[^<>]+?)\s*(?:<(?P<email>[^<>\s]+@[^<>\s]+)>)?\s*$")


def template_env(center_root: Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: the center's ``tools/templates`` first, then the built-in ones.

    One environment per center and set of override files, so its compiled templates are
    reused (the status dashboard renders every service's pages to spot untouched stubs)."""
    overrides: tuple[tuple[str, int], ...] = ()
    if center_root is not None and (center_root / "tools" / "templates").is_dir():
        overrides = tuple(sorted((p.as_posix(), p.stat().st_mtime_ns) for p in (
            center_root / "tools" / "templates").rglob("*") if p.is_file()))
    return _template_env(center_root, overrides)


@functools.lru_cache(maxsize=16)
def _template_env(center_root: Path | None,
                  overrides: tuple[tuple[str, int], ...]) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if center_root is not None:
        loaders.append(jinja2.FileSystemLoader(center_root / "tools" / "templates"))
    loaders.append(jinja2.PackageLoader("docscenter", "templates"))
    env = jinja2.Environment(
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
    env.filters["py"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def parse_owner(text: str) -> Owner:
    """``"Ada Lovelace <ada@example.org>"`` (or just a name) as an Owner."""
    match = OWNER.match(text)
    if not match or not match["name"].strip():
        raise UsageError(f"owner {text!r}: expected 'Name' or 'Name <email@example.org>'")
    return Owner(match["name"], match["email"] or "")


def write_tree(files: dict[str, str], target: Path) -> None:
    """Write ``files`` (relative path -> text) into the new folder ``target`` all at once:
    they are rendered into a temporary sibling folder that is renamed into place, so an
    error never leaves a half-written folder behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@dataclass(frozen=True)
class WikiRef:
    title: str
    url: str = ""


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
    if not SLUG.match(name):
        raise UsageError(
            f"service name {name!r}: use letters, digits, '-' and '_' only (a folder name)"
        )
    for version in api_versions:
        if not VERSION.match(version):
            raise UsageError(f"API version {version!r}: expected numbers such as 1.0 or 2.1")
    env = template_env(center.root)
    context = {
        "name": name,
        "title": (title or name.replace("-", " ").replace("_", " ").title()).strip(),
        "summary": summary.strip(),
        "lifecycle": lifecycle,
        "owners": [parse_owner(owner) for owner in owners],
        "api_versions": list(dict.fromkeys(api_versions)),
        "wiki_pages": [WikiRef(page) for page in wiki_pages],
        "today": dt.date.today().isoformat(),
    }
    files = {
        "service.toml": env.get_template("service/service.toml.j2").render(context),
        "index.rst": env.get_template("service/index.rst.j2").render(context),
        "history.rst": env.get_template("service/history.rst.j2").render(context),
    }
    for version in context["api_versions"]:
        files[f"apis-{version}.rst"] = env.get_template("service/apis.rst.j2").render(
            context, version=version
        )
    return files


def new_service(center: Center, name: str, **options: object) -> Path:
    """Render the service template into ``services/NAME``; refuses to overwrite anything."""
    files = render_service(center, name, **options)  # type: ignore[arg-type]
    target = center.services_dir / name
    if target.exists():
        raise UsageError(f"{target}: service {name!r} already exists")
    write_tree(files, target)
    return target


CENTER_FILES = {
    "conf.py": "center/conf.py.j2",
    "Makefile": "center/Makefile.j2",
    ".hgignore": "center/hgignore.j2",
    "source/index.rst": "center/source/index.rst.j2",
    "source/glossary.rst": "center/source/glossary.rst.j2",
    "source/status.rst": "center/source/status.rst.j2",
    "source/contributing.rst": "center/source/contributing.rst.j2",
    "tools/wiki.toml": "center/tools/wiki.toml.j2",
}


def render_center(title: str) -> dict[str, str]:
    """The files of a new, empty center."""
    env = template_env()
    context = {"title": title, "author": ""}
    files = {path: env.get_template(name).render(context) for path, name in CENTER_FILES.items()}
    files["services/.keep"] = ""
    files["tools/templates/README.txt"] = (
        "Copies of docscenter template files placed here (same relative path, e.g.\n"
        "service/index.rst.j2) override the built-in ones.\n"
    )
    return files


def init_center(target: Path, title: str) -> Path:
    """Scaffold a center in ``target``, which must not exist or be empty."""
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: not empty; init needs a new or empty directory")
    files = render_center(title)
    if target.exists():
        target.rmdir()  # empty: replaced atomically by the rendered tree
    write_tree(files, target)
    return target
