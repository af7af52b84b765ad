"""The VCS adapter against real ``hg`` and ``git`` repositories in tmp_path."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from docscenter import vcs
from docscenter.vcs import Change, GitRepo, HgRepo, Repo, VcsError

KINDS = ["hg", "git"]
NODE_LENGTH = {"hg": 12, "git": 10}

ADA = ("Ada Lovelace", "ada@example.org")
GRACE = ("Grace Hopper", "grace@example.org")
JAN_2 = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
JAN_5 = datetime(2026, 1, 5, 16, 30, tzinfo=timezone(timedelta(hours=2)))

EXIT_0 = "exit 0"
EXIT_1 = "exit 1"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system configuration leaks in; both tools get a default identity."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HGRCPATH", "")
    monkeypatch.setenv("HGUSER", "Default User <default@example.org>")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Default User")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "default@example.org")
        monkeypatch.delenv(f"GIT_{role}_DATE", raising=False)


def hg(root: Path, *args: str) -> str:
    """Run the real hg in ``root`` (plain mode), independently of the adapter."""
    exe = vcs.hg_command()
    assert exe is not None
    env = {**os.environ, "HGPLAIN": "1"}
    done = subprocess.run([exe, *args], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """Run the real git in ``root``, independently of the adapter."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(["git", *args], cwd=root, env=full_env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_as(repo: Repo, files: Sequence[str], who: tuple[str, str], when: datetime) -> str:
    """Commit ``files`` as ``who`` at ``when`` with the tools' own commands; return the node."""
    name, email = who
    if repo.kind == "hg":
        user, date = f"{name} <{email}>", when.strftime("%Y-%m-%d %H:%M %z")
        hg(repo.root, "commit", "-A", "-m", "change", "-u", user, "-d", date, "--", *files)
        return hg(repo.root, "log", "-r", ".", "-T", "{node}")
    git(repo.root, "add", "--", *files)
    env = {}
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"] = name
        env[f"GIT_{role}_EMAIL"] = email
        env[f"GIT_{role}_DATE"] = when.isoformat()
    git(repo.root, "commit", "-q", "-m", "change", "--", *files, env=env)
    return git(repo.root, "rev-parse", "HEAD").strip()


def write(root: Path, name: str, text: str = "text\n") -> Path:
    """Create or overwrite ``root/name``."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=KINDS)
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Repo:
    return vcs.init_repo(tmp_path / "center", request.param)


class CountingRunner:
    """Runs commands for real and records each one."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(
        self, args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> subprocess.CompletedProcess[bytes]:
        self.calls.append(list(args))
        return vcs.run_process(args, cwd, env, timeout)


def test_last_changes_maps_each_file_to_its_latest_change(repo: Repo) -> None:
    write(repo.root, "a.rst")
    write(repo.root, "services/storage/index ü.rst")
    first = commit_as(repo, ["a.rst", "services/storage/index ü.rst"], ADA, JAN_2)
    write(repo.root, "a.rst", "edited\n")
    second = commit_as(repo, ["a.rst"], GRACE, JAN_5)
    write(repo.root, "never-committed.rst")

    runner = CountingRunner()
    repo.runner = runner
    changes = repo.last_changes()

    assert len(runner.calls) == 1
    assert set(changes) == {"a.rst", "services/storage/index ü.rst"}
    size = NODE_LENGTH[repo.kind]
    assert changes["a.rst"] == Change(second[:size], "Grace Hopper", "grace@example.org", JAN_5)
    assert changes["services/storage/index ü.rst"] == Change(
        first[:size], "Ada Lovelace", "ada@example.org", JAN_2
    )
    # Same instant is not enough: the writer's own offset is kept.
    assert changes["a.rst"].date.utcoffset() == timedelta(hours=2)


def test_last_changes_of_an_empty_repository(repo: Repo) -> None:
    assert repo.last_changes() == {}


def test_last_changes_with_empty_and_merge_commits_in_git(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "g", "git")
    write(repo.root, "a.rst")
    base = commit_as(repo, ["a.rst"], ADA, JAN_2)
    git(repo.root, "commit", "-q", "--allow-empty", "-m", "nothing")
    git(repo.root, "checkout", "-q", "-b", "side", base)
    write(repo.root, "side.rst")
    side = commit_as(repo, ["side.rst"], GRACE, JAN_5)
    git(repo.root, "checkout", "-q", "-")
    git(repo.root, "merge", "-q", "--no-edit", "side")

    changes = repo.last_changes()
    assert {name: change.node for name, change in changes.items()} == {
        "a.rst": base[:10],
        "side.rst": side[:10],
    }


def test_modified_detects_edits_untracked_and_missing_files(repo: Repo) -> None:
    for name in ("a.rst", "b.rst", "clean.rst", "sub/c.rst"):
        write(repo.root, name)
    commit_as(repo, ["a.rst", "b.rst", "clean.rst", "sub/c.rst"], ADA, JAN_2)
    write(repo.root, "a.rst", "edited\n")
    (repo.root / "b.rst").unlink()
    write(repo.root, "new.rst")
    write(repo.root, "sub/deeper/new.rst")

    absolute = repo.root / "a.rst"
    asked = [
        absolute,
        Path("b.rst"),
        Path("clean.rst"),
        Path("new.rst"),
        Path("sub"),
        Path("sub/c.rst"),
        Path("."),
    ]
    runner = CountingRunner()
    repo.runner = runner
    expected = {absolute, Path("b.rst"), Path("new.rst"), Path("sub"), Path(".")}
    assert repo.modified(asked) == expected
    assert len(runner.calls) == 1


def test_add_and_commit_commits_exactly_the_listed_files(repo: Repo) -> None:
    for name in ("a.rst", "b.rst"):
        write(repo.root, name)
    commit_as(repo, ["a.rst", "b.rst"], ADA, JAN_2)
    write(repo.root, "a.rst", "edited\n")
    write(repo.root, "b.rst", "edited too\n")
    write(repo.root, "services/new.rst")

    node = repo.add_and_commit(
        [Path("a.rst"), repo.root / "services/new.rst"],
        "Import stubs",
        user="Grace Hopper <grace@example.org>",
    )

    assert len(node) == NODE_LENGTH[repo.kind]
    paths = [Path("a.rst"), Path("b.rst"), Path("services/new.rst")]
    assert repo.modified(paths) == {Path("b.rst")}
    changes = repo.last_changes()
    assert changes["a.rst"].node == node
    assert changes["services/new.rst"] == changes["a.rst"]
    assert changes["a.rst"].author == "Grace Hopper"
    assert changes["a.rst"].email == "grace@example.org"
    assert changes["b.rst"].author == "Ada Lovelace"


def test_add_and_commit_without_changes_fails(repo: Repo) -> None:
    write(repo.root, "a.rst")
    commit_as(repo, ["a.rst"], ADA, JAN_2)
    write(repo.root, "other.rst")  # an unrelated change must not be swept in

    with pytest.raises(VcsError) as raised:
        repo.add_and_commit([Path("a.rst")], "nothing")
    assert str(raised.value).startswith(f"{repo.kind} commit")
    assert "\n" not in str(raised.value)
    with pytest.raises(VcsError):
        repo.add_and_commit([], "no files")
    assert repo.modified([Path("other.rst")]) == {Path("other.rst")}


def test_hook_refuses_then_lets_commits_through(repo: Repo) -> None:
    write(repo.root, "a.rst")
    commit_as(repo, ["a.rst"], ADA, JAN_2)
    write(repo.root, "a.rst", "edited\n")

    hook = repo.install_hook(EXIT_1)
    assert hook.is_file()
    with pytest.raises(VcsError) as raised:
        repo.add_and_commit([Path("a.rst")], "refused")
    assert "\n" not in str(raised.value)
    assert repo.modified([Path("a.rst")]) == {Path("a.rst")}

    assert repo.install_hook(EXIT_0) == hook
    node = repo.add_and_commit([Path("a.rst")], "accepted")
    assert repo.last_changes()["a.rst"].node == node
    assert repo.modified([Path("a.rst")]) == set()


def test_bypass_hint_really_bypasses_the_hook(repo: Repo) -> None:
    write(repo.root, "a.rst")
    repo.install_hook(EXIT_1)
    hint = vcs.bypass_hint(repo.kind)
    assert "\n" not in hint
    if repo.kind == "hg":
        option = "--config hooks.pretxncommit.docscenter="
        assert option in hint
        hg(repo.root, "commit", "-A", "-m", "bypass", *option.split(), "a.rst")
    else:
        assert "git commit --no-verify" in hint
        git(repo.root, "add", "a.rst")
        git(repo.root, "commit", "-q", "--no-verify", "-m", "bypass")
    assert "a.rst" in repo.last_changes()


def test_hg_hook_is_idempotent_and_keeps_other_settings(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "h", "hg")
    hgrc = repo.root / ".hg" / "hgrc"
    hgrc.write_text(
        "# local settings\n[ui]\nusername = Someone <s@example.org>\n\n"
        "[hooks]\nchangegroup.notify = echo pushed\n"
        "precommit.docscenter = old-command\n  --continued-option\n",
        encoding="utf-8",
    )
    repo.install_hook("docscenter -C 'my center' check --hook")
    repo.install_hook("docscenter -C 'my center' check --hook")

    text = hgrc.read_text(encoding="utf-8")
    assert text.count("docscenter =") == 1  # the old precommit entry is migrated
    assert "pretxncommit.docscenter = docscenter -C 'my center' check --hook" in text
    assert "old-command" not in text and "--continued-option" not in text
    assert "# local settings" in text and "changegroup.notify = echo pushed" in text
    # hg itself reads the result: the hook is configured exactly once, other settings intact.
    config = hg(repo.root, "config", "hooks")
    assert "hooks.pretxncommit.docscenter=docscenter -C 'my center' check --hook" in config
    assert "hooks.changegroup.notify=echo pushed" in config
    assert hg(repo.root, "config", "ui.username").strip() == "Someone <s@example.org>"


def test_hg_hook_added_to_a_fresh_hgrc(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "h", "hg")
    (repo.root / ".hg" / "hgrc").unlink(missing_ok=True)
    repo.install_hook("true")
    assert hg(repo.root, "config", "hooks.pretxncommit.docscenter").strip() == "true"


def test_git_hook_is_marked_executable_and_guards_foreign_hooks(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "g", "git")
    hook = repo.install_hook("docscenter check")
    assert hook == repo.root / ".git" / "hooks" / "pre-commit"
    assert vcs.HOOK_MARKER in hook.read_text(encoding="utf-8")
    assert hook.stat().st_mode & stat.S_IXUSR
    assert repo.install_hook("docscenter check --strict") == hook

    hook.write_text("#!/bin/sh\nrun-my-linter\n", encoding="utf-8")
    with pytest.raises(VcsError, match="not written by docscenter"):
        repo.install_hook("docscenter check")
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\nrun-my-linter\n"


@pytest.mark.parametrize("kind", KINDS)
def test_detect_walks_up_from_a_subfolder(kind: str, tmp_path: Path) -> None:
    created = vcs.init_repo(tmp_path / "center", kind)
    sub = write(created.root, "services/storage/index.rst").parent

    found = vcs.detect(sub)
    assert isinstance(found, HgRepo if kind == "hg" else GitRepo)
    assert found.kind == kind and found.root == created.root
    assert vcs.detect(sub / "index.rst") is not None

    outside = tmp_path / "plain"
    outside.mkdir()
    assert vcs.detect(outside) is None


def test_detect_prefers_hg_in_mixed_setups(tmp_path: Path) -> None:
    vcs.init_repo(tmp_path / "both", "git")
    vcs.init_repo(tmp_path / "both", "hg")
    found = vcs.detect(tmp_path / "both")
    assert found is not None and found.kind == "hg"


@pytest.mark.parametrize("kind", KINDS)
def test_errors_are_one_line_and_name_the_command(kind: str, tmp_path: Path) -> None:
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    repo = HgRepo(not_a_repo) if kind == "hg" else GitRepo(not_a_repo)
    with pytest.raises(VcsError) as raised:
        repo.modified([Path("x")])
    message = str(raised.value)
    assert message.startswith(f"{kind} status failed")
    assert "\n" not in message


def test_timeout_becomes_vcs_error(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "h", "hg")
    # A hook that outlives the commit's time limit; the limit applies to the whole command.
    write(repo.root, "a.rst")
    repo.install_hook("sleep 30")
    quick = HgRepo(repo.root, commit_timeout=0.5)
    with pytest.raises(VcsError, match="hg commit: timed out"):
        quick.add_and_commit([Path("a.rst")], "slow")


def test_paths_outside_the_repository_are_refused(tmp_path: Path) -> None:
    repo = vcs.init_repo(tmp_path / "h", "hg")
    with pytest.raises(VcsError, match="outside the repository"):
        repo.add_and_commit([tmp_path / "elsewhere.rst"], "no")


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="svn"):
        vcs.init_repo(tmp_path, "svn")


def test_hg_command_prefers_the_one_next_to_python() -> None:
    assert vcs.hg_command() == str(Path(sys.executable).parent / "hg")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("Ada Lovelace <ada@example.org>", ("Ada Lovelace", "ada@example.org")),
        ('"Ada Lovelace" <ada@example.org>', ("Ada Lovelace", "ada@example.org")),
        ("<ada@example.org>", ("ada", "ada@example.org")),
        ("ada@example.org", ("ada", "ada@example.org")),
        ("ada", ("ada", "")),
    ],
)
def test_split_user(user: str, expected: tuple[str, str]) -> None:
    assert vcs.split_user(user) == expected
