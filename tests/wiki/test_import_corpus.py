"""The whole WPD corpus (372 real MediaWiki pages) imports into one service and the center
builds strictly with zero warnings. Needs the shared corpus (see helpers.corpus_dir; CI has it)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from helpers import corpus, run_cli

PAGES = 372

pytestmark = pytest.mark.corpus


def test_whole_corpus_imports_and_builds_without_warnings(tmp_path: Path) -> None:
    export = corpus("wpd/export.xml")
    root = tmp_path / "center"
    run_cli("init", root, "--title", "WPD", "--no-hg")
    run_cli("-C", root, "new-service", "wpd", "--summary", "The WebPlatform Docs wiki.",
            "--owner", "Ada Lovelace <ada@example.org>")
    report = json.loads(run_cli("-C", root, "import-wiki", export, "--service", "wpd",
                                "--format", "json").stdout)
    assert report["counts"]["new"] + report["counts"]["redirects"] == PAGES
    assert report["timed_out"] == []
    assert len(list((root / "services" / "wpd" / "wiki").glob("*.rst"))) == (
        report["counts"]["new"] + 1)  # and the index

    build = run_cli("-C", root, "build", "-j", "2", check=None)
    warnings = [line for line in build.stderr.splitlines() if "WARNING" in line
                or "ERROR" in line]
    kinds = Counter(line.split("WARNING:", 1)[-1].split(",")[0][:60] for line in warnings)
    assert build.returncode == 0 and not warnings, (
        f"{len(warnings)} warnings: {kinds.most_common(20)}\n" + "\n".join(warnings[:50]))
