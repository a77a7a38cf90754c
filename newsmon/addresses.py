"""Where the fetcher's connections may go, and for how long.

Links in feeds and pages are untrusted: they may not reach this machine or the private network
it sits in, unless ``allowed_networks`` says so. The check is made in httpcore's network backend,
on the very addresses the connection is then made to (one look-up: a name cannot answer the
check with a public address and the connection with a private one), for every connection,
redirects included. The same backend holds each request to its deadline, and cuts every
connection at once when the run stops.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

import httpcore
from httpcore._backends.sync import SyncStream

T = TypeVar("T")

# What httpcore's SyncBackend sets on every connection it makes.
_NO_DELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

# When the request being made in this thread must be complete (time.monotonic()); None: never.
# httpx's sync client does all of a request's I/O in the thread that makes it.
_DEADLINE: ContextVar[float | None] = ContextVar("newsmon_request_deadline", default=None)


class AddressRefused(Exception):
    """A host that links may not reach (a non-public address not allowed), or without address."""


class Unresolved(AddressRefused):
    """A host name without address."""


class DeadlinePassed(Exception):
    """The request was not complete by its deadline."""


class AddressGuard:
    def __init__(self, allowed_networks: Iterable[str]) -> None:
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]

    def lookup(self, host: str, port: int) -> list[str]:
        """The host's addresses. ``host`` is as on the wire (httpx's IDNA 2008 ASCII form);
        given as bytes, Python's IDNA 2003 codec never re-encodes it."""
        try:
            found = socket.getaddrinfo(host.encode("ascii"), port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise Unresolved(f"cannot resolve {host}: {exc}") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in found))

    def check(self, host: str, addresses: list[str]) -> None:
        """Every address must be public or allowed: a name that also points inside is refused."""
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            if not ip.is_global and not any(ip in network for network in self._allowed):
                raise AddressRefused(
                    f"{host} is a non-public address ({ip}); not fetched "
                    "unless allowed_networks lists it"
                )


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's sockets, connected only to checked addresses (without a guard: to a
    configured proxy, which resolves names itself), within the request's deadline, and
    until ``abort``."""

    def __init__(self, guard: AddressGuard | None) -> None:
        self._guard = guard
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._aborted = False

    def abort(self) -> None:
        """End every connection's wait now (a run that stops does not wait out a slow host's
        timeout in its threads) and refuse new ones: their requests fail at once."""
        with self._lock:
            self._aborted = True
            open_sockets = list(self._open)
        for sock in open_sockets:
            # Shutting a socket down wakes a thread blocked reading it; closing it would not.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = [host]
        if self._guard:
            addresses = self._guard.lookup(host, port)
            self._guard.check(host, addresses)
        failure: Exception | None = None
        for address in addresses:  # in turn, as socket.create_connection does
            try:
                stream = _in_time(
                    partial(self._connect, address, port, local_address, socket_options), timeout
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return self._kept(stream)
        assert failure is not None
        raise failure

    def _kept(self, stream: httpcore.NetworkStream) -> _DeadlineStream:
        """``stream`` held to the deadline, and its socket to ``abort`` until it is closed."""
        kept = _DeadlineStream(stream, self)
        with self._lock:
            if not self._aborted:
                self._open.add(kept.socket)
                return kept
        stream.close()
        self._forget(kept.socket)
        raise httpcore.ConnectError("the run was stopped")

    def _watch(self, sock: socket.socket) -> None:
        """Hold a socket to ``abort`` from before it connects (a blocked connect wakes on
        shutdown too); refused once the run has stopped."""
        with self._lock:
            if self._aborted:
                raise httpcore.ConnectError("the run was stopped")
            self._open.add(sock)

    def _connected(
        self,
        family: int,
        kind: int,
        protocol: int,
        target: Any,
        timeout: float | None,
        local_address: str | None,
    ) -> socket.socket:
        """A socket connected to ``target``, held to ``abort`` while it connects; closed and
        forgotten if anything fails."""
        sock = socket.socket(family, kind, protocol)
        try:
            self._watch(sock)
            sock.settimeout(timeout)
            if local_address is not None:
                sock.bind((local_address, 0))
            sock.connect(target)
        except BaseException:
            self._forget(sock)
            sock.close()
            raise
        return sock

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def _connect(
        self,
        address: str,
        port: int,
        local_address: str | None,
        socket_options: Iterable[Any] | None,
        timeout: float | None,
    ) -> httpcore.NetworkStream:
        """httpcore's connection (socket.create_connection, then TCP_NODELAY), made here so
        that ``abort`` reaches its socket while it connects: a host that never answers the
        connection would otherwise hold a stopped run for the whole connect timeout."""
        try:
            found = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        for number, (family, kind, protocol, _, target) in enumerate(found, 1):
            try:
                sock = self._connected(family, kind, protocol, target, timeout, local_address)
                for option in (*(socket_options or ()), _NO_DELAY):
                    sock.setsockopt(*option)
            except OSError as exc:
                if number < len(found):
                    continue  # the name's next address, as socket.create_connection does
                error = (
                    httpcore.ConnectTimeout
                    if isinstance(exc, TimeoutError)
                    else httpcore.ConnectError
                )
                raise error(str(exc)) from exc
            # httpcore's own stream over a connected socket, as its SyncBackend returns.
            return SyncStream(sock)
        raise httpcore.ConnectError(f"{address} has no address")


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait is cut to what is left of the current request's deadline
    (a connection kept alive serves several requests, each with its own)."""

    def __init__(self, stream: httpcore.NetworkStream, backend: GuardedBackend) -> None:
        self._stream, self._backend = stream, backend
        self.socket: socket.socket = stream.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _in_time(lambda t: self._stream.read(max_bytes, t), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _in_time(lambda t: self._stream.write(buffer, t), timeout)

    def close(self) -> None:
        self._stream.close()
        self._backend._forget(self.socket)

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host name (httpcore passes it apart from the address
        # connected to): SNI and the certificate check are made against the name.
        try:
            secure = _in_time(
                lambda t: self._stream.start_tls(ssl_context, server_hostname, t), timeout
            )
        except BaseException:
            # Nothing closes a connection whose handshake failed (or never began: the
            # deadline had passed) but this.
            self.close()
            raise
        # The TLS socket now holds the connection (the plain one is detached): it is the one
        # a stop shuts down.
        self._backend._forget(self.socket)
        return self._backend._kept(secure)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Connections made and used in this block give up when ``seconds`` have passed."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _in_time(operation: Callable[[float | None], T], timeout: float | None) -> T:
    """``operation(timeout)``, its timeout cut to what is left of the deadline."""
    end = _DEADLINE.get()
    if end is None:
        return operation(timeout)
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed
    if timeout is not None and timeout <= left:
        return operation(timeout)
    try:
        return operation(left)
    except httpcore.TimeoutException as exc:
        raise DeadlinePassed from exc
