"""Values from the command line in generated files: ``init --title`` in conf.py and the
Makefile, ``new-service`` values in service.toml, the center's path in the commit hooks, and
service values in report text. Each writer escapes with a serialiser, refuses (exit 2, one line,
nothing written) what its file cannot hold, and the file reads back to the same value."""

from __future__ import annotations

import ast
import html
import os
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docscenter import vcs
from docscenter.core.services import toml_value
from docscenter.values import printable, python_literal
from docscenter.vcs_setup import hook_script
from helpers import add_service, run_cli, snapshot

MARKER = "docscenter-code-ran"
# A title that ends the docstring, runs code, breaks string literals, make and Jinja2.
HOSTILE_TITLE = (f'Ops """ + __import__("os").system("touch {MARKER}") + """ \\ \' " '
                 f'$(shell touch {MARKER}) {{{{ 7*7 }}}} .. raw:: html <b>bold</b> `x`_')
# (A NUL cannot come through a command line; see test_a_nul_is_refused_by_the_writers.)
LINE_BREAKERS = ["two\nlines", "carriage\rreturn", "escape\x1b[31mred", "separator\u2028line"]


def plain(page: str) -> str:
    """The text of an HTML page as a reader sees it: line-break opportunities (``<wbr>``)
    dropped, entities decoded, typographic quotes (Sphinx's smartquotes) back to straight
    ones."""
    text = html.unescape(page.replace("<wbr>", ""))
    for curly, straight in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"),
                            ("\u2019", "'")):
        text = text.replace(curly, straight)
    return text


def test_a_hostile_title_stays_text_in_conf_py_the_makefile_and_the_html(
        tmp_path: Path) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", HOSTILE_TITLE, "--no-hg", cwd=tmp_path)
    tree = ast.parse((root / "conf.py").read_text(encoding="utf-8"))
    values = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
              and isinstance(node.value, ast.Constant)}
    assert values["project"] == HOSTILE_TITLE and values["author"] == HOSTILE_TITLE
    assert HOSTILE_TITLE not in (ast.get_docstring(tree) or "")
    assert "Ops" not in (root / "Makefile").read_text(encoding="utf-8")
    add_service(root, "storage", "--title", HOSTILE_TITLE)

    run_cli("-C", root, "build", "-j", "1", cwd=tmp_path)
    assert not list(tmp_path.rglob(MARKER)) and not (Path.cwd() / MARKER).exists()
    for page in ("source/index.html", "services/storage/index.html"):
        raw = (root / "build/html" / page).read_text(encoding="utf-8")
        assert "<b>bold</b>" not in raw and "raw:: html" in raw, page
        assert f"<h1>{HOSTILE_TITLE}" in plain(raw), page


@pytest.mark.parametrize("title", LINE_BREAKERS)
def test_a_title_no_file_can_hold_is_refused(tmp_path: Path, title: str) -> None:
    result = run_cli("init", tmp_path / "center", "--title", title, check=2)
    assert result.stderr.startswith("docscenter: error: --title ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "center").exists()


SERVICE_VALUES = {
    "--title": 'Sto"rage \\ """ \'\'\' [table] = x',
    "--summary": 'Keeps "data" \\n safe.\ntitle = "not a line break: escaped by the shell"',
    "--owner": 'Ada "The Countess" Lovelace <ada@example.org>',
}


def test_service_values_round_trip_through_service_toml(center: Path) -> None:
    summary = SERVICE_VALUES["--summary"].replace("\n", " ")
    run_cli("-C", center, "new-service", "storage", "--title", SERVICE_VALUES["--title"],
            "--summary", summary, "--owner", SERVICE_VALUES["--owner"],
            "--wiki-page", 'Services/"Storage" \\ [[x]]')
    data = tomllib.loads((center / "services/storage/service.toml").read_text("utf-8"))
    assert data["title"] == SERVICE_VALUES["--title"]
    assert data["summary"] == summary
    assert data["owners"] == [{"name": 'Ada "The Countess" Lovelace',
                               "email": "ada@example.org"}]
    assert data["wiki_pages"][0]["title"] == 'Services/"Storage" \\ [[x]]'
    assert set(data) == {"title", "summary", "lifecycle", "owners", "server_repo",
                         "client_repo", "ci_url", "api_versions", "wiki_pages"}
    assert "no findings" in run_cli("-C", center, "check").stdout


@pytest.mark.parametrize("option", ["--title", "--summary", "--owner", "--wiki-page"])
@pytest.mark.parametrize("value", LINE_BREAKERS)
def test_service_values_no_file_can_hold_are_refused(center: Path, option: str,
                                                     value: str) -> None:
    values = {"--summary": "S.", "--owner": "Ada <ada@example.org>",
              option: value + (" <ada@example.org>" if option == "--owner" else "")}
    before = snapshot(center)
    result = run_cli("-C", center, "new-service", "storage",
                     *[part for pair in values.items() for part in pair], check=2)
    assert result.stderr.startswith(f"docscenter: error: {option} ")
    assert result.stderr.count("\n") == 1
    assert snapshot(center) == before


@given(st.text())
def test_toml_value_round_trips_any_text(text: str) -> None:
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        return  # not text a TOML (UTF-8) file can hold; refused before writing
    assert tomllib.loads(f"v = {toml_value(text)}\n")["v"] == text


@given(st.text())
def test_python_literal_round_trips_any_text(text: str) -> None:
    assert ast.literal_eval(python_literal(text)) == text


@given(st.text())
def test_printable_text_is_one_line(text: str) -> None:
    shown = printable(text)
    assert len(shown.splitlines()) <= 1 and "\x1b" not in shown


# Folder names that mean something to a shell, to hgrc or to Python's string formatting.
HOSTILE_FOLDERS = ["100% docs", "it's; `id` & \"more\" * ?", "#hash [hooks] = x",
                   "%(here)s %include x"]


@pytest.mark.parametrize("folder", HOSTILE_FOLDERS)
def test_the_hg_hook_names_a_hostile_path_exactly(tmp_path: Path, folder: str) -> None:
    root = tmp_path / folder
    run_cli("init", root, "--title", "Hooked")
    hg = [vcs.hg_command() or "hg"]
    env = {**os.environ, "HGPLAIN": "1"}
    value = subprocess.run([*hg, "config", "hooks.pretxncommit.docscenter"],
                           capture_output=True, text=True, check=True, env=env,
                           cwd=root).stdout.strip()
    assert value == hook_script(".") and folder not in value
    hooks = subprocess.run([*hg, "config", "hooks"], capture_output=True, text=True,
                           check=True, env=env, cwd=root).stdout.splitlines()
    assert len(hooks) == 1
    # The hook runs, and refuses a commit that breaks the center: its command means the same.
    (root / "source/glossary.rst").write_text("Broken\n======\n\n:term:`nothing`\n")
    commit = subprocess.run([*hg, "commit", "-m", "Break"], capture_output=True, text=True,
                            env=env, timeout=300, cwd=root)
    assert commit.returncode != 0 and "commit refused" in commit.stderr


@pytest.mark.parametrize("folder", [*HOSTILE_FOLDERS, "$HOME and ${PATH}"])
def test_the_git_hook_names_a_hostile_path_exactly(tmp_path: Path, folder: str) -> None:
    root = tmp_path / folder
    run_cli("init", root, "--title", "Hooked", "--no-hg")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    run_cli("-C", root, "install-hook")
    script = (root / ".git/hooks/pre-commit").read_text(encoding="utf-8").splitlines()
    assert script[-1] == hook_script(".") and folder not in script[-1]
    (root / "source/glossary.rst").write_text("Broken\n======\n\n:term:`nothing`\n")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    commit = subprocess.run(["git", "-C", str(root), "commit", "-m", "Break"],
                            capture_output=True, text=True, timeout=300)
    assert commit.returncode != 0 and "commit refused" in commit.stderr


@pytest.mark.parametrize(("folder", "problem"), [
    ("new\nline", "cannot hold a Mercurial repository"),
    ("carriage\rreturn", "cannot hold a Mercurial repository"),
    ("$HOME", "Mercurial cannot work in a folder whose path holds '$'"),
])
def test_a_path_hg_or_the_hook_cannot_hold_is_refused_before_anything_is_written(
        tmp_path: Path, folder: str, problem: str) -> None:
    result = run_cli("init", tmp_path / folder, check=2)
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_report_text_shows_control_characters_as_escapes(center: Path) -> None:
    add_service(center, "storage")
    toml = center / "services/storage/service.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'lifecycle = "development"', 'lifecycle = "\\u001b[2Jgone"').replace(
        'title = "Storage"', 'title = "Sto\\nrage \\u202e"'), encoding="utf-8")
    for command in ("check", "status"):
        out = run_cli("-C", center, command, check=None).stdout
        assert "\x1b" not in out and "\u202e" not in out, command
        assert "Sto\\nrage" in out, command


def test_a_center_folder_the_hook_cannot_name_is_refused() -> None:
    from docscenter.errors import UsageError

    with pytest.raises(UsageError, match="cannot name this folder"):
        hook_script("docs\nsecond line")


def test_a_nul_is_refused_by_the_writers(tmp_path: Path) -> None:
    from docscenter.core.center import Center
    from docscenter.errors import UsageError
    from docscenter.scaffold import init_center, new_service

    with pytest.raises(UsageError, match="--title 'nul\\\\x00byte': control character U\\+0000"):
        init_center(tmp_path / "center", "nul\x00byte")
    assert not (tmp_path / "center").exists()
    center = Center(init_center(tmp_path / "center", "Center"))
    for option in ("title", "summary"):
        values = {"summary": "S.", "owners": ["Ada <ada@example.org>"], option: "a\x00b"}
        with pytest.raises(UsageError, match=f"--{option} .*U\\+0000"):
            new_service(center, "storage", **values)  # type: ignore[arg-type]
    assert not (tmp_path / "center/services/storage").exists()
