"""``docscenter check`` and the same findings as Sphinx warnings: one center that has each
finding, one that does not; the JSON schema; stub and placeholder counting."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from docscenter.core.rst_scan import scan_text
from docscenter.wiki.stubs import Provenance, render_stub
from helpers import REPO, add_service, append, edit, run_cli, sphinx_build


def check_json(root: Path, expected: int) -> dict:
    return json.loads(run_cli("-C", root, "check", "--format", "json", check=expected).stdout)


def test_fresh_center_and_new_services_check_clean(center: Path) -> None:
    assert "no findings" in run_cli("-C", center, "check").stdout
    add_service(center, "alpha", "--api-version", "1.0", "--api-version", "2.0")
    add_service(center, "beta")
    data = check_json(center, 0)
    assert data["clean"] is True and data["findings"] == []
    assert set(data["services"]) == {"alpha", "beta"}
    _, warnings = sphinx_build(center)
    assert warnings == ""


def test_this_repository_checks_clean() -> None:
    result = run_cli("-C", REPO, "check")
    assert "no findings" in result.stdout


# Each case: how to break a center with one service "alpha", the subtype, the file and line.
def _duplicate(root: Path) -> None:
    append(root / "source/glossary.rst", "\n   Service\n      Said twice.\n")


def _undefined(root: Path) -> None:
    append(root / "services/alpha/history.rst", "\nSee :term:`gizmo <no such term>`.\n")


def _case(root: Path) -> None:
    append(root / "services/alpha/history.rst", "\nEvery :term:`Lifecycle` matters.\n")


def _unused(root: Path) -> None:
    append(root / "source/glossary.rst", "\n   widget\n      Nobody says it.\n")


def _location(root: Path) -> None:
    append(root / "services/alpha/history.rst",
           "\nTerms\n-----\n\n.. glossary::\n\n   gadget\n      Local.\n\n"
           "A :term:`gadget`.\n")


def _section(root: Path) -> None:
    edit(root / "services/alpha/index.rst", "Resources\n---------", "Links\n-----")


def _page(root: Path) -> None:
    (root / "services/alpha/history.rst").unlink()
    edit(root / "services/alpha/index.rst", "   history\n", "")


def _toml(root: Path) -> None:
    edit(root / "services/alpha/service.toml", 'lifecycle = "development"',
         'lifecycle = "someday"')


def _toctree(root: Path) -> None:
    edit(root / "services/alpha/index.rst", "   history\n", "   history\n   missing-page\n")


def _stub(root: Path) -> None:
    """An imported page still as imported (its hash matches) holding an include."""
    body = ".. _wiki-alpha-crafted:\n\nCrafted\n=======\n\nText.\n\n.. include:: ../../conf.py\n"
    (root / "services/alpha/crafted.rst").write_text(render_stub(Provenance("Crafted"), body))
    edit(root / "services/alpha/index.rst", "   history\n", "   history\n   crafted\n")


CASES: dict[str, tuple[Callable[[Path], None], str, int | None, str]] = {
    "duplicate_term": (_duplicate, "source/glossary.rst", 23, "defined more than once"),
    "undefined_term": (_undefined, "services/alpha/history.rst", 9, "'no such term'"),
    "term_case": (_case, "services/alpha/history.rst", 9, "'Lifecycle'"),
    "unused_term": (_unused, "source/glossary.rst", 23, "'widget'"),
    "glossary_location": (_location, "services/alpha/history.rst", 14, "outside"),
    "template": (_section, "services/alpha/index.rst", None, "'Resources' is missing"),
    "toctree": (_toctree, "services/alpha/index.rst", 25, "'missing-page'"),
    "service_toml": (_toml, "services/alpha/service.toml", 5, "'someday'"),
    "stub_markup": (_stub, "services/alpha/crafted.rst", 12, "the directive 'include'"),
}


@pytest.mark.parametrize("subtype", sorted(CASES))
def test_each_finding_in_check_and_in_the_build(center: Path, subtype: str) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    check_json(center, 0)
    breaker, path, line, words = CASES[subtype]
    breaker(center)
    data = check_json(center, 1)
    found = [f for f in data["findings"] if f["subtype"] == subtype]
    assert len(found) == 1, data["findings"]
    assert found[0]["path"] == path and words in found[0]["message"]
    if line is not None:
        assert found[0]["line"] == line
    expected_service = None if path.startswith("source/") else "alpha"
    assert found[0]["service"] == expected_service
    text = run_cli("-C", center, "check", check=1).stdout
    assert f"[{subtype}]" in text and path in text

    _, warnings = sphinx_build(center)
    if subtype == "toctree":  # Sphinx reports its own toctree warning; it fails -W as well
        assert "nonexisting document 'services/alpha/missing-page'" in warnings
    else:
        assert f"[docscenter.{subtype}]" in warnings and words in warnings
        assert warnings.count(f"[docscenter.{subtype}]") == 1, warnings
    assert path in warnings
    if subtype == "undefined_term":  # reported once, not also as Sphinx's own warning
        assert "term not in glossary" not in warnings


def test_missing_page_is_named(center: Path) -> None:
    add_service(center, "alpha")
    _page(center)
    data = check_json(center, 1)
    assert [(f["path"], f["message"]) for f in data["findings"]] == [
        ("services/alpha/history.rst", "required page 'history' is missing")]
    assert "[docscenter.template]" in sphinx_build(center)[1]


def test_unused_term_can_be_suppressed(center: Path) -> None:
    _unused(center)
    check_json(center, 1)
    edit(center / "conf.py", "suppress_warnings: list[str] = []",
         'suppress_warnings = ["docscenter.unused_term"]')
    check_json(center, 0)
    assert sphinx_build(center)[1] == ""


def test_required_pages_and_sections_come_from_conf_py(center: Path) -> None:
    add_service(center, "alpha")
    append(center / "conf.py", '\ndocscenter_required_sections = {"index": ["Security"]}\n'
           'docscenter_required_pages = ["index", "history", "user-flow"]\n')
    messages = sorted(f["message"] for f in check_json(center, 1)["findings"])
    assert messages == ["required page 'user-flow' is missing",
                        "required section 'Security' is missing"]
    warnings = sphinx_build(center)[1]
    assert "'user-flow' is missing" in warnings and "'Security' is missing" in warnings


def test_overridden_template_changes_the_requirements(center: Path) -> None:
    add_service(center, "alpha")
    template = (REPO / "tools/docscenter/templates/service/index.rst.j2").read_text()
    override = center / "tools/templates/service/index.rst.j2"
    override.parent.mkdir(parents=True)
    override.write_text(template.replace("Resources\n---------", "Resources\n---------\n\n"
                                         "Contacts\n--------\n\nWho to call."))
    found = check_json(center, 1)["findings"]
    assert [f["message"] for f in found] == ["required section 'Contacts' is missing"]


def test_json_schema(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    _unused(center)
    _section(center)
    data = check_json(center, 1)
    assert set(data) == {"schema", "version", "center", "clean", "findings", "services"}
    assert data["schema"] == "docscenter-check" and data["version"] == 1
    assert data["clean"] is False and Path(data["center"]) == center.resolve()
    for finding in data["findings"]:
        assert set(finding) == {"service", "path", "line", "subtype", "message"}
        assert isinstance(finding["line"], int | None)
    assert data["services"]["alpha"] == {
        "title": "Alpha", "pages": 3, "findings": 1, "placeholders": 6,
        "stubs": ["apis-1.0.rst", "history.rst"], "wiki_behind": []}


def test_text_output_groups_findings_by_service(center: Path) -> None:
    add_service(center, "alpha")
    add_service(center, "beta")
    _unused(center)
    _section(center)
    edit(center / "services/beta/service.toml", 'ci_url = ""', 'ci_url = "not a url"')
    lines = run_cli("-C", center, "check", check=1).stdout.splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")]
    assert headers[:3] == ["center-wide pages: 1 finding(s)", "service alpha (Alpha): 1 "
                           "finding(s)", "service beta (Beta): 1 finding(s)"]
    assert headers[-1].startswith("3 finding(s) in 2 service(s)")


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    result = run_cli("-C", tmp_path, "check", check=2)
    assert "not a docscenter center" in result.stderr
    run_cli("check", "--format", "xml", cwd=tmp_path, check=2)


def test_stubs_generated_and_imported(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    counts = check_json(center, 0)["services"]["alpha"]
    assert counts["stubs"] == ["apis-1.0.rst", "history.rst", "index.rst"]
    edit(center / "services/alpha/history.rst", "created from", "made from")
    body = "Imported\n========\n\nText from the wiki. TODO check it.\n"
    page = center / "services/alpha/imported.rst"
    page.write_text(render_stub(Provenance("Old page", 7), body))
    edit(center / "services/alpha/index.rst", "   history\n", "   history\n   imported\n")
    counts = check_json(center, 0)["services"]["alpha"]
    # index.rst changed (new toctree entry): no longer a stub; the import still is.
    assert counts["stubs"] == ["apis-1.0.rst", "imported.rst"]
    assert counts["placeholders"] == 7
    edit(page, "Text from the wiki.", "Text, edited.")
    assert check_json(center, 0)["services"]["alpha"]["stubs"] == ["apis-1.0.rst"]


def test_scanner_ignores_literal_text() -> None:
    page = scan_text("x.rst", "Title\n=====\n\nUse ``:term:`x``` here.\n\n.. code-block:: rst\n\n"
                     "   :term:`y`\n   XXX\n   Fake\n   ====\n\nSee :term:`Shown <z>`.\n")
    assert page.refs == [("z", 13)]
    assert page.sections == [("Title", 1)]
    assert page.placeholders == []


def test_the_import_manifest_is_checked(center: Path) -> None:
    add_service(center, "storage")
    manifest = center / "tools/wiki.toml"
    manifest.write_text('[[pages]]\nprefix = "Services/Storage/"\nservice = "storage"\n\n'
                        '[[pages]]\ntitle = "Services/Gone"\nservice = "gone"\n')
    report = check_json(center, 1)
    found = [f for f in report["findings"] if f["subtype"] == "manifest"]
    assert len(found) == 1 and found[0]["path"] == "tools/wiki.toml"
    assert "pages entry 2 ('Services/Gone') goes to service 'gone'" in found[0]["message"]
    _, warnings = sphinx_build(center)
    assert "tools/wiki.toml" in warnings and "[docscenter.manifest]" in warnings

    manifest.write_text("[wiki]\nurl = 'https://wiki.example.org/wiki/'\n")  # no $1
    found = [f for f in check_json(center, 1)["findings"] if f["subtype"] == "manifest"]
    assert len(found) == 1 and "needs $1" in found[0]["message"]

    manifest.write_text('[[pages]]\nprefix = "Services/Storage/"\nservice = "storage"\n')
    assert check_json(center, 0)["clean"]


def test_a_broken_template_override_is_named(center: Path) -> None:
    override = center / "tools/templates/service/index.rst.j2"
    override.parent.mkdir(parents=True)
    override.write_text("Title\n=====\n\n{% if %}\n")
    result = run_cli("-C", center, "check", check=2)
    assert result.stderr.count("\n") == 1
    assert "service/index.rst.j2:4: template failed" in result.stderr
