"""A center installs its own tooling and carries its own CI: ``init`` writes requirements.txt
(naming docscenter and where it comes from), a Makefile that bootstraps .venv from it, and a
``ci/build`` script that the GitHub Actions and GitLab CI files call. A fresh clone of a new
center builds with nothing but Python on PATH.

The fresh-clone tests install docscenter from a copy of this checkout's sources (a folder
requirement, built by pip) and its dependencies with pip as configured on the machine, sharing
the user's pip cache: no docscenter command is on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docscenter import __version__, vcs
from helpers import REPO, run_cli, snapshot

# Read before the tests isolate HOME, so the fresh installs reuse what pip already has.
PIP_CACHE = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")


def requirement_lines(root: Path) -> list[str]:
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_init_names_the_running_docscenter_by_default(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "center", "--no-hg")
    # This suite runs docscenter installed from this checkout (make test: pip install -e .).
    assert requirement_lines(tmp_path / "center") == [f"docscenter @ {REPO.as_uri()}"]
    assert "only this machine can reach" in result.stdout
    text = (tmp_path / "center/requirements.txt").read_text(encoding="utf-8")
    assert f"docscenter {__version__}" in text and "replace it" in text


@pytest.mark.parametrize("spec", ["docscenter==0.1.0", "docscenter>=0.1,<1",
                                  "docscenter @ https://example.org/docscenter-0.1.0.whl",
                                  "DocsCenter @ git+https://example.org/docscenter.git@v0.1.0"])
def test_init_writes_a_given_requirement(tmp_path: Path, spec: str) -> None:
    result = run_cli("init", tmp_path / "center", "--no-hg", "--docscenter-requirement", spec)
    assert requirement_lines(tmp_path / "center") == [spec]
    assert "only this machine" not in result.stdout
    assert "given to docscenter init" in (tmp_path / "center/requirements.txt").read_text()


@pytest.mark.parametrize(("spec", "problem"), [
    ("sphinx==8.0", "names 'sphinx', not docscenter"),
    ("docscenter==0.1\n-e .", "control character U+000A"),
    ("docscenter ==", "--docscenter-requirement 'docscenter =='"),
    ("-r other.txt", "--docscenter-requirement '-r other.txt'"),
])
def test_init_refuses_a_requirement_that_is_not_one_for_docscenter(
        tmp_path: Path, spec: str, problem: str) -> None:
    result = run_cli("init", tmp_path / "center", "--no-hg", "--docscenter-requirement", spec,
                     check=2)
    assert problem in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert snapshot(tmp_path) == {}


def _runs(job: dict) -> list[str | None]:
    return [step.get("run") for step in job["steps"]]


def test_the_ci_files_call_the_ci_script(center: Path) -> None:
    script = center / "ci/build"
    assert os.access(script, os.X_OK)
    github = yaml.safe_load((center / ".github/workflows/docs.yml").read_text("utf-8"))
    jobs = github["jobs"]
    assert set(jobs) == {"build", "shard", "assemble"}
    job = jobs["build"]
    runs = _runs(job)
    assert "ci/build" in runs and job["if"] == "vars.DOCSCENTER_SHARDED != '1'"
    for name in jobs:
        checkout = next(step for step in jobs[name]["steps"]
                        if "checkout" in step.get("uses", ""))
        assert checkout["with"]["fetch-depth"] == 0  # page history needs the whole history
    upload = next(step for step in job["steps"] if "upload-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "build/html"
    assert runs.index("ci/build") < job["steps"].index(upload)
    gitlab = yaml.safe_load((center / ".gitlab-ci.yml").read_text("utf-8"))
    job = gitlab["docs"]
    assert job["script"] == ["ci/build"]
    assert job["artifacts"]["paths"] == ["build/html"]
    assert gitlab["variables"]["GIT_DEPTH"] == "0"


def test_the_ci_files_build_shards_in_a_matrix_and_assemble_them(center: Path) -> None:
    github = yaml.safe_load((center / ".github/workflows/docs.yml").read_text("utf-8"))
    shard, assemble = github["jobs"]["shard"], github["jobs"]["assemble"]
    parts = shard["strategy"]["matrix"]["part"]
    assert parts == [1, 2, 3, 4] and shard["if"] == "vars.DOCSCENTER_SHARDED == '1'"
    assert "ci/build shard ${{ matrix.part }}/4" in _runs(shard)
    kept = next(s for s in shard["steps"] if "upload-artifact" in s.get("uses", ""))
    assert kept["with"]["path"].split() == ["build/shards", "!build/shards/*/doctrees"]
    assert assemble["needs"] == "shard"
    fetched = next(s for s in assemble["steps"] if "download-artifact" in s.get("uses", ""))
    assert fetched["with"] == {"pattern": "shard-*", "path": "build/shards",
                               "merge-multiple": True}
    assert "ci/build assemble" in _runs(assemble)
    gitlab = yaml.safe_load((center / ".gitlab-ci.yml").read_text("utf-8"))
    matrix = gitlab["shard"]["parallel"]["matrix"]
    assert matrix == [{"PART": ["1", "2", "3", "4"]}]
    assert gitlab["shard"]["script"] == ['ci/build shard "$PART/4"']
    assert gitlab["shard"]["artifacts"]["paths"] == ["build/shards"]
    assert gitlab["assemble"]["needs"] == ["shard"]
    assert gitlab["assemble"]["script"] == ["ci/build assemble"]
    assert gitlab["stages"].index("build") < gitlab["stages"].index("assemble")


# -- a fresh clone on a machine with only Python ----------------------------------------------

@pytest.fixture
def new_center(tmp_path: Path) -> Path:
    """A new Hg center whose requirements.txt installs docscenter from a copy of this
    checkout (the sources pip builds a wheel from), with one service committed."""
    base = tmp_path / "made"
    source = base / "docscenter-source"
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "tools" / "docscenter", source / "tools" / "docscenter",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    root = base / "center"
    run_cli("init", root, "--title", "Fresh", "--docscenter-requirement",
            f"docscenter @ {source.as_uri()}")
    run_cli("-C", root, "new-service", "storage", "--summary", "Keeps data.", "--owner",
            "Ada <ada@example.org>", "--api-version", "1.0")
    hg(root, "commit", "-A", "-m", "Add the storage service")
    return root


def hg(root: Path, *args: str) -> None:
    subprocess.run([vcs.hg_command() or "hg", *args], cwd=root, check=True, timeout=300,
                   capture_output=True)


def python_only_environment() -> dict[str, str]:
    """This environment with no docscenter on PATH: the base Python's folder and the system
    folders, without this virtualenv's."""
    folders = [os.path.dirname(os.path.realpath(sys._base_executable))]
    folders += [folder for folder in os.environ.get("PATH", "").split(os.pathsep)
                if folder and not (Path(folder) / "docscenter").exists()]
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(PATH=os.pathsep.join(dict.fromkeys(folders)), PIP_CACHE_DIR=PIP_CACHE)
    assert shutil.which("docscenter", path=env["PATH"]) is None
    assert shutil.which("python3", path=env["PATH"]) is not None
    return env


def fresh_clone(center: Path, target: Path) -> Path:
    hg(center, "clone", "-q", str(center), str(target))
    assert not (target / ".venv").exists()
    return target


def test_a_fresh_clone_builds_with_make_html(new_center: Path, tmp_path: Path) -> None:
    clone = fresh_clone(new_center, tmp_path / "clone")
    result = subprocess.run(["make", "html"], cwd=clone, env=python_only_environment(),
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (clone / ".venv/bin/docscenter").exists()
    page = (clone / "build/html/services/storage/index.html").read_text(encoding="utf-8")
    assert "Keeps data." in page and "Last changed" in page  # history from the clone's hg
    again = subprocess.run(["make", "html"], cwd=clone, env=python_only_environment(),
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "pip install" not in again.stdout  # installed once


def test_the_ci_script_checks_and_builds_a_fresh_clone(new_center: Path,
                                                       tmp_path: Path) -> None:
    clone = fresh_clone(new_center, tmp_path / "clone")
    env = python_only_environment()
    env.pop("DOCSCENTER_LINKCHECK", None)
    result = subprocess.run(["ci/build"], cwd=clone, env=env, capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "no findings" in result.stdout
    assert result.stdout.rstrip().endswith("ci/build: the HTML is in build/html")
    assert (clone / "build/html/index.html").is_file()

    # For release, the new service's placeholders and untouched pages fail CI, each named.
    result = subprocess.run(["ci/build"], cwd=clone, env={**env, "DOCSCENTER_RELEASE": "1"},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode != 0 and "ci/build: the HTML" not in result.stdout
    assert "services/storage/apis-1.0.rst:11: [placeholder]" in result.stdout
    assert "services/storage/history.rst: [untouched_stub]" in result.stdout

    # A center that fails its checks fails CI, before the build.
    (clone / "services/storage/index.rst").write_text("Storage\n=======\n", encoding="utf-8")
    result = subprocess.run(["ci/build"], cwd=clone, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode != 0 and "required section" in result.stdout
    assert "ci/build: the HTML" not in result.stdout
