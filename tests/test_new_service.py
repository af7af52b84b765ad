"""``new-service`` makes a service that checks clean: a summary and an owner with an e-mail
address are required, asked for on a terminal and refused (exit 2, naming the option)
otherwise; a malformed owner is refused."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from helpers import run_cli, snapshot


@pytest.mark.parametrize(("given", "missing"), [
    ([], "missing --summary and --owner"),
    (["--owner", "Ada <ada@example.org>"], "missing --summary ("),
    (["--summary", "Keeps data."], "missing --owner ("),
    (["--summary", "  ", "--owner", "Ada <ada@example.org>"], "missing --summary ("),
])
def test_missing_summary_or_owner_is_refused_without_a_terminal(
        center: Path, given: list[str], missing: str) -> None:
    before = snapshot(center)
    result = run_cli("-C", center, "new-service", "storage", *given, check=2)
    assert result.stderr.startswith(f"docscenter: error: new-service storage: {missing}")
    assert result.stderr.count("\n") == 1
    assert snapshot(center) == before


@pytest.mark.parametrize("owner", ["no email", "Ada <ada>", "Ada <ada@example.org",
                                   "<ada@example.org>", "Ada <ada@@example.org>",
                                   "Ada <ada@example>", "Ada ada@example.org"])
def test_a_malformed_owner_is_refused(center: Path, owner: str) -> None:
    before = snapshot(center)
    result = run_cli("-C", center, "new-service", "storage", "--summary", "S.",
                     "--owner", owner, check=2)
    assert result.stderr == (f"docscenter: error: --owner {owner!r}: expected "
                             "'Name <email@example.org>'\n")
    assert snapshot(center) == before


def test_a_terminal_is_asked_for_what_is_missing(center: Path) -> None:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "docscenter", "-C", str(center), "new-service", "storage"],
            stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.write(leader, b"Keeps user data.\nAda Lovelace <ada@example.org>\n")
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(leader)
        os.close(follower)
    assert proc.returncode == 0, err.decode()
    assert b"Summary (one line: what the service does)" in out
    assert b"Owner (Name <email@example.org>)" in out
    data = tomllib.loads((center / "services/storage/service.toml").read_text("utf-8"))
    assert data["summary"] == "Keeps user data."
    assert data["owners"] == [{"name": "Ada Lovelace", "email": "ada@example.org"}]
    assert "no findings" in run_cli("-C", center, "check").stdout


def test_every_new_service_checks_clean(center: Path) -> None:
    run_cli("-C", center, "new-service", "storage", "--summary", "Keeps user data.",
            "--owner", "Ada Lovelace <ada@example.org>", "--owner",
            "Grace Hopper <grace@example.org>", "--api-version", "1.0")
    assert "no findings" in run_cli("-C", center, "check").stdout
