"""A real MediaWiki for tests and benchmarks: installed, filled, served and stopped on demand.

The wiki is the Debian ``mediawiki`` package (1.39) run by ``php``: its folder
(``/usr/share/mediawiki``, or ``$DOCSCENTER_MEDIAWIKI``) is the read-only docroot, and
everything the wiki writes — SQLite databases, caches, the settings, the server log — lives
in a scratch folder of ours. The settings file is found through ``MW_CONFIG_FILE``.

- :func:`find_mediawiki` finds the installation (installs nothing) or says in one line why
  there is none;
- :func:`install_wiki` runs ``maintenance/install.php`` on SQLite, then imports dumps with
  ``maintenance/importDump.php``; the namespaces the dumps use are declared first, so every
  title is what the export says (``WPD:About`` in namespace 3000, not "WPD:About" in the
  main namespace);
- :func:`cached_wiki` does the same once per set of inputs and lets concurrent test workers
  share the result;
- :meth:`ReferenceWiki.serve` starts ``php -S 127.0.0.1:PORT`` on a free port and returns a
  :class:`WikiServer` once ``api.php`` answers; :meth:`WikiServer.stop` ends it by process
  group (the server and its workers), never by name.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from ..wiki.export import ExportReader

DOCROOT_ENV = "DOCSCENTER_MEDIAWIKI"
DEBIAN_DOCROOT = Path("/usr/share/mediawiki")
EXTENSIONS = ("Cite", "ParserFunctions", "SyntaxHighlight_GeSHi")  # what wikis commonly run
SETTINGS_VERSION = "2"  # bump when the settings written below change: cached wikis go stale
_STANDARD_NAMESPACES = frozenset(range(-2, 16))
_NAMESPACE_NAME = re.compile(r"\A[^\W\d_][\w -]{0,60}\Z")


class MediaWikiUnavailable(Exception):
    """No usable MediaWiki on this machine; str() is the one-line reason."""


class WikiError(Exception):
    """The wiki failed to install, import, start or answer; str() is one line."""


@dataclass(frozen=True)
class MediaWiki:
    """An installed MediaWiki: its folder (used read-only), the php binary, its version."""

    docroot: Path
    php: str
    version: str


def find_mediawiki() -> MediaWiki:
    """Debian's MediaWiki with a php that has SQLite, or MediaWikiUnavailable."""
    docroot = Path(os.environ.get(DOCROOT_ENV) or DEBIAN_DOCROOT)
    defines = docroot / "includes" / "Defines.php"
    if not (docroot / "maintenance" / "install.php").is_file() or not defines.is_file():
        raise MediaWikiUnavailable(f"MediaWiki is not installed at {docroot} "
                                   "(apt-get install mediawiki)")
    php = shutil.which("php")
    if php is None:
        raise MediaWikiUnavailable("php is not installed (apt-get install php-cli)")
    probe = subprocess.run([php, "-r", 'echo extension_loaded("pdo_sqlite") ? "yes" : "no";'],
                           capture_output=True, text=True, check=False, timeout=60)
    if probe.stdout.strip() != "yes":
        raise MediaWikiUnavailable("php cannot open SQLite databases (apt-get install "
                                   "php-sqlite3)")
    found = re.search(r"define\(\s*'MW_VERSION',\s*'([^']+)'", defines.read_text("utf-8"))
    return MediaWiki(docroot, php, found[1] if found else "unknown")


@dataclass(frozen=True)
class Namespaces:
    """What a set of dumps needs from the wiki's configuration."""

    sitename: str
    project: str | None  # the name of namespace 4, when a dump gives it
    extra: Mapping[int, str]  # custom namespaces (id >= 100, or unknown ids) -> name


def dump_namespaces(dumps: Sequence[Path], default_sitename: str = "Reference Wiki") -> Namespaces:
    """The site name and the namespaces the dumps declare in ``<siteinfo>`` or use in titles."""
    sitename, project = None, None
    extra: dict[int, str] = {}
    for dump in dumps:
        reader = ExportReader(dump)
        site = reader.siteinfo
        sitename = sitename or site.sitename
        project = project or site.namespaces.get(4) or None
        for ns_id, name in site.namespaces.items():
            if ns_id not in _STANDARD_NAMESPACES and name:
                extra.setdefault(ns_id, name)
        for page in reader:
            head, colon, _rest = page.title.partition(":")
            if colon and page.namespace not in _STANDARD_NAMESPACES:
                extra.setdefault(page.namespace, head)
    for ns_id, name in extra.items():
        if not _NAMESPACE_NAME.match(name):
            raise WikiError(f"namespace {ns_id}: {name!r} is not a namespace name")
    return Namespaces(sitename or default_sitename, project, extra)


def _php(value: str) -> str:
    """A PHP single-quoted string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def settings_php(folder: Path, namespaces: Namespaces) -> str:
    """Our settings: the installer's LocalSettings.php, then what tests and benchmarks need."""
    lines = [
        "<?php",
        "// A throw-away wiki for docscenter's tests and benchmarks. Everything it writes",
        "// stays in this folder; the MediaWiki installation is only read.",
        "require __DIR__ . '/LocalSettings.php';",
        # The installer wrote absolute paths; these make the folder movable (and copyable).
        "$wgSQLiteDataDir = __DIR__ . '/data';",
        "$wgObjectCaches[CACHE_DB]['server']['dbDirectory'] = $wgSQLiteDataDir;",
        "$wgLocalisationCacheConf['storeServer']['dbDirectory'] = $wgSQLiteDataDir;",
        "$wgJobTypeConf['default']['server']['dbDirectory'] = $wgSQLiteDataDir;",
        "$wgServer = getenv('DOCSCENTER_MW_SERVER') ?: 'http://127.0.0.1';",
        "$wgCanonicalServer = $wgServer;",
        f"$wgSitename = {_php(namespaces.sitename)};",
        "$wgCacheDirectory = __DIR__ . '/cache';",
        "$wgUploadDirectory = __DIR__ . '/images';",
        "$wgEnableUploads = false;",
        "$wgJobRunRate = 0;  // no job runs inside a web request",
        "$wgParserCacheType = CACHE_NONE;  // every parse is fresh and writes nothing",
        "$wgShowExceptionDetails = true;",
        "$wgGroupPermissions['*']['edit'] = false;",
        "$wgGroupPermissions['*']['createaccount'] = false;",
        # Tests serve one installation from several processes: the web side only reads.
        "if (PHP_SAPI === 'cli-server') { $wgReadOnly = 'a reference wiki for tests'; }",
    ]
    if namespaces.project:
        lines.append(f"$wgMetaNamespace = {_php(namespaces.project.replace(' ', '_'))};")
    for ns_id, name in sorted(namespaces.extra.items()):
        talk = ns_id + 1 if ns_id % 2 == 0 else None
        lines.append(f"$wgExtraNamespaces[{ns_id}] = {_php(name.replace(' ', '_'))};")
        lines.append(f"$wgNamespacesWithSubpages[{ns_id}] = true;")
        lines.append(f"$wgContentNamespaces[] = {ns_id};")
        if talk is not None and talk not in namespaces.extra:
            lines.append(f"$wgExtraNamespaces[{talk}] = {_php(name.replace(' ', '_') + '_talk')};")
    for extension in EXTENSIONS:
        lines.append(f"wfLoadExtension({_php(extension)});")
    return "\n".join(lines) + "\n"


class ReferenceWiki:
    """An installed wiki in ``folder`` (see :func:`install_wiki`)."""

    def __init__(self, folder: Path, mediawiki: MediaWiki) -> None:
        self.folder = folder
        self.mediawiki = mediawiki
        self.settings = folder / "settings.php"

    def environment(self, server: str = "http://127.0.0.1") -> dict[str, str]:
        return {**os.environ, "MW_CONFIG_FILE": str(self.settings),
                "DOCSCENTER_MW_SERVER": server}

    def maintenance(self, script: str, *args: str | Path) -> str:
        """Run ``maintenance/<script>.php ARGS``; its output, or WikiError naming the script."""
        command = [self.mediawiki.php, str(self.mediawiki.docroot / "maintenance" /
                                           f"{script}.php"), *map(str, args)]
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                cwd=self.folder, env=self.environment(), timeout=1800)
        if result.returncode != 0:
            output = (result.stderr.strip() or result.stdout.strip()).splitlines()
            raise WikiError(f"{script}.php failed (exit {result.returncode}): "
                            f"{output[-1] if output else 'no output'}")
        return result.stdout

    def import_dump(self, dump: Path) -> None:
        """Import a Special:Export dump. Link tables are not rebuilt: rendering, page lists,
        redirects and exports read the page and revision tables, which the import fills."""
        self.maintenance("importDump", "--no-updates", "--quiet", dump)

    def serve(self, workers: int = 1) -> WikiServer:
        """Start ``php -S`` on 127.0.0.1 and a free port; return once ``api.php`` answers."""
        return WikiServer.start(self, workers)


def install_wiki(folder: Path, mediawiki: MediaWiki, dumps: Sequence[Path] = ()) -> ReferenceWiki:
    """Install a wiki on SQLite in the new folder ``folder`` and import ``dumps`` into it."""
    namespaces = dump_namespaces(dumps)
    folder.mkdir(parents=True)
    for sub in ("data", "cache", "images"):
        (folder / sub).mkdir()
    wiki = ReferenceWiki(folder, mediawiki)
    # The installer reads MW_CONFIG_FILE to learn whether a wiki exists already: point it at
    # the file it is about to write, never at the system's LocalSettings.php.
    env = {**os.environ, "MW_CONFIG_FILE": str(folder / "LocalSettings.php")}
    command = [mediawiki.php, str(mediawiki.docroot / "maintenance" / "install.php"),
               "--dbtype=sqlite", f"--dbpath={folder / 'data'}", "--dbname=wiki",
               "--server=http://127.0.0.1", "--scriptpath=", f"--confpath={folder}",
               "--lang=en", "--skins=Vector", f"--pass={secrets.token_hex(16)}",
               namespaces.sitename, "Admin"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder,
                            env=env, timeout=600)
    if result.returncode != 0 or not (folder / "LocalSettings.php").is_file():
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise WikiError(f"install.php failed in {folder}: {lines[-1] if lines else 'no output'}")
    wiki.settings.write_text(settings_php(folder, namespaces), encoding="utf-8")
    for dump in dumps:
        wiki.import_dump(dump)
    return wiki


def cached_wiki(cache: Path, mediawiki: MediaWiki, dumps: Sequence[Path]) -> ReferenceWiki:
    """The wiki :func:`install_wiki` makes of ``dumps``, installed once under ``cache``.

    The folder is named after the MediaWiki version, our settings and the dumps' contents;
    a lock lets concurrent processes (pytest-xdist workers) wait for one installation."""
    digest = hashlib.sha256(f"{mediawiki.version}\0{SETTINGS_VERSION}".encode())
    for dump in dumps:
        digest.update(b"\0" + hashlib.sha256(Path(dump).read_bytes()).digest())
    name = f"mediawiki-{digest.hexdigest()[:16]}"
    folder = cache / name
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (folder / "ready").is_file():
            return ReferenceWiki(folder, mediawiki)
        shutil.rmtree(folder, ignore_errors=True)  # a half-made one from a killed run
        wiki = install_wiki(folder, mediawiki, dumps)
        (folder / "ready").write_text("", encoding="utf-8")
        return wiki


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
    """``php -S 127.0.0.1:PORT`` serving one :class:`ReferenceWiki`; a context manager."""

    def __init__(self, wiki: ReferenceWiki, process: subprocess.Popen[bytes], port: int) -> None:
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
    def start(cls, wiki: ReferenceWiki, workers: int = 1, attempts: int = 3) -> WikiServer:
        problem = ""
        for _ in range(attempts):  # another process may take the free port first
            port = free_port()
            env = wiki.environment(f"http://127.0.0.1:{port}")
            if workers > 1:
                env["PHP_CLI_SERVER_WORKERS"] = str(workers)
            with open(wiki.folder / f"server-{port}.log", "wb") as log:
                process = subprocess.Popen(
                    [wiki.mediawiki.php, "-S", f"127.0.0.1:{port}", "-t",
                     str(wiki.mediawiki.docroot)],
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
                answer = json.loads(response.read())
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

    def export(self, titles: Iterable[str]) -> bytes:
        """The wiki's own Special:Export of ``titles`` (current revisions)."""
        body = urlencode({"title": "Special:Export", "pages": "\n".join(titles),
                          "curonly": "1", "action": "submit"}).encode()
        try:
            with urlopen(Request(self.index_url, body), timeout=300) as response:
                return bytes(response.read())
        except URLError as exc:
            raise WikiError(f"{self.index_url}: Special:Export: {exc}") from exc

