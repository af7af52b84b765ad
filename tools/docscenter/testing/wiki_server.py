"""A running reference wiki: ``php -S`` on 127.0.0.1 serving one installed wiki.

:meth:`WikiServer.start` picks a free port, starts the server in its own process group and
returns once ``api.php`` answers; :meth:`WikiServer.stop` ends the server and its workers by
that group's id (never by name) and waits until none of them runs. The helpers ask the wiki
what tests and benchmarks need: API calls, rendered pages, page lists, Special:Export.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen


class _Installation(Protocol):
    @property
    def docroot(self) -> Path: ...
    @property
    def php(self) -> str: ...


class ServedWiki(Protocol):
    """What the server needs of an installed wiki (a :class:`.mediawiki.ReferenceWiki`)."""

    @property
    def folder(self) -> Path: ...
    @property
    def mediawiki(self) -> _Installation: ...
    def environment(self, server: str = ...) -> dict[str, str]: ...


class WikiError(Exception):
    """The wiki failed to install, import, start or answer; str() is one line."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def living_members(group: int) -> list[int]:
    """The processes of process group ``group`` that still run (not zombies), from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # ended meanwhile
        fields = stat.rpartition(")")[2].split()  # after "pid (command)": state ppid pgrp
        if len(fields) > 2 and fields[0] != "Z" and fields[2] == str(group):
            members.append(int(entry))
    return members


class WikiServer:
    """``php -S 127.0.0.1:PORT`` serving one :class:`ServedWiki`; a context manager."""

    def __init__(self, wiki: ServedWiki, process: subprocess.Popen[bytes], port: int) -> None:
        self.wiki = wiki
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.url}/api.php"
        self.index_url = f"{self.url}/index.php"
        atexit.register(self.stop)  # a crashed session leaves no server behind

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    def start(cls, wiki: ServedWiki, workers: int = 1, attempts: int = 3,
              upload_host: str | None = None) -> WikiServer:
        problem = ""
        router = [str(wiki.folder / "router.php")] if (wiki.folder / "router.php").is_file() \
            else []
        for _ in range(attempts):  # another process may take the free port first
            port = free_port()
            env = wiki.environment(f"http://127.0.0.1:{port}")
            if workers > 1:
                env["PHP_CLI_SERVER_WORKERS"] = str(workers)
            if upload_host:
                env["DOCSCENTER_MW_UPLOADS"] = f"http://{upload_host}:{port}/images"
            with open(wiki.folder / f"server-{port}.log", "wb") as log:
                process = subprocess.Popen(
                    [wiki.mediawiki.php, "-S", f"127.0.0.1:{port}", "-t",
                     str(wiki.mediawiki.docroot), *router],
                    cwd=wiki.folder, env=env, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True)
            server = cls(wiki, process, port)
            try:
                server._wait_ready()
                return server
            except WikiError as exc:
                server.stop()
                problem = str(exc)
        raise WikiError(problem)

    def _wait_ready(self, timeout: float = 60) -> None:
        """Poll until ``api.php`` answers; a server that answers with an error fails at once."""
        deadline = time.monotonic() + timeout
        probe = f"{self.api_url}?action=query&meta=siteinfo&format=json"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WikiError(f"php -S on port {self.port} exited with status "
                                f"{self.process.returncode}")
            try:
                with urlopen(probe, timeout=10) as response:
                    json.loads(response.read())
                return
            except HTTPError as exc:
                first = exc.read().decode("utf-8", "replace").strip().split("\n")[0][:200]
                raise WikiError(f"{self.api_url} answered HTTP {exc.code}: {first}") from exc
            except ValueError as exc:
                raise WikiError(f"{self.api_url} answered, but not with JSON") from exc
            except OSError:
                time.sleep(0.1)  # not listening yet
        raise WikiError(f"{self.api_url} did not answer within {timeout:g} s")

    def stop(self) -> None:
        """Stop the server and its worker processes (one process group, by its id), and wait
        until none of them runs any more, so the port is free when this returns."""
        atexit.unregister(self.stop)
        group = self.process.pid
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGTERM)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=0.05)
                if self.process.poll() is not None and not living_members(group):
                    return
            if sig == signal.SIGTERM:  # still there after 10 s: no more asking
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)

    def __enter__(self) -> WikiServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- asking the wiki -----------------------------------------------------------------------

    def api(self, params: Mapping[str, str], timeout: float = 300) -> dict[str, Any]:
        """One ``api.php`` call (POST, JSON, formatversion 2); WikiError on an API error."""
        body = urlencode({**params, "format": "json", "formatversion": "2"}).encode()
        try:
            with urlopen(Request(self.api_url, body), timeout=timeout) as response:
                answer: dict[str, Any] = json.loads(response.read())
        except (URLError, ValueError) as exc:
            raise WikiError(f"{self.api_url}: {exc}") from exc
        if "error" in answer:
            error = answer["error"]
            raise WikiError(f"{self.api_url}: {error.get('code')}: {error.get('info')}")
        return answer

    def parse(self, title: str) -> str:
        """The HTML MediaWiki renders for the page ``title`` (no edit links, no TOC)."""
        answer = self.api({"action": "parse", "page": title, "prop": "text",
                           "disableeditsection": "1", "disabletoc": "1",
                           "disablelimitreport": "1"})
        return str(answer["parse"]["text"])

    def render(self, text: str, title: str = "Sandbox") -> str:
        """The HTML MediaWiki renders for ``text`` as if it were the page ``title``."""
        answer = self.api({"action": "parse", "text": text, "title": title,
                           "contentmodel": "wikitext", "prop": "text",
                           "disableeditsection": "1", "disabletoc": "1",
                           "disablelimitreport": "1"})
        return str(answer["parse"]["text"])

    def titles(self, namespace: int = 0, limit: int = 500) -> Iterator[str]:
        """Every page title of ``namespace``, in the wiki's order."""
        params = {"action": "query", "list": "allpages", "apnamespace": str(namespace),
                  "aplimit": str(limit)}
        extra: dict[str, str] = {}
        while True:
            answer = self.api({**params, **extra})
            for page in answer["query"]["allpages"]:
                yield str(page["title"])
            if "continue" not in answer:
                return
            extra = {str(k): str(v) for k, v in answer["continue"].items()}

    def export(self, titles: Iterable[str], history: bool = False) -> bytes:
        """The wiki's own Special:Export of ``titles``: current revisions, or with
        ``history`` every revision."""
        fields = {"title": "Special:Export", "pages": "\n".join(titles), "action": "submit"}
        fields |= {"history": "1"} if history else {"curonly": "1"}
        body = urlencode(fields).encode()
        try:
            with urlopen(Request(self.index_url, body), timeout=300) as response:
                return bytes(response.read())
        except URLError as exc:
            raise WikiError(f"{self.index_url}: Special:Export: {exc}") from exc

