"""Placeholders never reach readers silently: an ordinary build shows a paragraph an ``XXX``
or ``TODO`` opens in a "To be written" box and outlines any other placeholder (literal text
left alone), and a release build (``build
--release``, ``check --release``, ``docscenter_release = True``) fails on placeholders and
untouched stub pages, naming each one, while the commit hook keeps accepting work in
progress."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

from docscenter import vcs
from helpers import add_service, run_cli, sphinx_build, uncoloured

WARNING = re.compile(r"^(?P<where>\S+): WARNING: .* \[docscenter\.(?P<subtype>\w+)\]$")
REPORTED = re.compile(r"^  (?P<where>\S+): \[(?P<subtype>\w+)\] ")

PAGE = """\
Notes
=====

XXX: say what the notes are for.

A sentence with a TODO in the middle, *emphasised XXX* and ``XXX in a literal``.

TODO later
----------

* TODO a list item
* a finished item

.. code-block:: text

   XXX in a code block stays as it is

Term
   TODO define it.

.. note::

   XXX inside a note.

::

   TODO in a literal block
"""


def soup(root: Path, page: str) -> BeautifulSoup:
    html = (root / "build/html" / page).read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def test_placeholders_are_shown_in_to_be_written_boxes(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    (center / "services/alpha/notes.rst").write_text(PAGE, encoding="utf-8")
    index = center / "services/alpha/index.rst"
    index.write_text(index.read_text().replace("   history\n", "   history\n   notes\n"))
    _, warnings = sphinx_build(center)
    assert warnings == ""
    page = soup(center, "services/alpha/notes.html").find("article")
    # A paragraph a placeholder opens is a box; its marker is dropped (the box says it).
    boxes = page.select("div.admonition.docscenter-placeholder")
    assert [" ".join(box.get_text(" ").split()) for box in boxes] == [
        "To be written Say what the notes are for.",
        "To be written A list item",
        "To be written Define it.",
        "To be written Inside a note.",
    ]
    # Elsewhere (in a written sentence, in a section title) the placeholder is outlined.
    marks = page.select(".docscenter-placeholder-mark")
    assert [(mark.get_text(), mark.parent.name) for mark in marks] == [
        ("TODO", "p"), ("XXX", "em"), ("TODO", "h2")]
    sentence = marks[0].parent
    assert not sentence.find_parent(class_="docscenter-placeholder")
    assert " ".join(sentence.get_text().split()) == (
        "A sentence with a TODO in the middle, emphasised XXX and XXX in a literal.")
    # Literal text is an example, never a placeholder.
    for pre in page.select("pre"):
        assert not pre.find_parent(class_="docscenter-placeholder")
    assert "XXX in a code block stays as it is" in page.get_text()
    assert "TODO in a literal block" in page.get_text()
    finished = [li for li in page.select("li") if "a finished item" in li.get_text()]
    assert finished and not finished[0].select(".docscenter-placeholder")
    # The template's own placeholders are boxed on the API page; a written page has none.
    api = soup(center, "services/alpha/apis-1.0.html").find("article")
    assert len(api.select("div.docscenter-placeholder")) == 5  # each opens its paragraph
    front = soup(center, "source/index.html").find("article")
    assert not front.select(".docscenter-placeholder, .docscenter-placeholder-mark")


def findings_of_build(output: str) -> set[tuple[str, str]]:
    return {(m["where"], m["subtype"]) for line in uncoloured(output).splitlines()
            if (m := WARNING.match(line))}


def findings_of_check(output: str) -> set[tuple[str, str]]:
    return {(m["where"], m["subtype"]) for line in output.splitlines()
            if (m := REPORTED.match(line))}


def test_release_builds_refuse_placeholders_and_untouched_stubs(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    history = center / "services/alpha/history.rst"
    history.write_text(history.read_text() + "\nWritten by hand, with a TODO left.\n")
    run_cli("-C", center, "check")  # an ordinary check: placeholders are no finding
    run_cli("-C", center, "build")  # nor in an ordinary build
    expected = {
        ("services/alpha/apis-1.0.rst", "untouched_stub"),
        ("services/alpha/index.rst", "untouched_stub"),
        ("services/alpha/apis-1.0.rst:11", "placeholder"),
        ("services/alpha/apis-1.0.rst:16", "placeholder"),
        ("services/alpha/apis-1.0.rst:33", "placeholder"),
        ("services/alpha/apis-1.0.rst:38", "placeholder"),
        ("services/alpha/apis-1.0.rst:43", "placeholder"),
        ("services/alpha/index.rst:14", "placeholder"),
        ("services/alpha/history.rst:9", "placeholder"),
    }
    checked = run_cli("-C", center, "check", "--release", check=1)
    assert findings_of_check(checked.stdout) == expected
    # Right after the ordinary build, with nothing to read again: refused all the same.
    built = run_cli("-C", center, "build", "--release", check=1)
    assert findings_of_build(built.stderr) == expected
    data = json.loads(run_cli("-C", center, "check", "--release", "--format", "json",
                              check=1).stdout)
    assert {f["subtype"] for f in data["findings"]} == {"placeholder", "untouched_stub"}

    # One kind can be let through, as any finding.
    conf = center / "conf.py"
    conf.write_text(conf.read_text() + '\nsuppress_warnings = ["docscenter.untouched_stub"]\n')
    built = run_cli("-C", center, "build", "--release", check=1)
    assert {subtype for _, subtype in findings_of_build(built.stderr)} == {"placeholder"}


def test_sharded_release_builds_refuse_what_a_whole_one_refuses(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    add_service(center, "beta")
    whole = findings_of_build(run_cli("-C", center, "build", "--release", check=1).stderr)
    assert {where.split(":")[0] for where, _ in whole} >= {
        "services/alpha/index.rst", "services/beta/index.rst"}
    # Each shard reports the findings of its own services; together, the whole build's.
    shards = set()
    for name in ("alpha", "beta"):
        done = run_cli("-C", center, "build", "--shard", name, "--release", check=1)
        found = findings_of_build(done.stderr)
        assert found and all(where.startswith(f"services/{name}/") for where, _ in found)
        shards |= found
    assert shards == {f for f in whole if f[0].startswith("services/")}
    # Without --release the same shards build.
    for name in ("alpha", "beta"):
        run_cli("-C", center, "build", "--shard", name)
    run_cli("-C", center, "assemble")


def test_docscenter_release_in_conf_py_and_the_commit_hook(tmp_path: Path) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Release")  # with hg and the commit hook
    conf = root / "conf.py"
    conf.write_text(conf.read_text() + "\ndocscenter_release = True\n")
    add_service(root, "alpha")
    checked = run_cli("-C", root, "check", check=1).stdout
    assert "services/alpha/index.rst:14: [placeholder]" in checked
    _, warnings = sphinx_build(root)
    assert "services/alpha/index.rst:14: WARNING: XXX or TODO placeholder left" in warnings
    # Work in progress is still committed: the hook leaves release findings to CI.
    done = subprocess.run([vcs.hg_command() or "hg", "commit", "-A", "-m", "Add alpha"],
                          cwd=root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HGPLAIN": "1"})
    assert done.returncode == 0, done.stderr
