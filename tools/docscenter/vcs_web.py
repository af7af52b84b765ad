"""The web view of a center's repository, derived from its default remote, so that pages link
to their history, their source and an editor without any configuration.

The remote is ``hg paths default`` (Mercurial) or ``git remote get-url origin`` (Git). The
URL patterns supported (``{base}`` is the remote as an ``https://host/owner/repo`` address,
``{branch}`` the current Git branch, or ``default`` for Mercurial):

==========================  =====================================  ==========================
host                        history / source / edit                changeset
==========================  =====================================  ==========================
github.com                  {base}/commits|blob|edit/{branch}/…    {base}/commit/{node}
gitlab.com, hosts named     {base}/-/commits|blob|edit/{branch}/…  {base}/-/commit/{node}
gitlab…, heptapod…          (Mercurial on Heptapod: branch/default)
bitbucket.org               {base}/history-node|src/{branch}/…     {base}/commits/{node}
                            (edit: src/…?mode=edit)
any other http(s) host      hgweb: {base}/log|file/tip/…           {base}/rev/{node}
(Mercurial only)            (no editor)
==========================  =====================================  ==========================

Anything else (a local path, an unknown Git host) derives nothing. Credentials in a remote URL
are never copied into a link. ``docscenter_vcs_web`` in conf.py overrides all of this.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from . import vcs

_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!//)[^\\]+)$")


def web_base(remote: str) -> tuple[str, str] | None:
    """(``https://host/path`` without ``.git`` or credentials, host) of a remote, or None."""
    remote = remote.strip()
    scp = _SCP_LIKE.match(remote)
    if scp and "://" not in remote:
        host, path = scp["host"], scp["path"]
        scheme = "https"
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = parts.hostname or "", parts.path
        scheme = "http" if parts.scheme == "http" else "https"
        if parts.port and scheme in ("http", "https") and parts.scheme == scheme:
            host = f"{host}:{parts.port}"
    path = path.strip("/")
    path = path[:-4] if path.endswith(".git") else path
    if not host or not path or not re.fullmatch(r"[\w.:-]+", host):
        return None
    # Quoted: the address ends up in HTML attributes, and a remote is input from outside.
    return f"{scheme}://{host}/{quote(path, safe='/~.-_@+')}", host.split(":")[0].lower()


def web_templates(remote: str, kind: str, branch: str) -> dict[str, str]:
    """``docscenter_vcs_web`` for a remote (``kind``: "hg" or "git"); empty when unknown."""
    found = web_base(remote)
    if found is None:
        return {}
    base, host = found
    branch = quote(branch, safe="/.-_+")
    if host == "github.com":
        return {"history": f"{base}/commits/{branch}/{{path}}",
                "source": f"{base}/blob/{branch}/{{path}}",
                "edit": f"{base}/edit/{branch}/{{path}}",
                "changeset": f"{base}/commit/{{node}}"}
    if "gitlab" in host or "heptapod" in host:
        if kind == "hg":
            branch = f"branch/{branch}"
        return {"history": f"{base}/-/commits/{branch}/{{path}}",
                "source": f"{base}/-/blob/{branch}/{{path}}",
                "edit": f"{base}/-/edit/{branch}/{{path}}",
                "changeset": f"{base}/-/commit/{{node}}"}
    if host == "bitbucket.org":
        return {"history": f"{base}/history-node/{branch}/{{path}}",
                "source": f"{base}/src/{branch}/{{path}}",
                "edit": f"{base}/src/{branch}/{{path}}?mode=edit&at={branch}",
                "changeset": f"{base}/commits/{{node}}"}
    if kind == "hg":  # hgweb, "hg serve", Kallithea and the like
        return {"history": f"{base}/log/tip/{{path}}", "source": f"{base}/file/tip/{{path}}",
                "changeset": f"{base}/rev/{{node}}"}
    return {}


def derive(srcdir: Path) -> tuple[dict[str, str], str]:
    """(the web templates of the repository holding ``srcdir``, the center's folder relative
    to the repository root, "" or ending in "/"); ({}, "") outside a known web host."""
    repo = vcs.detect(srcdir)
    if repo is None:
        return {}, ""
    remote, branch = repo.default_remote()
    try:
        prefix = srcdir.resolve().relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        return {}, ""
    prefix = "" if prefix == "." else prefix + "/"
    default = "default" if repo.kind == "hg" else "main"
    return web_templates(remote, repo.kind, branch or default), prefix
