"""The importer reports progress to whoever runs it; the command line shows it as a progress
bar on a terminal (stderr) and keeps stdout for the report."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from docscenter.core.center import Center
from docscenter.wiki.importer import ImportRequest, import_wiki
from helpers import Page, add_service, write_dump

PAGES = [Page(f"Storage/Page {number}", f"Text of page {number}.") for number in range(24)]


def test_the_importer_reports_each_page_and_returns_its_report(center: Path,
                                                                tmp_path: Path) -> None:
    add_service(center, "storage")
    dump = write_dump(tmp_path / "dump.xml", PAGES)
    heard: list[tuple[int, int]] = []
    report = import_wiki(Center.load(center), ImportRequest(sources=(str(dump),),
                                                            service="storage", dry_run=True),
                         lambda done, total: heard.append((done, total)))
    assert heard == [(done, 24) for done in range(25)]
    assert report.count("new") == 24 and report.dry_run
    assert all(page.title.startswith("Storage/Page") for page in report.pages)
    assert not (center / "services/storage/wiki").exists()


def test_a_terminal_sees_a_progress_bar_and_stdout_the_report(center: Path,
                                                              tmp_path: Path) -> None:
    add_service(center, "storage")
    dump = write_dump(tmp_path / "dump.xml", PAGES)
    terminal, tty = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "docscenter", "-C", str(center), "import-wiki", str(dump),
             "--service", "storage", "--format", "json"],
            stdout=subprocess.PIPE, stderr=tty, text=True, timeout=300, check=True)
        os.close(tty)
        shown = b""
        while True:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the terminal's other end is closed: everything is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(terminal)
    bars = shown.decode().split("\r")
    assert any(bar.endswith("converting  [#-----------------------------------]    4%")
               for bar in bars), shown
    assert "converting  [####################################]  100%" in shown.decode()
    assert json.loads(result.stdout)["counts"]["new"] == 24
