"""Benchmark: last-changed metadata for every page, one hg call versus one call per file.

Builds a throw-away Mercurial repository (400 .rst files, ~300 commits by a few writers touching
random files, made through one hg command server to keep set-up short), then times
``HgRepo.last_changes()`` (a single ``hg log``) against the naive way (``hg log -l1 FILE`` for
each file) and checks both agree.

    python bench/history.py [--files 400] [--commits 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import struct
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from docscenter.vcs import HgRepo, hg_command, init_repo

WRITERS = [
    "Ada Lovelace <ada@example.org>",
    "Grace Hopper <grace@example.org>",
    "Alan Turing <alan@example.org>",
    "Margaret Hamilton <margaret@example.org>",
]


def hg(root: Path, *args: str) -> str:
    """Run one real hg command in ``root`` in plain mode."""
    exe = hg_command()
    if exe is None:
        raise SystemExit("hg not found: pip install mercurial")
    done = subprocess.run(
        [exe, *args], cwd=root, capture_output=True, text=True, check=True, env=os.environ
    )
    return done.stdout


class CommandServer:
    """One long-lived ``hg serve --cmdserver pipe`` process running many hg commands.

    Building 300 commits with a fresh hg process each costs most of a minute in interpreter
    start-up alone; the command server (hg's documented pipe protocol) avoids that.
    """

    def __init__(self, root: Path) -> None:
        exe = hg_command()
        if exe is None:
            raise SystemExit("hg not found: pip install mercurial")
        self.proc = subprocess.Popen(
            [exe, "serve", "--cmdserver", "pipe"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._read()  # the hello message

    def _read(self) -> tuple[bytes, bytes]:
        assert self.proc.stdout is not None
        channel, size = struct.unpack(">cI", self.proc.stdout.read(5))
        # The result channel carries a 4-byte exit code; output channels carry `size` bytes.
        return channel, self.proc.stdout.read(size)

    def run(self, *args: str) -> None:
        """Run one hg command; fail loudly on a non-zero exit."""
        assert self.proc.stdin is not None
        data = "\0".join(args).encode("utf-8")
        self.proc.stdin.write(b"runcommand\n" + struct.pack(">I", len(data)) + data)
        self.proc.stdin.flush()
        errors = b""
        while True:
            channel, payload = self._read()
            if channel == b"e":
                errors += payload
            elif channel == b"r":
                if struct.unpack(">i", payload)[0] != 0:
                    raise SystemExit(f"hg {args[0]} failed: {errors.decode(errors='replace')}")
                return

    def close(self) -> None:
        """Stop the server (closing its input ends it)."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def build_history(root: Path, files: int, commits: int, rng: random.Random) -> list[str]:
    """Create ``files`` pages and ``commits`` changesets (the first adds every page)."""
    init_repo(root, "hg")
    names = [f"services/svc{n % 20:02d}/page{n:03d}.rst" for n in range(files)]
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{name}\n{'=' * len(name)}\n", encoding="utf-8")
    when = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    server = CommandServer(root)
    try:
        date = f"{int(when.timestamp())} 0"
        server.run("commit", "-A", "-q", "-m", "initial import", "-u", WRITERS[0], "-d", date)
        for number in range(1, commits):
            # Most commits touch a few pages; writers and dates vary like real editing.
            for name in rng.sample(names, rng.randint(1, 6)):
                with (root / name).open("a", encoding="utf-8") as page:
                    page.write(f"\nEdit {number}.\n")
            when += timedelta(hours=rng.randint(1, 48))
            date = f"{int(when.timestamp())} 0"
            server.run(
                "commit", "-q", "-m", f"edit {number}", "-u", rng.choice(WRITERS), "-d", date
            )
    finally:
        server.close()
    return names


def naive_last_changes(root: Path, names: list[str]) -> dict[str, str]:
    """Short node of each file's latest change, asking hg once per file."""
    result = {}
    for name in names:
        out = hg(root, "log", "-l1", "-Tjson(node)", f"path:{name}")
        result[name] = json.loads(out)[0]["node"][:12]
    return result


def main() -> None:
    """Build the repository, time both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    # Plain, configuration-free hg so the figures do not depend on the user's hgrc.
    os.environ.update(HGPLAIN="1", HGRCPATH="")

    with tempfile.TemporaryDirectory(prefix="docscenter-bench-") as tmp:
        root = Path(tmp) / "center"
        start = time.perf_counter()
        names = build_history(root, options.files, options.commits, random.Random(options.seed))
        setup = time.perf_counter() - start
        print(f"setup: {options.files} files, {options.commits} commits in {setup:.1f} s")

        start = time.perf_counter()
        changes = HgRepo(root).last_changes()
        one_call = time.perf_counter() - start

        start = time.perf_counter()
        naive = naive_last_changes(root, names)
        per_file = time.perf_counter() - start

        if {name: change.node for name, change in changes.items()} != naive:
            raise SystemExit("mismatch between last_changes() and per-file hg log")
        print(f"last_changes(), 1 hg call:     {one_call * 1000:8.0f} ms")
        print(f"hg log -l1 per file, {len(names)} calls: {per_file * 1000:8.0f} ms")
        print(f"ratio: {per_file / one_call:.0f}x faster")


if __name__ == "__main__":
    main()
