"""One shared HTTP client with per-host politeness, timeouts, retries and a size cap."""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from extractors.records import FetchedPage
from extractors.urls import web_link
from newsmon.addresses import (
    AddressGuard,
    AddressRefused,
    DeadlinePassed,
    GuardedBackend,
    Unresolved,
    deadline,
)
from newsmon.settings import Settings
from newsmon.store import now

FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "html", "text/plain")
PAGE_TYPES = ("html", "xhtml", "text/plain")
# The longest Retry-After slept on; a host asking for longer (or for more than a quarter of the
# poll interval) is asked again at the next poll instead.
MAX_RETRY_AFTER = 120.0
ROBOTS_TTL_SECONDS = 3600.0
# Bytes inflated at a time from a compressed body, so that the cap stops a bomb early.
INFLATE_STEP = 65536
# A Crawl-delay above this would stall a poll; the host is still asked at this pace.
MAX_CRAWL_DELAY = 30.0
# A robots.txt that could not be read is asked for again after this long, not per request.
ROBOTS_RETRY_SECONDS = 300.0


# Redirects followed for one request (http to https, a moved page, a consent page).
MAX_REDIRECTS = 5
# Why a request was not made: its run had ended.
STOPPED = "not fetched: the run was stopped"
# An address httpx refuses that the link checks let through: asking again changes nothing.
UNFOLLOWABLE = (httpx.InvalidURL, httpx.UnsupportedProtocol)


class FetchError(Exception):
    """A request failed for good (after retries where retrying made sense)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Unfollowable(FetchError):
    """A redirect to an address no request can fetch: asking again changes nothing."""


@dataclass(frozen=True)
class NotModified:
    url: str
    status: int = 304


@dataclass(frozen=True)
class Validators:
    """What the last complete response of a source looked like: its ETag and Last-Modified
    for a conditional request, and a hash of its body for servers whose validators lie."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


class Fetcher:
    """Thread-safe: tasks for different sources share it; requests to one host are spaced.

    ``turns`` reserves a host's next request and says how long to wait for it
    (Store.take_turn: spaced across every poller sharing the store); without it, across
    this process's threads only."""

    def __init__(self, settings: Settings, turns: Turns | None = None) -> None:
        self._settings = settings
        self._turns = turns or LocalTurns()
        self._addresses = AddressGuard(settings.allowed_networks)
        proxied = bool(settings.proxy_url)
        # Without a proxy, every connection (redirects included) is checked where it is
        # made; through one, the proxy connects and only a look-up here is possible.
        self._backend = GuardedBackend(None if proxied else self._addresses)
        self._client = httpx.Client(
            transport=_transport(settings.proxy_url, self._backend),
            # Links are untrusted: no proxy or credentials from the environment for them.
            trust_env=False,
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            # Followed by _followed, which never reads a redirect's body: httpx would read
            # and inflate it whole, past the cap and outside _decoded's errors.
            follow_redirects=False,
            event_hooks={
                "request": [self._check_target] if proxied else [],
                "response": [check_location],
            },
        )
        # A Retry-After beyond this is not slept on: the host is asked again at the next poll.
        self._longest_wait = min(MAX_RETRY_AFTER, settings.interval_seconds / 4)
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._robots: dict[str, tuple[float, RobotFileParser | FetchError]] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._crawl_delay: dict[str, float] = {}
        self._guard = threading.Lock()
        self._stopped = threading.Event()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._client.close()

    def stop(self) -> None:
        """No request from now on, and those in flight cut short: the run is ending (a stop,
        a failure), and the threads still at work, which it waits for, would otherwise fetch
        their remaining pages and wait out slow hosts."""
        self._stopped.set()
        self._backend.abort()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def get(
        self,
        url: str,
        source: str,
        accept: tuple[str, ...] = PAGE_TYPES,
        validators: Validators | None = None,
    ) -> FetchedPage | NotModified:
        """GET with retries on connection errors, timeouts, 429 and 5xx, if robots.txt
        allows it."""
        try:
            return self._get(url, source, accept, validators)
        except FetchError:
            # A request (robots.txt's too) cut short by the stop: the run stopped, the host
            # failed nothing.
            self._check_stopped()
            raise

    def _get(
        self, url: str, source: str, accept: tuple[str, ...], validators: Validators | None
    ) -> FetchedPage | NotModified:
        self._check_stopped()
        self._check_robots(url)
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        attempts = max(1, self._settings.retry_attempts)
        for attempt in range(1, attempts + 1):
            try:
                return self._once(url, source, accept, headers)
            except _Retryable as exc:
                if exc.retry_after is not None and exc.retry_after > self._longest_wait:
                    raise FetchError(
                        f"HTTP {exc.status}: the host asked to retry after "
                        f"{exc.retry_after:g} s; it is asked again at the next poll",
                        exc.status,
                    ) from exc
                if attempt == attempts:
                    raise FetchError(f"{exc} (after {attempts} attempts)", exc.status) from exc
                backoff = self._settings.retry_backoff_seconds * attempt
                self._stopped.wait(exc.retry_after or backoff)
        raise AssertionError("unreachable")

    def _once(
        self, url: str, source: str, accept: tuple[str, ...], headers: dict[str, str]
    ) -> FetchedPage | NotModified:
        with self._slot(url):
            return self._request(url, source, accept, headers)

    def _request(
        self, url: str, source: str, accept: tuple[str, ...], headers: dict[str, str]
    ) -> FetchedPage | NotModified:
        # A thread that waited for the host's slot (or a retry's backoff) may have outlived
        # its run: it takes no turn of the host's, and does not ask after waiting for one.
        self._check_stopped()
        self._wait_turn(url)
        self._check_stopped()
        limit = self._settings.request_deadline_seconds
        try:
            with deadline(limit), self._followed(url, headers) as response:
                _check_status(response)
                if response.status_code == 304:
                    return NotModified(url)
                content_type = response.headers.get("content-type", "").lower()
                if content_type and not any(kind in content_type for kind in accept):
                    raise FetchError(
                        f"unsupported content type {content_type!r}", response.status_code
                    )
                body = self._read_capped(response)
                # A body that ends with its connection ends too when a stop shuts that down.
                self._check_stopped()
                return FetchedPage(
                    requested_url=url,
                    final_url=str(response.url),
                    content=body,
                    fetched_at=now(),
                    source=source,
                    content_type=content_type,
                    status=response.status_code,
                    etag=_ascii(response.headers.get("etag")),
                    last_modified=_ascii(response.headers.get("last-modified")),
                )
        except DeadlinePassed as exc:
            # Not retried: a host that took the whole deadline would likely take it again.
            raise FetchError(f"no complete response within {limit:g} s") from exc
        except AddressRefused as exc:
            raise FetchError(str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out after {self._settings.timeout_seconds:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError("too many redirects") from exc
        except UNFOLLOWABLE as exc:
            raise FetchError(f"an address no request can fetch: {exc}") from exc
        except httpx.TransportError as exc:
            raise _Retryable(_transport_problem(exc, url)) from exc

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self._settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"body of {int(declared)} bytes exceeds the {cap}-byte cap", response.status_code
            )
        chunks, size = [], 0
        for chunk in _decoded(response):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"body exceeds the {cap}-byte cap", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_target(self, request: httpx.Request) -> None:
        """Through a proxy, for every request (redirects included). Best effort: the proxy
        resolves the name itself and may get another answer, and a name unknown here is left
        to it; the proxy's own rules are what really holds."""
        host = request.url.raw_host.decode("ascii")  # the IDNA 2008 form the proxy is sent
        try:
            addresses = self._addresses.lookup(host, request.url.port or 80)
        except Unresolved:
            return
        self._addresses.check(host, addresses)

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        with self._guard:
            reading = self._robots_locks.setdefault(robots_url, threading.Lock())
        # One read per host, however many sources on it start at once.
        with reading:
            read_at, rules = self._robots.get(robots_url, (0.0, None))
            ttl = ROBOTS_RETRY_SECONDS if isinstance(rules, FetchError) else ROBOTS_TTL_SECONDS
            if rules is None or time.monotonic() - read_at > ttl:
                try:
                    rules = self._read_robots(robots_url)
                except FetchError as exc:
                    rules = exc
                else:
                    crawl_delay = rules.crawl_delay(self._settings.user_agent)
                    with self._guard:
                        self._crawl_delay[parts.netloc] = min(
                            float(crawl_delay or 0.0), MAX_CRAWL_DELAY
                        )
                self._robots[robots_url] = (time.monotonic(), rules)
        if isinstance(rules, FetchError):
            raise FetchError(str(rules))
        if not rules.can_fetch(self._settings.user_agent, url):
            raise FetchError(f"disallowed by {robots_url}")

    def _read_robots(self, robots_url: str) -> RobotFileParser:
        """The host's rules. As RFC 9309 says: none (4xx) allows everything; an unreachable
        or failing robots.txt (timeout, 5xx) allows nothing until it can be read."""
        parser = RobotFileParser(robots_url)
        limit = self._settings.request_deadline_seconds
        try:
            with self._slot(robots_url):
                self._wait_turn(robots_url)
                lines = self._robots_lines(robots_url, limit)
        except AddressRefused as exc:
            raise FetchError(str(exc)) from exc
        except DeadlinePassed as exc:
            raise FetchError(
                f"robots.txt unreadable, not fetching: no complete response within {limit:g} s"
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # The host's first request is for robots.txt: a host that cannot be reached at
            # all is named as such, not blamed on its robots.txt.
            raise FetchError(f"{_transport_problem(exc, robots_url)}, not fetching") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"robots.txt unreachable, not fetching: {exc!r}") from exc
        except Unfollowable as exc:
            raise FetchError(f"robots.txt unreachable, not fetching: {exc}") from exc
        parser.parse(lines)
        return parser

    def _robots_lines(self, robots_url: str, limit: float) -> list[str]:
        """Its lines, read like any other body: capped, and within the deadline."""
        timeout = self._settings.robots_timeout_seconds
        with deadline(limit), self._followed(robots_url, timeout=timeout) as response:
            status = response.status_code
            if status >= 500:
                raise FetchError(f"robots.txt answered HTTP {status}, not fetching")
            if status >= 400:
                return []
            try:
                body = self._read_capped(response)
            except FetchError as exc:
                raise FetchError(f"robots.txt unreadable, not fetching: {exc}") from exc
            self._check_stopped()
        # RFC 9309: robots.txt is UTF-8.
        return body.decode("utf-8", errors="replace").splitlines()

    @contextlib.contextmanager
    def _followed(
        self, url: str, headers: dict[str, str] | None = None, timeout: float | None = None
    ) -> Iterator[httpx.Response]:
        """The response to GET ``url`` once its redirects (at most MAX_REDIRECTS) are
        followed, its body not read yet; a redirect's own body is never read."""
        request = self._client.build_request(
            "GET",
            url,
            headers=headers,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        )
        for _ in range(MAX_REDIRECTS + 1):
            response = self._client.send(request, stream=True)
            if response.next_request is None:
                try:
                    yield response
                finally:
                    response.close()
                return
            response.close()
            request = response.next_request
        raise httpx.TooManyRedirects("too many redirects", request=request)

    def _check_stopped(self) -> None:
        if self._stopped.is_set():
            raise FetchError(STOPPED)

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        """At most ``host_concurrency`` requests in flight to one host."""
        host = urlsplit(url).netloc
        with self._guard:
            if host not in self._host_slots:
                self._host_slots[host] = threading.BoundedSemaphore(self._settings.host_concurrency)
            return self._host_slots[host]

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        # A host's robots.txt may ask for more spacing than configured, never less.
        delay = max(self._settings.host_delay_seconds, self._crawl_delay.get(host, 0.0))
        wait = self._turns(host, delay)
        if wait > 0:
            self._stopped.wait(wait)


# (host, spacing) -> seconds to wait for the reserved turn.
Turns = Callable[[str, float], float]


class LocalTurns:
    """Turns reserved in this process: the spacing its threads keep."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str, spacing: float) -> float:
        with self._lock:
            moment = time.monotonic()
            last = self._last.get(host)
            turn = moment if last is None else max(moment, last + spacing)
            self._last[host] = turn
            return turn - moment


class _Retryable(Exception):
    def __init__(
        self, message: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def _transport(proxy_url: str, backend: GuardedBackend) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False, proxy=proxy_url or None)
    # httpx takes no network backend; its pool (direct or to the proxy) opens every connection
    # through the one it holds, so it is handed ours (tests/newsmon/test_fetch_guard.py fails if
    # that stops holding).
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool):
        raise TypeError(f"unexpected httpx transport pool {pool!r}")
    pool._network_backend = backend
    return transport


def check_location(response: httpx.Response) -> None:
    """A redirect must name an http(s) address a request can fetch (not javascript:, ftp:,
    an unclosed bracket, a port out of range), else Unfollowable, which is not retried."""
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    if web_link(str(response.url), location) is None:
        raise Unfollowable(
            f"redirected to an address no request can fetch: {location[:200]!r}",
            response.status_code,
        )


def _ascii(value: str | None) -> str | None:
    """A validator a request can send back: HTTP headers are ASCII (a "café" ETag would make
    every later request of the source fail)."""
    return value if value is not None and value.isascii() else None


def _transport_problem(exc: httpx.TransportError, url: str) -> str:
    """What went wrong, in words. No colon before the words: failure_reason() counts
    failures by what precedes the first one."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return f"{parts.hostname} refused the connection on port {port}"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection to {parts.hostname} on port {port} within the timeout"
    return f"connection failed: {exc}"


def _decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body, inflated a piece at a time: httpx inflates each network read whole, and
    64 KiB of a gzip bomb are 64 MB."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported content encoding {encoding!r}", response.status_code)
    inflater = None
    try:
        for raw in response.iter_raw():
            inflater = inflater or zlib.decompressobj(_window_bits(encoding, raw))
            while raw:
                yield inflater.decompress(raw, INFLATE_STEP)
                raw = inflater.unconsumed_tail
    except zlib.error as exc:
        raise FetchError(f"undecodable response body: {exc}", response.status_code) from exc


def _window_bits(encoding: str, first: bytes) -> int:
    """gzip, deflate in a zlib wrapper (as HTTP says) or bare (as some servers send it)."""
    zlib_header = len(first) > 1 and first[0] & 0x0F == 8 and int.from_bytes(first[:2]) % 31 == 0
    if encoding == "deflate" and not zlib_header:
        return -zlib.MAX_WBITS
    return zlib.MAX_WBITS | 32  # gzip or zlib, told apart by their headers


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        raise _Retryable(f"HTTP {status}", status, _retry_after(response))
    if status >= 400:
        raise FetchError(f"HTTP {status}", status)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - now()).total_seconds())
