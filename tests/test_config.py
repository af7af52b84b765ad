"""The center's ``docscenter_*`` settings: one dataclass, registered with Sphinx, validated
when the build starts, read from conf.py as data by the command line; the folders they name
are honoured by every command and by the build; ``suppress_warnings`` as Sphinx reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx.util.logging import is_suppressed_warning

from docscenter.core.config import CenterConfig, ConfigError, read_conf, settings
from docscenter.core.findings import Subtype, is_suppressed
from helpers import Page, add_service, run_cli, sphinx_build, write_dump

SOURCE = Path(__file__).resolve().parent.parent / "source"


def configure(root: Path, text: str) -> None:
    conf = root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def test_every_setting_is_a_sphinx_config_value_with_its_default() -> None:
    registered = {setting.name: setting for setting in settings()}
    assert set(registered) == {
        "docscenter_services_dir", "docscenter_templates_dir", "docscenter_build_dir",
        "docscenter_required_pages", "docscenter_required_sections",
        "docscenter_front_redirect", "docscenter_vcs_web", "docscenter_vcs_web_auto",
        "docscenter_page_history", "docscenter_release",
        "docscenter_allowed_uri_schemes"}
    assert registered["docscenter_services_dir"].default == "services"
    assert registered["docscenter_release"].default is False
    assert registered["docscenter_vcs_web"].default == {}
    assert all(setting.doc for setting in registered.values())


def test_values_are_checked_and_normalised() -> None:
    config = CenterConfig.from_values({"docscenter_services_dir": "docs/services/",
                                       "docscenter_required_pages": ["index", "history"]})
    assert config.services_dir == "docs/services"
    assert config.required_pages == ("index", "history")
    assert CenterConfig().allowed_uri_schemes == ("http", "https", "mailto")
    assert CenterConfig.from_values({"docscenter_allowed_uri_schemes": ["HTTPS", "ftp"]}
                                    ).allowed_uri_schemes == ("https", "ftp")
    for name, value in [("docscenter_services_dir", "../outside"),
                        ("docscenter_services_dir", "/abs"), ("docscenter_build_dir", ""),
                        ("docscenter_required_pages", "index"),
                        ("docscenter_required_sections", {"index": "Goal"}),
                        ("docscenter_page_history", "yes"), ("docscenter_vcs_web", []),
                        ("docscenter_release", 1),
                        ("docscenter_allowed_uri_schemes", "https"),
                        ("docscenter_allowed_uri_schemes", ["https:"])]:
        with pytest.raises(ConfigError, match=f"conf.py: {name} = "):
            CenterConfig.from_values({name: value})


def test_conf_py_is_read_as_data_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "conf.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\n"
        "extensions = ['docscenter']\nsource_suffix = {'.txt': 'restructuredtext'}\n"
        "suppress_warnings = ['docscenter.unused_term']\n"
        "docscenter_services_dir: str = 'docs/services'\n"
        "docscenter_vcs_web = {'history': BASE + '{path}'}\n")
    values = read_conf(tmp_path / "conf.py")
    assert not marker.exists()
    assert values.config.services_dir == "docs/services"
    assert values.config.vcs_web == {}  # not a literal; the command line does not use it
    assert (values.source_suffix, values.suppress_warnings) == (
        ".txt", ("docscenter.unused_term",))


def test_a_setting_the_command_line_needs_must_be_a_literal(center: Path) -> None:
    configure(center, "import os\ndocscenter_services_dir = os.environ['SERVICES']\n")
    result = run_cli("-C", center, "check", check=2)
    assert result.stderr.count("\n") == 1
    assert "conf.py:" in result.stderr and "docscenter_services_dir: not a literal" in (
        result.stderr)


def test_a_wrong_value_stops_check_and_build_naming_it(center: Path) -> None:
    configure(center, 'docscenter_required_pages = "index"\n')
    result = run_cli("-C", center, "check", check=2)
    assert "docscenter_required_pages = 'index': expected a list" in result.stderr
    build = run_cli("-C", center, "build", check=2)
    assert "docscenter_required_pages = 'index': expected a list" in build.stderr


def test_the_folders_come_from_the_configuration(center: Path, tmp_path: Path) -> None:
    configure(center, 'docscenter_services_dir = "docs/services"\n'
              'docscenter_templates_dir = "templates"\ndocscenter_build_dir = "out"\n'
              'exclude_patterns.append("out")\n')
    (center / "services").rename(center / "templates")  # keep the folder, rename its role
    (center / "templates/.keep").unlink()
    override = center / "templates/service/history.rst.j2"
    override.parent.mkdir(parents=True)
    override.write_text("History of {{ title }}\n=================\n\nOur own log.\n")
    add_service(center, "alpha")
    folder = center / "docs/services/alpha"
    assert (folder / "history.rst").read_text().endswith("Our own log.\n")

    dump = write_dump(tmp_path / "dump.xml", [Page("Alpha notes", "Some '''notes'''.")])
    report = json.loads(run_cli("-C", center, "import-wiki", dump, "--service", "alpha",
                                "--format", "json").stdout)
    assert [page["docname"] for page in report["pages"]] == [
        "docs/services/alpha/wiki/alpha-notes"]
    assert (folder / "wiki/alpha-notes.rst").is_file()

    check = json.loads(run_cli("-C", center, "check", "--format", "json").stdout)
    assert check["clean"] and check["services"]["alpha"]["pages"] == 4  # and wiki/index
    assert check["services"]["alpha"]["stubs"] == ["history.rst", "wiki/alpha-notes.rst"]
    status = json.loads(run_cli("-C", center, "status", "--format", "json").stdout)
    assert [row["name"] for row in status["services"]] == ["alpha"]

    run_cli("-C", center, "build")
    html = center / "out/html"
    assert (html / "docs/services/alpha/wiki/alpha-notes.html").is_file()
    assert "docs/services/alpha/index.html" in (html / "source/index.html").read_text()
    assert not (center / "build").exists()


@pytest.mark.parametrize("names", [[], ["docscenter"], ["docscenter.*"], ["docscenter.vcs"],
                                   ["docscenter.unused_term"], ["ref.*", "docscenter.x"]])
def test_suppression_reads_suppress_warnings_as_sphinx_does(names: list[str]) -> None:
    for subtype in Subtype:
        assert is_suppressed(subtype, names) == is_suppressed_warning(
            "docscenter", subtype.value, names), (subtype, names)


def test_every_kind_of_finding_is_silenced_by_docscenter_star(center: Path) -> None:
    add_service(center, "alpha")
    (center / "source/glossary.rst").write_text(
        (center / "source/glossary.rst").read_text() + "\n   widget\n      Nobody says it.\n")
    edit = center / "services/alpha/service.toml"
    edit.write_text(edit.read_text().replace('ci_url = ""', 'ci_url = "not a url"'))
    assert len(json.loads(run_cli("-C", center, "check", "--format", "json",
                                  check=1).stdout)["findings"]) == 2
    configure(center, 'suppress_warnings = ["docscenter.*"]\n')
    assert json.loads(run_cli("-C", center, "check", "--format", "json").stdout)["clean"]
    assert sphinx_build(center)[1] == ""


def test_every_kind_of_finding_is_documented() -> None:
    guide = (SOURCE / "writers-guide.rst").read_text(encoding="utf-8")
    for subtype in Subtype:
        assert f"``{subtype.value}``" in guide, subtype
