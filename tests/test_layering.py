"""The package's layers, read from its source with ``ast``: every import counts, also those
inside functions and under ``TYPE_CHECKING``.

- ``docscenter.core`` (the center model, the rules) imports no adapter, no feature module and
  no front-end library;
- only the command line imports click, and nothing imports the command line;
- only the package's ``setup()`` imports the Sphinx extension from outside it;
- the wiki importer never imports click, the command line or the extension;
- no module imports itself back through others (no import cycle);
- and every module imports on its own.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import docscenter

PACKAGE = Path(docscenter.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules an ``from ... import ...`` names (a submodule when the name is one)."""
    if node.level:
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names]


def imports(module: str) -> set[str]:
    """Every module ``module`` imports, anywhere in its source."""
    path = MODULES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, path, node))
    return found


GRAPH = {module: imports(module) for module in MODULES}
FRONT_ENDS = ("click", "sphinx", "docutils", "jinja2", "mwparserfromhell")


def _within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_the_graph_sees_imports_inside_functions() -> None:
    # cli imports its commands' modules lazily; the graph must see them.
    assert "docscenter.wiki.importer" in GRAPH["docscenter.cli"]
    assert "docscenter.core.center" in GRAPH["docscenter.cli"]


def test_core_imports_only_the_model() -> None:
    for module, names in GRAPH.items():
        if not _within(module, "docscenter.core"):
            continue
        ours = {n for n in names if _within(n, "docscenter")}
        assert all(_within(n, "docscenter.core", "docscenter.errors") for n in ours), (
            module, sorted(ours))
        assert not {n for n in names if _within(n, *FRONT_ENDS)}, module


def test_only_the_command_line_imports_click_and_nothing_imports_it() -> None:
    for module, names in GRAPH.items():
        if module not in ("docscenter.cli", "docscenter.__main__"):
            assert not {n for n in names if _within(n, "click", "docscenter.cli")}, module


def test_the_extension_is_imported_only_by_setup() -> None:
    for module, names in GRAPH.items():
        if module != "docscenter" and not _within(module, "docscenter.sphinxext"):
            assert not {n for n in names if _within(n, "docscenter.sphinxext")}, module


def test_the_importer_stays_below_the_adapters() -> None:
    for module, names in GRAPH.items():
        if _within(module, "docscenter.wiki"):
            assert not {n for n in names if _within(
                n, "click", "sphinx", "docscenter.cli", "docscenter.sphinxext")}, module


def _cycle() -> list[str] | None:
    """One import cycle among the package's modules, or None."""
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> list[str] | None:
        if module in trail:
            return [*trail[trail.index(module):], module]
        if module in done:
            return None
        for name in sorted(GRAPH[module]):
            if name in GRAPH and (cycle := visit(name, [*trail, module])):
                return cycle
        done.add(module)
        return None

    for module in GRAPH:
        if cycle := visit(module, []):
            return cycle
    return None


def test_no_import_cycles() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_a_cycle_would_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAPH, "docscenter.core.findings",
                        GRAPH["docscenter.core.findings"] | {"docscenter.core.check"})
    assert _cycle() is not None


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"docscenter.__main__"}))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)
