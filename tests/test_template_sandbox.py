"""Templates in a center's ``tools/templates/`` come from a working copy: rendering them runs
no code. Each hostile template below creates a marker file when rendered by a plain Jinja2
environment (checked first, so the test can fail); check, status, new-service, the build and
the commit hook must fail with one line or a finding, never a traceback, and never create it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import jinja2
import pytest

from docscenter import vcs
from helpers import run_cli

# Three ways out of a template to os/subprocess: through a default global's function
# globals, through the subclasses of object, through the builtins of the template object.
PAYLOADS = {
    "globals": "{{ cycler.__init__.__globals__.os.system('touch ' ~ marker) }}",
    "subclasses": (
        "{% for cls in ''.__class__.__mro__[1].__subclasses__() %}"
        "{% if cls.__name__ == 'Popen' %}{{ cls(['touch', marker]).wait() }}{% endif %}"
        "{% endfor %}"),
    "builtins": ("{{ self.__init__.__globals__.__builtins__.__import__('os')"
                 ".system('touch ' ~ marker) }}"),
}
TEMPLATE = "tools/templates/service/index.rst.j2"


def hostile(payload: str, marker: Path) -> str:
    """The service landing page template with the payload, the marker's path filled in."""
    return ("{% set marker = " + repr(str(marker)) + " %}\n.. _service-{{ name }}:\n\n"
            "{{ title }}\n=====\n\n" + payload + "\n")


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_payload_runs_code_without_a_sandbox(tmp_path: Path, name: str) -> None:
    marker = tmp_path / "ran"
    jinja2.Environment().from_string(hostile(PAYLOADS[name], marker)).render(
        name="x", title="X")
    assert marker.exists()


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_hostile_template_runs_nowhere(tmp_path: Path, name: str) -> None:
    root = tmp_path / "center"
    run_cli("init", root, "--title", "Sandbox")
    hg = [vcs.hg_command() or "hg"]
    marker = tmp_path / "ran"
    template = root / TEMPLATE
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(hostile(PAYLOADS[name], marker), encoding="utf-8")

    for command in (["check"], ["check", "--format", "json"], ["status"]):
        error = one_error_line(run_cli("-C", root, *command, check=2))
        assert TEMPLATE in error and "template failed" in error, error
    error = one_error_line(run_cli("-C", root, "new-service", "storage", "--summary", "S.",
                                   "--owner", "Ada <ada@example.org>", check=2))
    assert TEMPLATE in error
    assert not (root / "services" / "storage").exists()

    build = run_cli("-C", root, "build", "-j", "1", check=1)
    assert "[docscenter.template]" in build.stderr and TEMPLATE in build.stderr
    assert "Traceback" not in build.stderr and "Extension error" not in build.stderr

    # The commit hook checks the working copy: it refuses the commit, running nothing.
    commit = subprocess.run([*hg, "commit", "-A", "-m", "Add a template"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert commit.returncode != 0 and "template failed" in commit.stderr
    assert not marker.exists()


def test_a_broken_template_is_one_line_naming_file_and_line(center: Path) -> None:
    template = center / TEMPLATE
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text("Title\n=====\n\n{% if %}\n", encoding="utf-8")
    error = one_error_line(run_cli("-C", center, "check", check=2))
    assert f"{TEMPLATE}:4: template failed" in error
