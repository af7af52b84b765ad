"""``docscenter status`` (text and JSON) and the ``docscenter:status`` dashboard page."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from helpers import REPO, add_service, run_cli, sphinx_build


def finish(root: Path, name: str) -> None:
    """Write a service's pages for real: no placeholder, nothing left as generated."""
    folder = root / "services" / name
    for page in folder.glob("*.rst"):
        text = re.sub(r"XXX ?", "", page.read_text())
        page.write_text(text + "\nWritten by hand.\n")


def status_json(root: Path) -> dict:
    return json.loads(run_cli("-C", root, "status", "--format", "json").stdout)


def test_status_json_schema_and_numbers(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0", "--wiki-page", "Services/Alpha")
    add_service(center, "beta", "--title", "Beta Service")
    finish(center, "alpha")
    index = center / "services/beta/index.rst"
    index.write_text(index.read_text().replace("Resources\n---------", "Links\n-----"))
    data = status_json(center)
    assert set(data) == {"schema", "version", "center", "totals", "services"}
    assert data["schema"] == "docscenter-status" and data["version"] == 1
    alpha, beta = data["services"]
    assert set(alpha) == {
        "name", "title", "owners", "lifecycle", "pages", "missing_sections", "stubs",
        "placeholders", "terms_used", "wiki_pages", "last_changed", "last_author",
        "completeness", "findings", "errors", "wiki_behind",
        "linking_wiki"}
    assert alpha == {
        "name": "alpha", "title": "Alpha", "owners": ["Ada Lovelace"],
        "lifecycle": "development", "pages": 3, "missing_sections": 0, "stubs": 0,
        "placeholders": 0, "terms_used": ["API version", "lifecycle"],
        "wiki_pages": ["Services/Alpha"], "last_changed": None, "last_author": None,
        "completeness": 100, "findings": 0, "errors": [],
        "wiki_behind": [], "linking_wiki": 0}
    assert (beta["title"], beta["missing_sections"], beta["stubs"], beta["findings"]) == (
        "Beta Service", 1, 1, 1)
    assert beta["placeholders"] == 1 and 0 <= beta["completeness"] < 100
    assert data["totals"] == {
        "services": 2, "pages": 5, "missing_sections": 1, "stubs": 1, "placeholders": 1,
        "complete_services": 1, "completeness": round((100 + beta["completeness"]) / 2),
        "services_with_errors": 0, "linking_wiki": 0}


def test_status_text_table(center: Path) -> None:
    add_service(center, "alpha")
    finish(center, "alpha")
    add_service(center, "beta")
    lines = run_cli("-C", center, "status").stdout.splitlines()
    assert lines[0].startswith("2 services, 4 pages, 50% complete on average")
    header, alpha, beta = lines[2:5]
    assert header.split()[:3] == ["service", "complete", "lifecycle"]
    assert alpha.startswith("Alpha (alpha)") and "########## 100%" in alpha
    assert beta.startswith("Beta (beta)") and "..........   0%" in beta


def test_broken_and_unknown_metadata_are_error_rows_with_checks_findings(center: Path) -> None:
    add_service(center, "alpha")
    add_service(center, "beta")
    add_service(center, "gamma")
    (center / "services/alpha/service.toml").write_text('title = "Alpha\n')  # not TOML
    toml = center / "services/beta/service.toml"
    toml.write_text(toml.read_text().replace("owners = [", "owner = [")
                    .replace("email =", "mail =") + 'sumary = "typo"\n')
    checked = run_cli("-C", center, "check", check=1).stdout
    findings = [line.strip() for line in checked.splitlines() if "[service_toml]" in line]
    assert findings[0].startswith(
        "services/alpha/service.toml:1: [service_toml] syntax: not valid TOML (")
    assert findings[1:] == [
        "services/beta/service.toml: [service_toml] owners: required field is missing or "
        "empty",
        "services/beta/service.toml:6: [service_toml] owner: unknown key; did you mean "
        "'owners'?",
        "services/beta/service.toml:14: [service_toml] sumary: unknown key; did you mean "
        "'summary'?",
    ]
    shown = run_cli("-C", center, "status", check=1).stdout
    rows = {line.split()[1]: line for line in shown.splitlines()
            if re.match(r"\w+ \((alpha|beta|gamma)\)", line)}
    assert "ERROR" in rows["(alpha)"] and "ERROR" in rows["(beta)"]
    assert "ERROR" not in rows["(gamma)"] and "%" in rows["(gamma)"]
    assert [line.strip() for line in shown.splitlines() if "[service_toml]" in line] == findings
    data = json.loads(run_cli("-C", center, "status", "--format", "json", check=1).stdout)
    errors = {row["name"]: row["errors"] for row in data["services"]}
    assert errors["gamma"] == [] and len(errors["alpha"]) == 1 and len(errors["beta"]) == 3
    assert errors["beta"][1] == {"service": "beta", "path": "services/beta/service.toml",
                                 "line": 6, "subtype": "service_toml",
                                 "message": "owner: unknown key; did you mean 'owners'?"}
    assert data["totals"]["services_with_errors"] == 2
    # Suppressed like any finding: then nothing is an error, in check and status alike.
    conf = center / "conf.py"
    conf.write_text(conf.read_text() + '\nsuppress_warnings = ["docscenter.service_toml"]\n')
    run_cli("-C", center, "status")


def test_unknown_keys_of_owner_and_wiki_page_entries(center: Path) -> None:
    add_service(center, "alpha", "--wiki-page", "Services/Alpha")
    toml = center / "services/alpha/service.toml"
    text = toml.read_text().replace("email =", "e_mail =")
    toml.write_text(text + "revison = 3\n")  # in the last table: the [[wiki_pages]] entry
    data = json.loads(run_cli("-C", center, "check", "--format", "json", check=1).stdout)
    assert {(f["line"], f["message"]) for f in data["findings"]} == {
        (7, "owners: entry 1 has an unknown key 'e_mail'; did you mean 'email'?"),
        (text.count("\n") + 1,
         "wiki_pages: entry 1 has an unknown key 'revison'; did you mean 'revision'?"),
    }


def test_status_of_an_empty_center_and_bad_usage(center: Path, tmp_path: Path) -> None:
    assert status_json(center)["services"] == []
    run_cli("-C", tmp_path / "nowhere", "status", check=2)


def test_last_changed_from_mercurial(center: Path) -> None:
    add_service(center, "alpha")
    env = {**os.environ, "HGPLAIN": "1"}
    hg = str(REPO / ".venv/bin/hg")
    subprocess.run([hg, "init"], cwd=center, check=True, env=env)
    subprocess.run([hg, "commit", "-Aqm", "first", "-d", "2024-05-06 10:00 +0000"],
                   cwd=center, check=True, env=env)
    (alpha,) = status_json(center)["services"]
    assert (alpha["last_changed"], alpha["last_author"]) == ("2024-05-06", "Test Writer")


def test_dashboard_page(center: Path) -> None:
    add_service(center, "alpha", "--title", "Alpha Service")
    finish(center, "alpha")
    add_service(center, "beta", "--title", "Beta Service")
    _, warnings = sphinx_build(center)
    assert warnings == ""
    html = (center / "build/html/source/status.html").read_text()
    front = (center / "build/html/source/index.html").read_text()
    assert 'href="status.html"' in front
    tiles = re.findall(r'docscenter-tile-number">([^<]+)</span><span class="[^"]*">([^<]+)',
                       html)
    assert ("50%", "complete on average") in tiles and ("2", "services") in tiles
    assert html.index("docscenter-totals") < html.index("docscenter-status")
    rows = re.findall(r"<tr class=\"row-(?:odd|even)\">(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == 3  # header and two services
    assert "Alpha Service" in rows[1] and "docscenter-fill-100 docscenter-good" in rows[1]
    assert 'href="../services/alpha/index.html"' in rows[1]
    assert "Beta Service" in rows[2] and "docscenter-fill-0 docscenter-poor" in rows[2]
    assert "docscenter-count-bad" in rows[2] and "docscenter-count-bad" not in rows[1]

    # The dashboard follows edits: beta finished, only the edited pages are read again and
    # the dashboard is written again with the new figures.
    finish(center, "beta")
    read, warnings = sphinx_build(center)
    assert warnings == ""
    assert "source/status" not in read and "source/glossary" not in read
    html = (center / "build/html/source/status.html").read_text()
    assert html.count("docscenter-fill-100 docscenter-good") == 2

    # Broken metadata: the build reports it, and the row says so where its lifecycle was.
    toml = center / "services/beta/service.toml"
    toml.write_text(toml.read_text() + 'lifecycel = "beta"\n')
    _, warnings = sphinx_build(center)
    assert "lifecycel: unknown key; did you mean 'lifecycle'?" in warnings
    html = (center / "build/html/source/status.html").read_text()
    rows = re.findall(r"<tr class=\"row-(?:odd|even)\">(.*?)</tr>", html, re.DOTALL)
    assert "metadata error" in rows[2] and "metadata error" not in rows[1]


def test_a_stub_holding_placeholders_counts_once_as_unfinished(center: Path) -> None:
    add_service(center, "alpha", "--api-version", "1.0")
    index = center / "services/alpha/index.rst"
    index.write_text(re.sub(r"XXX ?", "", index.read_text()) + "\nWritten by hand.\n")
    (alpha,) = status_json(center)["services"]
    # apis-1.0 and history are stubs with placeholders; index is finished: one page in three.
    assert (alpha["pages"], alpha["stubs"], alpha["missing_sections"]) == (3, 2, 0)
    assert alpha["placeholders"] > 0 and alpha["completeness"] == 33
