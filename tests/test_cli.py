"""The command line end to end: init, new-service, build, and what bad input gets."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

from helpers import add_service, run_cli, snapshot


def test_init_scaffolds_a_center_that_builds_clean(center: Path) -> None:
    for name in ("conf.py", "Makefile", ".hgignore", "source/index.rst",
                 "source/glossary.rst", "services", "tools"):
        assert (center / name).exists(), name
    result = run_cli("-C", center, "build")
    assert "warning" not in result.stderr.lower()
    front = (center / "build/html/index.html").read_text()
    assert 'url=source/index.html' in front
    assert "Test Center" in (center / "build/html/source/index.html").read_text()


def test_console_script_and_module_agree() -> None:
    script = Path(sys.executable).parent / "docscenter"
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert "new-service" in out.stdout
    assert run_cli("--help").stdout == out.stdout


def test_init_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = run_cli("init", tmp_path, "--no-hg", check=2)
    assert result.stderr.count("\n") == 1
    assert str(tmp_path) in result.stderr and "not empty" in result.stderr
    assert snapshot(tmp_path) == {"keep.txt": b"mine"}


def test_init_with_hg_commits_the_scaffold(tmp_path: Path) -> None:
    root = tmp_path / "c"
    run_cli("init", root, "--title", "With Hg")
    hg = Path(sys.executable).parent / "hg"
    log = subprocess.run([str(hg), "log", "-R", str(root), "-T", "{desc}\n"],
                         capture_output=True, text=True, check=True)
    assert log.stdout.strip() == "Scaffold the documentation center"
    status = subprocess.run([str(hg), "status", "-R", str(root)], capture_output=True,
                            text=True, check=True)
    assert status.stdout == ""


def test_new_service_renders_the_template_and_joins_the_catalogue(center: Path) -> None:
    add_service(center, "storage", "--title", "Storage", "--api-version", "1.0",
                "--api-version", "1.1", "--wiki-page", "Services/Storage")
    folder = center / "services/storage"
    assert sorted(p.name for p in folder.iterdir()) == [
        "apis-1.0.rst", "apis-1.1.rst", "history.rst", "index.rst", "service.toml"]
    index = (folder / "index.rst").read_text()
    for section in ("Goal of the Service", "Assumptions", "Documentation content", "Resources"):
        assert section in index
    assert "Storage API v1.1" in (folder / "apis-1.1.rst").read_text()
    # The example endpoint is a comment showing the shape, not a live directive.
    apis = (folder / "apis-1.0.rst").read_text()
    assert "\n..\n   .. http:get:: /storage/1.0/(username)/info\n" in apis
    assert "\n.. http:" not in apis

    run_cli("-C", center, "build")
    front = (center / "build/html/source/index.html").read_text()
    assert "services/storage/index.html" in front and "The storage service." in front
    assert "Ada Lovelace" in front
    landing = html.unescape((center / "build/html/services/storage/index.html").read_text())
    assert "mailto:ada%40example.org" in landing
    assert "apis-1.1.html" in landing and "Services/Storage" in landing
    # The routing table page exists (the front page links to it) but lists no example.
    routes = (center / "build/html/http-routingtable.html").read_text()
    assert "/storage/1.0" not in routes and "(username)" not in routes
    assert "(username)/info" not in (center / "build/html/services/storage/apis-1.0.html"
                                     ).read_text()


def test_new_service_found_from_a_subfolder(center: Path) -> None:
    run_cli("new-service", "auth", "--summary", "Signs users in.", "--owner",
            "Ada Lovelace <ada@example.org>", cwd=center / "source")
    assert (center / "services/auth/index.rst").exists()


def test_bad_service_names_are_refused_and_nothing_written(center: Path) -> None:
    before = snapshot(center)
    for name in ("../escape", "a b", ".hidden", "-flag-like", "slash/name", "ünï"):
        result = run_cli("-C", center, "new-service", "--", name, check=2)
        assert result.stderr.startswith("docscenter: error: ")
        assert result.stderr.count("\n") == 1, result.stderr
    assert snapshot(center) == before


def test_existing_service_is_not_overwritten(center: Path) -> None:
    add_service(center, "storage")
    before = snapshot(center)
    result = run_cli("-C", center, "new-service", "storage", check=2)
    assert "already exists" in result.stderr and "services/storage" in result.stderr
    assert snapshot(center) == before


def test_bad_owner_and_version_are_refused(center: Path) -> None:
    assert "owner" in run_cli("-C", center, "new-service", "x", "--owner", "<a@b.c>",
                              check=2).stderr
    assert "API version" in run_cli("-C", center, "new-service", "x", "--api-version",
                                    "v1", check=2).stderr
    assert "expected 'Name <email@example.org>'" in run_cli(
        "-C", center, "new-service", "x", "--summary", "X.", "--owner", "no email",
        check=2).stderr
    assert not (center / "services/x").exists()


def test_missing_center_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("new-service", "x", cwd=tmp_path, check=2)
    assert "not inside a docscenter center" in result.stderr
    assert result.stderr.count("\n") == 1
    result = run_cli("-C", tmp_path / "nowhere", "build", check=2)
    assert "nowhere" in result.stderr


def test_malformed_service_toml_fails_the_build_naming_file_and_field(center: Path) -> None:
    add_service(center, "storage")
    toml = center / "services/storage/service.toml"
    toml.write_text(toml.read_text().replace('lifecycle = "development"',
                                             'lifecycle = "someday"'))
    result = run_cli("-C", center, "build", check=1)
    assert "services/storage/service.toml:" in result.stderr
    assert "lifecycle: unknown value 'someday'" in result.stderr
    assert "[docscenter.service_toml]" in result.stderr


def test_broken_toml_syntax_is_reported_with_its_line(center: Path) -> None:
    add_service(center, "storage")
    (center / "services/storage/service.toml").write_text('title = "x"\nsummary = \n')
    result = run_cli("-C", center, "build", check=1)
    assert "service.toml:2: WARNING: syntax: not valid TOML" in result.stderr


def test_template_override_is_used(center: Path) -> None:
    override = center / "tools/templates/service/history.rst.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("History of {{ title }}\n=================\n\nOur own log.\n")
    add_service(center, "storage", "--title", "Storage")
    assert (center / "services/storage/history.rst").read_text().endswith("Our own log.\n")
    assert "Goal of the Service" in (center / "services/storage/index.rst").read_text()


def test_build_exit_status_on_a_warning(center: Path) -> None:
    (center / "source/index.rst").write_text(
        (center / "source/index.rst").read_text() + "\nSee :doc:`missing-page`.\n")
    result = run_cli("-C", center, "build", check=1)
    assert "missing-page" in result.stderr


def test_the_center_makefile_builds_and_checks(center: Path) -> None:
    docscenter = str(Path(sys.executable).parent / "docscenter")
    for target in ("html", "check"):
        result = subprocess.run(["make", "-C", str(center), target, f"DOCSCENTER={docscenter}"],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (center / "build/html/index.html").exists()


def test_import_in_a_fresh_center_says_what_is_missing(center: Path) -> None:
    result = run_cli("-C", center, "import-wiki", "--manifest", center / "tools/wiki.toml",
                     check=2)
    assert "say where pages go" in result.stderr and result.stderr.count("\n") == 1
