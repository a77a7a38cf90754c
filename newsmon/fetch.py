"""One shared HTTP client with per-host politeness, timeouts, retries and a size cap."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from extractors.records import FetchedPage
from newsmon.settings import Settings
from newsmon.store import now

FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "html", "text/plain")
PAGE_TYPES = ("html", "xhtml", "text/plain")
MAX_RETRY_AFTER = 120.0


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
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """Thread-safe: tasks for different sources share it; requests to one host are spaced."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=True,
            max_redirects=5,
        )
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}
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
        """GET with retries on connection errors, timeouts, 429 and 5xx."""
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
            raise _Retryable(f"connection failed: {exc}") from exc
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

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._guard:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            delay = self._settings.host_delay_seconds
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
