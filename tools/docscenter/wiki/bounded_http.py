"""HTTP GET/POST with every bound a hostile server could stretch: answer size on the wire and
once decompressed, a deadline for the whole answer (headers included, so a server dripping a
byte at a time under the socket timeout is cut off), and redirects only where the caller's
:class:`RedirectPolicy` allows.

Built on ``urllib.request`` (proxies from the environment keep working); only the standard
library is used.
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit
from urllib.request import (
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
)

CHUNK = 64 * 1024


class FetchError(Exception):
    """An answer that broke a bound; str() is one line without the URL."""


class TooLarge(FetchError):
    """The answer is larger than allowed (on the wire or once decompressed)."""


class TooSlow(FetchError):
    """The answer did not arrive completely before its deadline."""


class RedirectRefused(FetchError):
    """The server redirected somewhere the policy does not allow."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes


# -- where redirects may go -------------------------------------------------------------------

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` resolves to (none when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # the connection attempt will report it
    return [str(info[4][0]) for info in infos]


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or ""), parts.port or (443 if scheme == "https" else 80)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.partition("%")[0])  # drop an IPv6 zone
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class RedirectPolicy:
    """Redirects go to the API's own origin (scheme, host, port) or to one of ``extra_hosts``
    (never from https to http), and never to a link-local, unspecified or (unless the API
    itself is there) loopback address."""

    url: str
    extra_hosts: tuple[str, ...] = ()
    resolver: Resolver = resolve

    def check(self, target: str) -> None:
        """Raise RedirectRefused when ``target`` may not be followed."""
        try:
            scheme, host, port = _origin(target)
        except ValueError:
            raise RedirectRefused(f"redirected to {target!r}, which is not a valid URL") from None
        own = _origin(self.url)
        if (scheme, host, port) == own:
            return
        if scheme not in ("http", "https") or not host:
            raise RedirectRefused(f"redirected to {target!r}, which is not an http(s) URL")
        if host not in self.extra_hosts:
            raise RedirectRefused(f"redirected to {target}, off the API's own address (not "
                                  "followed; allow a host with redirect_hosts or "
                                  "--redirect-host)")
        if own[0] == "https" and scheme == "http":
            raise RedirectRefused(f"redirected from https to plain http: {target}")
        loopback_ok = any(a is not None and a.is_loopback
                          for a in map(_address, self.resolver(own[1], own[2])))
        for address in map(_address, self.resolver(host, port)):
            if address is None:
                continue
            if address.is_link_local or address.is_unspecified or address.is_multicast or (
                    address.is_loopback and not loopback_ok):
                raise RedirectRefused(f"redirected to {target}, whose address {address} is "
                                      "a local or link-local one (not followed)")


class _PolicyRedirects(HTTPRedirectHandler):
    def __init__(self, policy: RedirectPolicy) -> None:
        self.policy = policy

    def redirect_request(self, req: Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Request | None:
        try:
            self.policy.check(newurl)
        except RedirectRefused:
            fp.close()
            raise
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.deadline = req.deadline  # type: ignore[attr-defined]
            fp.close()  # urllib would read the redirect's body, however large, to drop it
        return new


# -- reading under a deadline -----------------------------------------------------------------

class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read bounded by what is left of the deadline."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float,
                 timeout: float | None) -> None:
        self._raw, self._sock, self._deadline, self._timeout = raw, sock, deadline, timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TooSlow("the answer did not arrive in time")
        self._sock.settimeout(min(left, self._timeout) if self._timeout else left)
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if self._deadline <= time.monotonic():
                raise TooSlow("the answer did not arrive in time") from None
            raise

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        raw = self.fp.detach()  # the socket's unbuffered reader
        self.fp = io.BufferedReader(_DeadlineReader(raw, sock, deadline, sock.gettimeout()))


def _connection(base: type[http.client.HTTPConnection], req: Request) -> Callable[..., Any]:
    """A connection factory for urllib whose responses read under ``req``'s deadline."""
    deadline: float = req.deadline  # type: ignore[attr-defined]

    def connect(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        connection = base(host, **kwargs)
        connection.response_class = functools.partial(  # type: ignore[assignment]
            _DeadlineResponse, deadline=deadline)
        return connection

    return connect


class _HTTP(HTTPHandler):
    def http_open(self, req: Request) -> http.client.HTTPResponse:
        return self.do_open(_connection(http.client.HTTPConnection, req), req)


class _HTTPS(HTTPSHandler):
    def https_open(self, req: Request) -> http.client.HTTPResponse:
        context = self._context  # type: ignore[attr-defined]
        return self.do_open(_connection(http.client.HTTPSConnection, req), req, context=context)


# -- the body ---------------------------------------------------------------------------------

class _Body:
    """Collects an answer's body, decompressing gzip, within ``limit`` bytes both ways."""

    def __init__(self, encoding: str, limit: int) -> None:
        if encoding not in ("", "identity", "gzip", "x-gzip"):
            raise FetchError(f"the answer is encoded as {encoding!r}, which was not asked for")
        self._gzip = zlib.decompressobj(wbits=31) if "gzip" in encoding else None
        self._limit = limit
        self._wire = self._size = 0
        self._parts: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        self._wire += len(chunk)
        if self._wire > self._limit:
            raise TooLarge(f"the answer is larger than {self._limit} bytes (api_max_answer)")
        if self._gzip is None:
            self._keep(chunk)
            return
        try:
            while chunk:
                if self._gzip.eof:  # another gzip member follows
                    self._gzip = zlib.decompressobj(wbits=31)
                # max_length: never inflate past the limit, however well the data compresses
                self._keep(self._gzip.decompress(chunk, self._limit - self._size + 1))
                chunk = self._gzip.unconsumed_tail or self._gzip.unused_data
        except zlib.error as exc:
            raise FetchError(f"the answer's gzip data is corrupt ({exc})") from None

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise TooLarge(f"the answer expands to more than {self._limit} bytes "
                           "(api_max_answer)")
        self._parts.append(data)

    def value(self) -> bytes:
        if self._gzip is not None and self._wire and not self._gzip.eof:
            raise FetchError("the gzip answer is cut short")
        return b"".join(self._parts)


class BoundedFetcher:
    """Fetches one URL at a time within the bounds (see the module's docstring)."""

    def __init__(self, policy: RedirectPolicy, socket_timeout: float) -> None:
        self.socket_timeout = socket_timeout
        # Only HTTP(S): none of urllib's file:, ftp: or data: handlers, whatever a redirect says.
        self._opener = OpenerDirector()
        for handler in (ProxyHandler(), _HTTP(), _HTTPS(), HTTPDefaultErrorHandler(),
                        _PolicyRedirects(policy), HTTPErrorProcessor()):
            self._opener.add_handler(handler)

    def fetch(self, request: Request, *, seconds: float, max_bytes: int) -> Answer:
        """The answer to ``request``; urllib's errors (HTTPError, URLError, TimeoutError)
        pass through, the bounds raise TooLarge, TooSlow, RedirectRefused or FetchError."""
        request.deadline = time.monotonic() + seconds  # type: ignore[attr-defined]
        with self._opener.open(request, timeout=min(seconds, self.socket_timeout)) as response:
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(f"the answer is {declared} bytes, more than {max_bytes} "
                               "(api_max_answer)")
            encoding = response.headers.get("Content-Encoding", "").strip().lower()
            body = _Body(encoding, max_bytes)
            while chunk := response.read1(CHUNK):
                body.add(chunk)
            return Answer(response.status, response.headers, body.value())
