"""The center's configuration: the ``docscenter_*`` values of ``conf.py``, in one dataclass.

Every field of :class:`CenterConfig` is the Sphinx config value ``docscenter_<field>``: the
extension registers them in a loop (:func:`settings`) and validates them at ``config-inited``
(:meth:`CenterConfig.from_values`); the command line reads the same values from ``conf.py``
as data (:func:`read_conf`), never running it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ..errors import UsageError

#: Prefix of every docscenter setting in conf.py.
PREFIX = "docscenter_"
#: What Sphinx must do again when a setting changes: re-read everything, rewrite the HTML,
#: or nothing.
Rebuild = Literal["env", "html", ""]


class ConfigError(UsageError):
    """A ``docscenter_*`` value is not what it should be; one line naming it and why."""


def _folder(value: object) -> str:
    """A folder relative to the center root, in POSIX form without surrounding slashes."""
    if not isinstance(value, str) or not value.strip("/ "):
        raise ValueError("expected a folder relative to the center root, such as 'services'")
    path = PurePosixPath(value.strip())
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError(f"{value!r} must be a folder inside the center (relative, no '..')")
    return path.as_posix().strip("/")


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(
            isinstance(item, str) and item.strip() for item in value):
        raise ValueError("expected a list of page names such as ['index', 'history']")
    return tuple(item.strip() for item in value)


def _pages(value: object) -> tuple[str, ...] | None:
    return None if value is None else _names(value)


def _sections(value: object) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ValueError("expected a dict such as {'index': ['Goal of the Service']}")
    try:
        return {page: _names(titles) for page, titles in value.items()}
    except ValueError:
        raise ValueError("expected a dict such as {'index': ['Goal of the Service']}") from None


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected True or False")
    return value


def _urls(value: object) -> Mapping[str, str]:
    # Its keys and URL templates are checked by the page history component, which leaves a
    # bad link out with a warning rather than stopping the build.
    if not isinstance(value, dict):
        raise ValueError('expected a dict such as '
                         '{"history": "https://hg.example.org/center/log/tip/{path}"}')
    return dict(value)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")


def _schemes(value: object) -> tuple[str, ...]:
    """URI schemes, lower case, without the colon."""
    if not isinstance(value, list | tuple) or not all(
            isinstance(item, str) and _SCHEME.match(item.strip().lower()) for item in value):
        raise ValueError("expected a list of URI schemes such as ['http', 'https', 'mailto']")
    return tuple(dict.fromkeys(item.strip().lower() for item in value))


def _setting(default: Any, check: Callable[[object], Any], types: tuple[type, ...],
             rebuild: Rebuild, doc: str, *, cli: bool = False) -> Any:
    """A field of :class:`CenterConfig`: its default, how a raw value is checked and
    normalised, the types Sphinx expects, when Sphinx must rebuild after a change, what it
    means, and whether the command line uses it (then conf.py must give it as a literal)."""
    metadata = {"check": check, "types": types, "rebuild": rebuild, "doc": doc, "cli": cli}
    if isinstance(default, dict):
        return field(default_factory=dict, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class CenterConfig:
    """The ``docscenter_*`` settings of a center, validated."""

    services_dir: str = _setting(
        "services", _folder, (str,), "env", "Folder holding one folder per service.", cli=True)
    templates_dir: str = _setting(
        "tools/templates", _folder, (str,), "",
        "Folder whose template files override the built-in ones (same relative path).",
        cli=True)
    build_dir: str = _setting(
        "build", _folder, (str,), "", "Where docscenter build and serve write their output.",
        cli=True)
    required_pages: tuple[str, ...] | None = _setting(
        None, _pages, (list, tuple, type(None)), "env",
        "The pages every service must have (None: those of the service template).", cli=True)
    required_sections: Mapping[str, tuple[str, ...]] | None = _setting(
        None, _sections, (dict, type(None)), "env",
        "Section titles a page must have, by page (replacing the template's).", cli=True)
    front_redirect: bool = _setting(
        True, _flag, (bool,), "html", "Write an index.html at the top that opens the front page.")
    vcs_web: Mapping[str, str] = _setting(
        {}, _urls, (dict,), "html", "URL templates of the repository's web view (history, source, "
        "changeset, edit) linked from every page.")
    vcs_web_auto: bool = _setting(
        True, _flag, (bool,), "html", "Without docscenter_vcs_web, derive the web view from the "
        "repository's default remote (GitHub, GitLab, Bitbucket, Heptapod, hgweb).")
    page_history: bool = _setting(
        True, _flag, (bool,), "html", "End every page with when and by whom it last changed.")
    release: bool = _setting(
        False, _flag, (bool,), "", "Build for release: every XXX/TODO placeholder and every "
        "page still exactly as generated or imported is a finding (docscenter build "
        "--release sets it for one build).", cli=True)
    allowed_uri_schemes: tuple[str, ...] = _setting(
        ("http", "https", "mailto"), _schemes, (list, tuple), "env",
        "URI schemes a link, image or download may have (relative addresses always may); "
        "the build unlinks any other, and the importer links only these.", cli=True)

    @classmethod
    def from_values(cls, values: Mapping[str, object], where: str = "conf.py") -> CenterConfig:
        """The configuration from raw ``docscenter_<field>`` values (absent ones keep their
        defaults); a wrong value is a :class:`ConfigError` naming ``where`` and the setting."""
        checked: dict[str, Any] = {}
        for item in fields(cls):
            name = PREFIX + item.name
            if name in values:
                try:
                    checked[item.name] = item.metadata["check"](values[name])
                except ValueError as exc:
                    raise ConfigError(f"{where}: {name} = {values[name]!r}: {exc}") from None
        return cls(**checked)


@dataclass(frozen=True)
class Setting:
    """One setting as Sphinx registers it."""

    name: str  # docscenter_<field>
    default: Any
    rebuild: Rebuild
    types: tuple[type, ...]
    doc: str


def settings() -> Iterator[Setting]:
    """Every ``docscenter_*`` setting with its default in the form conf.py writes it."""
    defaults = CenterConfig()
    for item in fields(CenterConfig):
        default = getattr(defaults, item.name)
        if isinstance(default, Mapping):
            default = dict(default)
        yield Setting(PREFIX + item.name, default, item.metadata["rebuild"],
                      item.metadata["types"], item.metadata["doc"])


# -- conf.py as data ------------------------------------------------------------------------

@dataclass(frozen=True)
class ConfValues:
    """What the command line takes from ``conf.py``: the center's settings and the two Sphinx
    settings it honours."""

    config: CenterConfig = field(default_factory=CenterConfig)
    source_suffix: str = ".rst"
    suppress_warnings: tuple[str, ...] = ()


def _assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name):
                yield node.target.id, node.value


def first_suffix(value: object) -> str:
    """The main source suffix of a ``source_suffix`` value (a string, a list or a dict)."""
    if isinstance(value, dict):
        value = next(iter(value), ".rst")
    elif isinstance(value, list | tuple):
        value = value[0] if value else ".rst"
    return str(value)


def read_conf(path: Path) -> ConfValues:
    """The literal top-level assignments of ``conf.py`` that docscenter uses.

    conf.py is parsed, not executed: reading a center must not run its code. A setting the
    command line uses must then be a literal (an error otherwise, naming its line); Sphinx's
    own values that are not literals keep their defaults.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid Python ({exc.msg})") from None
    used_by_cli = {PREFIX + item.name for item in fields(CenterConfig) if item.metadata["cli"]}
    values: dict[str, object] = {}
    for name, node in _assignments(tree):
        try:
            values[name] = ast.literal_eval(node)
        except ValueError:
            if name in used_by_cli:
                raise ConfigError(f"{path}:{node.lineno}: {name}: not a literal value (the "
                                  "command line reads conf.py without running it)") from None
            values.pop(name, None)
    suppress = values.get("suppress_warnings", ())
    return ConfValues(
        config=CenterConfig.from_values(values, str(path)),
        source_suffix=first_suffix(values.get("source_suffix", ".rst")),
        suppress_warnings=tuple(str(item) for item in suppress)
        if isinstance(suppress, list | tuple) else (),
    )
