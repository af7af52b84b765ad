"""How a center installs its own tooling: the docscenter line of its ``requirements.txt``.

``init`` writes that line so that a fresh clone of the center builds with nothing but Python:
its Makefile creates ``.venv`` and installs ``requirements.txt`` into it. The line is either
given (``init --docscenter-requirement SPEC``) or derived from how the running docscenter
was installed, as pip records it (``direct_url.json``, PEP 610):

- from a VCS URL: ``docscenter @ git+https://...@<commit>``, which any machine can install;
- from a wheel, an archive or a folder (a checkout): ``docscenter @ <its URL>``; a ``file:``
  URL only works on this machine, which :attr:`Requirement.local` says;
- from a package index: ``docscenter==<version>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from .errors import UsageError
from .values import one_line
from .version import __version__

OPTION = "--docscenter-requirement"


@dataclass(frozen=True)
class Requirement:
    """The requirement line, where it comes from (for the file's comment), and whether it
    names something only this machine can reach."""

    spec: str
    origin: str
    local: bool = False


def given_requirement(spec: str) -> Requirement:
    """``spec`` checked: one pip requirement line (PEP 508) naming docscenter."""
    spec = one_line(spec, OPTION)
    try:
        parsed = Pep508(spec)
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0] if str(exc) else "not a requirement"
        raise UsageError(f"{OPTION} {spec!r}: {first}") from None
    if canonicalize_name(parsed.name) != "docscenter":
        raise UsageError(f"{OPTION} {spec!r}: names {parsed.name!r}, not docscenter")
    local = (parsed.url or "").startswith("file:")
    return Requirement(spec, "given to docscenter init", local)


def running_requirement() -> Requirement:
    """The requirement that installs the docscenter running now, where it came from."""
    try:
        record = metadata.distribution("docscenter").read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        record = None
    if not record:
        return Requirement(f"docscenter=={__version__}", "the package index")
    try:
        direct = json.loads(record)
        url = str(direct["url"])
    except (ValueError, KeyError, TypeError):
        return Requirement(f"docscenter=={__version__}", "the package index")
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        spec = f"docscenter @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
        origin = f"the {vcs['vcs']} repository {url}"
    else:
        spec = f"docscenter @ {url}"
        origin = f"the {'folder' if 'dir_info' in direct else 'file'} {url}"
    try:
        checked = given_requirement(spec)
    except UsageError:  # a record pip would not write; the version is still right
        return Requirement(f"docscenter=={__version__}", "the package index")
    return Requirement(checked.spec, origin, checked.local)


def center_requirement(spec: str | None) -> Requirement:
    """The requirement ``init`` writes: ``spec`` when given, else the running docscenter's."""
    return given_requirement(spec) if spec is not None else running_requirement()
