"""Writing the stubs is all or nothing: a write that fails part-way puts back what it had
already replaced, so the center is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import import Page, make_center, snapshot, write_dump

from docscenter.wiki.stubs import install_all
from helpers import run_cli


def test_install_all_restores_on_failure(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    old = tmp_path / "old.txt"
    old.write_text("before")
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a folder where a file should go: the write fails
    files = {old: "after", tmp_path / "new/deep/file.txt": "new", blocked: "x"}
    before = snapshot(tmp_path)
    with pytest.raises(OSError):
        install_all(files, scratch)
    after = snapshot(tmp_path)
    after = {k: v for k, v in after.items() if not k.startswith("scratch/")}
    assert after == {k: v for k, v in before.items() if not k.startswith("scratch/")}
    assert not (tmp_path / "new").exists()


def test_install_all_writes_everything(tmp_path: Path) -> None:
    staged = tmp_path / "staged.txt"
    staged.write_text("from staging")
    target = tmp_path / "a" / "b.txt"
    install_all({target: staged, tmp_path / "c.txt": "text"}, tmp_path)
    assert target.read_text() == "from staging"
    assert (tmp_path / "c.txt").read_text() == "text"


def test_failed_write_leaves_the_center_as_it_was(tmp_path: Path) -> None:
    center = make_center(tmp_path / "center", "auth")
    (center / "tools/wiki.toml").write_text(
        '[[pages]]\ntitle = "Alpha"\nservice = "auth"\npage = "alpha"\n\n'
        '[[pages]]\ntitle = "Beta"\nservice = "auth"\npage = "beta"\n')
    # Larger pages are written first: Alpha is replaced before Beta fails.
    pages = [Page("Alpha", "First page. " * 50), Page("Beta", "Second page.")]
    dump = write_dump(tmp_path / "dump.xml", pages)
    run_cli("-C", center, "import-wiki", dump)
    write_dump(dump, [Page("Alpha", "First, revised. " * 50, 101),
                      Page("Beta", "Second, revised.", 101)])
    beta = center / "services/auth/beta.rst"
    beta.unlink()
    beta.mkdir()  # a folder where the stub goes: its write fails
    (beta / "keep.txt").write_text("a file in the way")
    before = snapshot(center)
    result = run_cli("-C", center, "import-wiki", dump, "--force", check=2)
    assert result.stderr.count("\n") == 1 and "left as it was" in result.stderr
    assert "beta.rst" in result.stderr
    assert snapshot(center) == before
