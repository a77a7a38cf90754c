"""One shared HTTP client with per-host politeness, timeouts, retries and a size cap."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from extractors.records import FetchedPage
from newsmon.settings import Settings
from newsmon.store import now

FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "html", "text/plain")
PAGE_TYPES = ("html", "xhtml", "text/plain")
MAX_RETRY_AFTER = 120.0
ROBOTS_TTL_SECONDS = 3600.0
# A Crawl-delay above this would stall a poll; the host is still asked at this pace.
MAX_CRAWL_DELAY = 30.0
# A robots.txt that could not be read is asked for again after this long, not per request.
ROBOTS_RETRY_SECONDS = 300.0


class FetchError(Exception):
    """A request failed for good (after retries where retrying made sense)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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
    """Thread-safe: tasks for different sources share it; requests to one host are spaced."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=True,
            max_redirects=5,
            # Called for every request, redirects included.
            event_hooks={"request": [self._check_address]},
        )
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]
        self._host_locks: dict[str, threading.Lock] = {}
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, tuple[float, RobotFileParser | FetchError]] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._crawl_delay: dict[str, float] = {}
        self._guard = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        source: str,
        accept: tuple[str, ...] = PAGE_TYPES,
        validators: Validators | None = None,
    ) -> FetchedPage | NotModified:
        """GET with retries on connection errors, timeouts, 429 and 5xx, if robots.txt
        allows it."""
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
                if attempt == attempts:
                    raise FetchError(f"{exc} (after {attempts} attempts)", exc.status) from exc
                time.sleep(exc.retry_after or self._settings.retry_backoff_seconds * attempt)
        raise AssertionError("unreachable")

    def _once(
        self, url: str, source: str, accept: tuple[str, ...], headers: dict[str, str]
    ) -> FetchedPage | NotModified:
        with self._slot(url):
            return self._request(url, source, accept, headers)

    def _request(
        self, url: str, source: str, accept: tuple[str, ...], headers: dict[str, str]
    ) -> FetchedPage | NotModified:
        self._wait_turn(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                _check_status(response)
                if response.status_code == 304:
                    return NotModified(url)
                content_type = response.headers.get("content-type", "").lower()
                if content_type and not any(kind in content_type for kind in accept):
                    raise FetchError(
                        f"unsupported content type {content_type!r}", response.status_code
                    )
                body = self._read_capped(response)
                return FetchedPage(
                    requested_url=url,
                    final_url=str(response.url),
                    content=body,
                    fetched_at=now(),
                    source=source,
                    content_type=content_type,
                    status=response.status_code,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out after {self._settings.timeout_seconds:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError("too many redirects") from exc
        except httpx.TransportError as exc:
            raise _Retryable(_transport_problem(exc, url)) from exc
        except httpx.DecodingError as exc:
            raise FetchError(f"undecodable response body: {exc}") from exc

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self._settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(
                f"body of {int(declared)} bytes exceeds the {cap}-byte cap", response.status_code
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"body exceeds the {cap}-byte cap", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_address(self, request: httpx.Request) -> None:
        """Links in feeds and pages are untrusted: they may not reach this machine or the
        private network it sits in, unless ``allowed_networks`` says so."""
        host = request.url.host
        try:
            found = socket.getaddrinfo(host, request.url.port or 443, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}") from exc
        for *_, address in found:
            ip = ipaddress.ip_address(address[0])
            if not ip.is_global and not any(ip in network for network in self._allowed):
                raise FetchError(
                    f"{host} is a non-public address ({ip}); not fetched "
                    "unless allowed_networks lists it"
                )

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
        try:
            with self._slot(robots_url):
                self._wait_turn(robots_url)
                response = self._client.get(
                    robots_url, timeout=self._settings.robots_timeout_seconds
                )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # The host's first request is for robots.txt: a host that cannot be reached at
            # all is named as such, not blamed on its robots.txt.
            raise FetchError(f"{_transport_problem(exc, robots_url)}, not fetching") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"robots.txt unreachable, not fetching: {exc!r}") from exc
        if response.status_code >= 500:
            raise FetchError(f"robots.txt answered HTTP {response.status_code}, not fetching")
        parser.parse([] if response.status_code >= 400 else response.text.splitlines())
        return parser

    def _slot(self, url: str) -> threading.BoundedSemaphore:
        """At most ``host_concurrency`` requests in flight to one host."""
        host = urlsplit(url).netloc
        with self._guard:
            if host not in self._host_slots:
                self._host_slots[host] = threading.BoundedSemaphore(
                    max(1, self._settings.host_concurrency)
                )
            return self._host_slots[host]

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._guard:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            # A host's robots.txt may ask for more spacing than configured, never less.
            delay = max(self._settings.host_delay_seconds, self._crawl_delay.get(host, 0.0))
            wait = self._last_request.get(host, 0.0) + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_request[host] = time.monotonic()


class _Retryable(Exception):
    def __init__(
        self, message: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


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
        return min(float(value), MAX_RETRY_AFTER)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min((moment - now()).total_seconds(), MAX_RETRY_AFTER))
