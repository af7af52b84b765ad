"""How far a wiki source may go, and what an import's sources skipped.

Every input from outside is bounded: the size of a page and of a dump, the size of an
``api.php`` answer (on the wire and decompressed), the time one answer and the whole import may
take, how long the client waits when the server asks it to, how often it retries and how many
pages it reads. The defaults are generous for real wikis; a center sets others in the
manifest's ``[wiki.limits]`` table, and ``DOCSCENTER_<NAME>`` environment variables override
both (CI runs, tests).
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .source_types import SourceError

KiB, MiB, GiB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class SourceLimits:
    """The bounds of one import's sources (sizes in bytes, times in seconds)."""

    max_page_size: int = 16 * MiB  # UTF-8 bytes of one page's wikitext; larger ones are skipped
    max_dump_size: int = 64 * GiB  # bytes of one dump once decompressed
    api_max_answer: int = 32 * MiB  # bytes of one api.php answer, compressed and decompressed
    api_timeout: float = 30.0  # silence on the connection before an attempt fails
    api_request_deadline: float = 300.0  # one whole answer, however slowly it trickles in
    api_total_deadline: float = 3600.0  # every api.php request of the import together
    api_retries: int = 5  # attempts after the first when the server is busy or silent
    api_max_wait: float = 120.0  # the longest Retry-After honoured; a longer one is an error
    api_max_pages: int = 20_000  # pages one import reads from api.php sources
    max_file_size: int = 64 * MiB  # bytes of one wiki file (image, attachment) placed
    max_files_total: int = 4 * GiB  # bytes of all the files one import places
    max_revisions: int = 10_000  # revisions of one page replayed as commits (--history)


LIMIT_NAMES = tuple(f.name for f in dataclasses.fields(SourceLimits))
SIZES = ("max_page_size", "max_dump_size", "api_max_answer", "max_file_size", "max_files_total")
SECONDS = ("api_timeout", "api_request_deadline", "api_total_deadline", "api_max_wait")
ENV_PREFIX = "DOCSCENTER_"
_NUMBER = re.compile(r"\A\s*(\d+(?:\.\d+)?)\s*\Z")
_SIZE = re.compile(r"\A\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|b)?\s*\Z", re.IGNORECASE)
_UNITS = {"k": KiB, "m": MiB, "g": GiB}


def _parse(name: str, value: object) -> int | float:
    """One limit's value: a size (``16M``, ``512KiB``, bytes), seconds or a count; > 0."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        match = (_SIZE if name in SIZES else _NUMBER).match(value)
        if match:
            unit = match.groups()[1] if name in SIZES else None
            number = float(match[1]) * _UNITS.get((unit or "").lower(), 1)
    if name in SECONDS:
        if number is not None and 0 < number < float("inf"):
            return number
        raise ValueError(f"{name} = {value!r}: expected a positive number of seconds")
    least = 0 if name == "api_retries" else 1  # no retry at all is a fair choice
    if number is not None and number >= least and (name in SIZES or number.is_integer()):
        return int(number)
    if name in SIZES:
        raise ValueError(f"{name} = {value!r}: expected a size such as 16M, 512K or bytes")
    raise ValueError(f"{name} = {value!r}: expected a whole number of at least {least}")


def parse_limits(table: Mapping[str, object], base: SourceLimits | None = None) -> SourceLimits:
    """``base`` (default: the defaults) with the values of ``table`` (a manifest's
    ``[wiki.limits]``); raises ValueError with a one-line message on a bad name or value."""
    values: dict[str, Any] = {}  # limit name -> its int or float value
    for name, value in table.items():
        if name not in LIMIT_NAMES:
            raise ValueError(f"unknown limit {name!r} (known: {', '.join(LIMIT_NAMES)})")
        values[name] = _parse(name, value)
    return dataclasses.replace(base or SourceLimits(), **values)


def limits_from_environment(base: SourceLimits, environ: Mapping[str, str] | None = None
                            ) -> SourceLimits:
    """``base`` with every ``DOCSCENTER_<NAME>`` variable applied (a SourceError names a bad
    one)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}  # limit name -> its int or float value
    for name in LIMIT_NAMES:
        variable = ENV_PREFIX + name.upper()
        raw = environ.get(variable, "")
        if raw.strip():
            try:
                values[name] = _parse(name, raw)
            except ValueError as exc:
                raise SourceError(f"{variable}: {exc}") from None
    return dataclasses.replace(base, **values)


@dataclass(frozen=True)
class SkippedPage:
    """A page a source could not give: ``kind`` is ``missing`` or ``too-large``."""

    title: str
    source: str
    kind: str
    reason: str


class SourceSession:
    """One import's reading of its sources: the limits, the clock of the total deadline, the
    count of pages read from api.php, and the pages skipped (each noted once, though a large
    dump is read twice)."""

    def __init__(self, limits: SourceLimits | None = None, *, redirect_hosts: tuple[str, ...] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or SourceLimits()
        self.redirect_hosts = tuple(h.strip().lower() for h in redirect_hosts if h.strip())
        self._clock = clock
        self._started = clock()
        self.api_pages = 0
        self._skipped: dict[tuple[str, str, str], SkippedPage] = {}

    def time_left(self) -> float:
        """Seconds left of ``api_total_deadline``."""
        return self.limits.api_total_deadline - (self._clock() - self._started)

    def count_api_page(self, source: str) -> None:
        """Note one more page read from ``source``; past ``api_max_pages`` a SourceError."""
        self.api_pages += 1
        if self.api_pages > self.limits.api_max_pages:
            raise SourceError(f"{source}: more than {self.limits.api_max_pages} pages "
                              "(api_max_pages); narrow the prefix or raise the limit")

    def skip(self, title: str, source: str, kind: str, reason: str) -> None:
        """Record a page that is reported and skipped."""
        self._skipped.setdefault((source, title, kind), SkippedPage(title, source, kind, reason))

    @property
    def skipped(self) -> list[SkippedPage]:
        return list(self._skipped.values())


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (ASCII text is measured without encoding it)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
