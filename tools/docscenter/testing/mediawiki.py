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
  :class:`~.wiki_server.WikiServer` once ``api.php`` answers (see :mod:`.wiki_server`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..wiki.export import ExportReader
from .wiki_server import WikiError, WikiServer, living_members

__all__ = ["MediaWiki", "MediaWikiUnavailable", "ReferenceWiki", "WikiError", "WikiServer",
           "cached_wiki", "dump_namespaces", "find_mediawiki", "install_wiki", "living_members"]

DOCROOT_ENV = "DOCSCENTER_MEDIAWIKI"
DEBIAN_DOCROOT = Path("/usr/share/mediawiki")
EXTENSIONS = ("Cite", "ParserFunctions", "SyntaxHighlight_GeSHi")  # what wikis commonly run
SETTINGS_VERSION = "3"  # bump when the settings written below change: cached wikis go stale
_STANDARD_NAMESPACES = frozenset(range(-2, 16))
_NAMESPACE_NAME = re.compile(r"\A[^\W\d_][\w -]{0,60}\Z")


class MediaWikiUnavailable(Exception):
    """No usable MediaWiki on this machine; str() is the one-line reason."""


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


def settings_php(namespaces: Namespaces, article_path: str | None = None,
                 cache: Path | None = None) -> str:
    """Our settings: the installer's LocalSettings.php, then what tests and benchmarks need.

    ``cache`` is where the localisation cache goes (default: the wiki's own ``cache``
    folder); wikis of one MediaWiki version may share one, which spares each new wiki the
    seconds of building it.

    With ``article_path`` (``https://wiki.example.org/wiki/$1``) the wiki writes its URLs as
    that wiki did ({{fullurl:}}, {{SERVER}}), though it is served on 127.0.0.1."""
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
        *_mirrored(article_path),
        "$wgCanonicalServer = $wgServer;",
        f"$wgSitename = {_php(namespaces.sitename)};",
        "$wgCacheDirectory = " + (_php(str(cache)) if cache else "__DIR__ . '/cache'") + ";",
        "$wgUploadDirectory = __DIR__ . '/images';",
        # Files are served from that folder by router.php (the docroot is only read), on
        # the wiki's own address or on the one a test names (an "upload host").
        "$wgUploadPath = getenv('DOCSCENTER_MW_UPLOADS') ?: '/images';",
        "$wgEnableUploads = true;  // for importImages.php; the web side is read-only",
        "$wgFileExtensions = ['png', 'gif', 'jpg', 'jpeg', 'webp', 'svg', 'pdf'];",
        "$wgUseInstantCommons = false;",
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


def _mirrored(article_path: str | None) -> list[str]:
    if not article_path:
        return []
    parts = urlsplit(article_path)
    if parts.scheme not in ("http", "https") or not parts.netloc or "$1" not in parts.path:
        raise WikiError(f"{article_path!r} is not an article path like https://host/wiki/$1")
    return [f"$wgServer = {_php(f'{parts.scheme}://{parts.netloc}')};",
            f"$wgArticlePath = {_php(parts.path)};"]


ROUTER = "router.php"
# php -S runs this before serving anything: the wiki's uploads come from its own folder (the
# docroot's "images" is the system's), everything else as php -S would serve it.
ROUTER_PHP = """<?php
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '');
if (strncmp($path, '/images/', 8) !== 0) {
    return false;
}
$base = realpath(__DIR__ . '/images');
$file = realpath($base . '/' . substr($path, 8));
if ($file === false || strncmp($file, $base . '/', strlen($base) + 1) !== 0 || !is_file($file)) {
    http_response_code(404);
    return true;
}
$types = ['png' => 'image/png', 'gif' => 'image/gif', 'jpg' => 'image/jpeg',
          'jpeg' => 'image/jpeg', 'webp' => 'image/webp', 'svg' => 'image/svg+xml',
          'pdf' => 'application/pdf'];
$ext = strtolower(pathinfo($file, PATHINFO_EXTENSION));
header('Content-Type: ' . ($types[$ext] ?? 'application/octet-stream'));
header('Content-Length: ' . filesize($file));
readfile($file);
return true;
"""


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

    def import_files(self, folder: Path) -> None:
        """Upload every file of ``folder`` (``importImages.php``), under its own name."""
        self.maintenance("importImages", "--comment=Uploaded for the tests", folder)

    def serve(self, workers: int = 1, upload_host: str | None = None) -> WikiServer:
        """Start ``php -S`` on 127.0.0.1 and a free port; return once ``api.php`` answers.
        With ``upload_host`` the wiki names its files at that host (same port)."""
        return WikiServer.start(self, workers, upload_host=upload_host)


def install_wiki(folder: Path, mediawiki: MediaWiki, dumps: Sequence[Path] = (),
                 article_path: str | None = None, cache: Path | None = None,
                 files: Path | None = None) -> ReferenceWiki:
    """Install a wiki on SQLite in the new folder ``folder``, import ``dumps`` into it and
    upload the files of the folder ``files`` (``article_path`` and ``cache``: see
    :func:`settings_php`)."""
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
    wiki.settings.write_text(settings_php(namespaces, article_path, cache), encoding="utf-8")
    (folder / ROUTER).write_text(ROUTER_PHP, encoding="utf-8")
    for dump in dumps:
        wiki.import_dump(dump)
    if files is not None:
        wiki.import_files(files)
    return wiki


def cached_wiki(cache: Path, mediawiki: MediaWiki, dumps: Sequence[Path],
                article_path: str | None = None, files: Path | None = None) -> ReferenceWiki:
    """The wiki :func:`install_wiki` makes of ``dumps`` (and ``files``), installed once under
    ``cache``.

    The folder is named after the MediaWiki version, our settings and the inputs' contents;
    a lock lets concurrent processes (pytest-xdist workers) wait for one installation."""
    digest = hashlib.sha256(f"{mediawiki.version}\0{SETTINGS_VERSION}\0{article_path}".encode())
    inputs = [*dumps, *(sorted(p for p in files.rglob("*") if p.is_file()) if files else [])]
    for path in inputs:
        digest.update(b"\0" + Path(path).name.encode() + b"\0"
                      + hashlib.sha256(Path(path).read_bytes()).digest())
    name = f"mediawiki-{digest.hexdigest()[:16]}"
    folder = cache / name
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (folder / "ready").is_file():
            return ReferenceWiki(folder, mediawiki)
        shutil.rmtree(folder, ignore_errors=True)  # a half-made one from a killed run
        shared = cache / f"l10n-{mediawiki.version}-{SETTINGS_VERSION}"
        shared.mkdir(exist_ok=True)
        wiki = install_wiki(folder, mediawiki, dumps, article_path, shared, files)
        (folder / "ready").write_text("", encoding="utf-8")
        return wiki
