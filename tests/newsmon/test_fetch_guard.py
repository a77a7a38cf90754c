"""The fetcher against hostile hosts: names that point inside or change their answer, names
outside ASCII, trickled responses, oversized or bombed robots.txt, long Retry-After, and
proxies from the environment."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import itertools
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsmon.fetch import STOPPED, Fetcher, FetchError
from newsmon.settings import Settings, load_settings
from tests.conftest import free_port

PAGE = "<html><body><p>Hello</p></body></html>"
# A public address (example.com's), never connected to: the tests answer for it.
PUBLIC = "93.184.215.14"


@pytest.fixture
def settings(home: object) -> Settings:
    return replace(
        load_settings(),
        retry_attempts=1,
        host_delay_seconds=0.0,
        timeout_seconds=1.0,
        allowed_networks=("127.0.0.1", "::1"),
    )


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """On 127.0.0.1 only, without the robots.txt every `httpserver` gets."""
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def serve_page(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/page").respond_with_data(PAGE, content_type="text/html")


class FakeNames:
    """socket.getaddrinfo answering some names from a script (each answer in turn, the last
    one repeated), the rest as usual; the names it was asked, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, **answers: list[str]) -> None:
        self.asked: list[str] = []
        self._answers = {name.replace("_", "-") + ".test": list(a) for name, a in answers.items()}
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self._getaddrinfo)

    def _getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name)
        except ValueError:
            self.asked.append(name)  # a name, not an address to connect to
        if name not in self._answers:
            return self._real(host, port, *args, **kwargs)
        script = self._answers[name]
        address = script.pop(0) if len(script) > 1 else script[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]


def test_a_name_for_this_machine_is_refused_unless_allowed(
    settings: Settings, server: HTTPServer
) -> None:
    serve_page(server)
    url = f"http://localhost:{server.port}/page"
    with Fetcher(replace(settings, allowed_networks=())) as fetcher, pytest.raises(FetchError) as e:
        fetcher.get(url, "test")
    assert str(e.value).startswith("localhost is a non-public address (")
    assert str(e.value).endswith("); not fetched unless allowed_networks lists it")
    assert not server.log
    with Fetcher(settings) as fetcher:
        assert fetcher.get(url, "test").content == PAGE.encode()  # type: ignore[union-attr]


def test_a_name_that_changes_its_answer_never_reaches_this_machine(
    settings: Settings, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: public for the check, this machine for the connection. One look-up
    serves both, so the public address is what is connected to."""
    serve_page(server)
    names = FakeNames(monkeypatch, rebind=[PUBLIC, "127.0.0.1"])
    connected: list[str] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: tuple[str, int]) -> None:
        connected.append(address[0])
        if address[0] == PUBLIC:  # not the internet from tests: nobody there
            raise ConnectionRefusedError(111, "Connection refused")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    fetcher = Fetcher(replace(settings, allowed_networks=()))
    with fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(f"http://rebind.test:{server.port}/page", "test")
    assert str(caught.value) == (
        f"rebind.test refused the connection on port {server.port}, not fetching"
    )
    assert connected == [PUBLIC]
    assert names.asked == ["rebind.test"]
    assert not server.log


def test_the_name_checked_is_the_name_connected_to_in_idna_2008(
    settings: Settings, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IDNA 2003 (Python's "idna" codec) makes straße "strasse"; IDNA 2008 (httpx) makes it
    xn--strae-oqa: the two could be different hosts."""
    serve_page(server)
    names = FakeNames(monkeypatch, xn__strae_oqa=["127.0.0.1"])
    with Fetcher(settings) as fetcher:
        page = fetcher.get(f"http://straße.test:{server.port}/page", "test")
    assert page.content == PAGE.encode()  # type: ignore[union-attr]
    assert names.asked == ["xn--strae-oqa.test"] * len(names.asked)
    assert [r.headers["Host"] for r, _ in server.log] == [f"xn--strae-oqa.test:{server.port}"] * 2


def _certificate(tmp_path: Path, name: str) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for ``name`` (its own CA), and a server context using it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.now(UTC) - timedelta(hours=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@pytest.mark.parametrize("certified", ["localhost", "elsewhere.test"])
def test_tls_is_checked_against_the_name_not_the_address_connected_to(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, certified: str
) -> None:
    """The connection goes to the checked address, the certificate is checked (and SNI sent)
    for the URL's name: a certificate naming only "localhost" passes for localhost."""
    ca_file, context = _certificate(tmp_path, certified)
    monkeypatch.setattr(certifi, "where", lambda: str(ca_file))  # httpx's trusted CAs
    server = HTTPServer(host="127.0.0.1", port=free_port(), ssl_context=context)
    serve_page(server)
    server.start()
    try:
        with Fetcher(settings) as fetcher:
            if certified == "localhost":
                page = fetcher.get(f"https://localhost:{server.port}/page", "test")
                assert page.content == PAGE.encode()  # type: ignore[union-attr]
            else:
                with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
                    fetcher.get(f"https://localhost:{server.port}/page", "test")
    finally:
        server.stop()


@pytest.mark.parametrize("stage", ["/robots.txt", "/page"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_stop_cuts_a_request_in_flight_short(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheme: str, stage: str
) -> None:
    """A run stopped while a host is slow to answer (its robots.txt or the page) does not
    wait out the host: the request ends as stopped, not as the host's failure, long before
    its timeouts (a Ctrl-C would otherwise wait that long), over TLS as well."""
    ca_file, context = _certificate(tmp_path, "localhost")
    monkeypatch.setattr(certifi, "where", lambda: str(ca_file))  # httpx's trusted CAs
    server = HTTPServer(
        host="127.0.0.1", port=free_port(), ssl_context=context if scheme == "https" else None
    )
    reached, released = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        reached.set()
        released.wait(120)
        return Response("late", status=404)

    server.expect_request(stage).respond_with_handler(slow)
    serve_page(server)
    said: list[str] = []

    def fetch(fetcher: Fetcher) -> None:
        with pytest.raises(FetchError) as caught:
            fetcher.get(f"{scheme}://localhost:{server.port}/page", "test")
        said.append(str(caught.value))

    server.start()
    patient = replace(settings, timeout_seconds=120.0, robots_timeout_seconds=120.0)
    with Fetcher(patient) as fetcher:
        thread = threading.Thread(target=fetch, args=(fetcher,))
        thread.start()
        try:
            assert reached.wait(30)
            fetcher.stop()
            thread.join(30)
            cut_short = not thread.is_alive()
        finally:
            released.set()
            thread.join()
            server.stop()
    assert cut_short
    assert said == [STOPPED]


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections never complete: its listener's queue is full and
    never accepted from, so the kernel drops further connection requests."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    queued = []
    for _ in range(8):
        waiting = socket.socket()
        waiting.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            waiting.connect(("127.0.0.1", port))
        queued.append(waiting)
    try:
        with pytest.raises(TimeoutError):  # the premise: a connection hangs
            socket.create_connection(("127.0.0.1", port), timeout=0.5)
        yield port
    finally:
        for waiting in queued:
            waiting.close()
        listener.close()


def test_a_stop_cuts_a_connection_being_made_short(settings: Settings) -> None:
    """A run stopped while a host does not answer the connection itself ends the request at
    once as stopped: the connect, too, is cut, not waited out to its timeout."""
    said: list[str] = []

    def fetch(fetcher: Fetcher, port: int) -> None:
        with pytest.raises(FetchError) as caught:
            fetcher.get(f"http://127.0.0.1:{port}/page", "test")
        said.append(str(caught.value))

    patient = replace(settings, timeout_seconds=60.0, robots_timeout_seconds=60.0)
    with unanswered_port() as port, Fetcher(patient) as fetcher:
        thread = threading.Thread(target=fetch, args=(fetcher, port))
        thread.start()
        # Stopped once the connection is being made: its socket is held to the stop.
        waited = time.monotonic() + 30
        while not fetcher._backend._open and time.monotonic() < waited:
            time.sleep(0.01)
        time.sleep(0.2)  # and blocked in connect
        fetcher.stop()
        thread.join(30)
        cut_short = not thread.is_alive()
        thread.join()
    assert cut_short
    assert said == [STOPPED]


def test_a_socket_that_cannot_be_made_is_a_failed_fetch(
    settings: Settings, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of file descriptors, the request fails as the fetch's error, recorded against its
    source, not as an exception no caller expects."""
    serve_page(server)

    def no_socket(*args: Any, **kwargs: Any) -> socket.socket:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(socket, "socket", no_socket)
    with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="Too many open files"):
        fetcher.get(f"http://127.0.0.1:{server.port}/page", "test")


class Trickler:
    """A raw HTTP server on 127.0.0.1: no robots.txt; any other request is answered a byte
    at a time, each within the read timeout, the whole taking far longer than the deadline."""

    def __init__(self, what: str) -> None:
        body = b"x" * 20
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n"
        # What is sent at once; the rest is trickled.
        self._at_once, self._rest = (b"", head + body) if what == "headers" else (head, body)
        self.sent_all = False
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            with connection:
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += connection.recv(4096)
        if request.startswith(b"GET /robots.txt"):
            connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n")
            connection.sendall(b"Connection: close\r\n\r\n")
            return
        try:
            connection.sendall(self._at_once)
            for byte in self._rest:
                if self._stop.wait(0.25):
                    return
                connection.sendall(bytes([byte]))
        except OSError:
            return  # the client hung up
        self.sent_all = True


@pytest.mark.parametrize("what", ["headers", "body"])
def test_a_trickled_response_is_cut_at_the_deadline(settings: Settings, what: str) -> None:
    trickler = Trickler(what)
    retried = replace(settings, request_deadline_seconds=2.0, timeout_seconds=5, retry_attempts=3)
    try:
        with Fetcher(retried) as fetcher, pytest.raises(FetchError) as caught:
            started = time.monotonic()
            fetcher.get(f"http://127.0.0.1:{trickler.port}/page", "test")
        took = time.monotonic() - started
        assert not trickler.sent_all  # still sending when cut
    finally:
        trickler.close()
    assert str(caught.value) == "no complete response within 2 s"
    # Not retried: one deadline, not three.
    assert 1.9 < took < 5.0


def _gzip_bomb(inflated: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    return b"".join(packer.compress(block) for _ in range(inflated // len(block))) + packer.flush()


@pytest.mark.parametrize("how", ["declared", "streamed"])
def test_a_robots_txt_over_the_cap_is_refused(
    settings: Settings, server: HTTPServer, how: str
) -> None:
    rules = "User-agent: *\nAllow: /\n" + "# padding\n" * 1000
    if how == "declared":
        server.expect_request("/robots.txt").respond_with_data(rules)
    else:  # no Content-Length: only counting the bytes read finds out
        server.expect_request("/robots.txt").respond_with_response(
            Response(iter([rules[:5000], rules[5000:]]), content_type="text/plain")
        )
    serve_page(server)
    with Fetcher(replace(settings, max_bytes=2000)) as fetcher, pytest.raises(FetchError) as e:
        fetcher.get(f"http://127.0.0.1:{server.port}/page", "test")
    assert str(e.value).startswith("robots.txt unreadable, not fetching: body ")
    assert str(e.value).endswith(" exceeds the 2000-byte cap")
    assert [r.path for r, _ in server.log] == ["/robots.txt"]


def test_a_robots_txt_redirected_where_no_request_can_follow_stops_the_host(
    settings: Settings, server: HTTPServer
) -> None:
    server.expect_request("/robots.txt").respond_with_data(
        "", 302, {"Location": "javascript:void(0)"}
    )
    serve_page(server)
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as e:
        fetcher.get(f"http://127.0.0.1:{server.port}/page", "test")
    assert str(e.value) == (
        "robots.txt unreachable, not fetching: "
        "redirected to an address no request can fetch: 'javascript:void(0)'"
    )
    assert [r.path for r, _ in server.log] == ["/robots.txt"]


def test_a_gzip_bomb_robots_txt_is_refused_without_inflating_it(
    settings: Settings, server: HTTPServer
) -> None:
    bomb = _gzip_bomb(200_000_000)  # 200 MB in about 200 kB
    server.expect_request("/robots.txt").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/plain"
    )
    serve_page(server)
    tracemalloc.start()
    try:
        with (
            Fetcher(replace(settings, max_bytes=1_000_000)) as f,
            pytest.raises(FetchError) as caught,
        ):
            f.get(f"http://127.0.0.1:{server.port}/page", "test")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        "robots.txt unreadable, not fetching: body exceeds the 1000000-byte cap"
    )
    assert peak < 20_000_000


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", _raw_deflate)],
)
def test_a_compressed_page_is_still_read(
    settings: Settings, server: HTTPServer, encoding: str, pack: Any
) -> None:
    serve_page(server)
    server.expect_request("/packed").respond_with_data(
        pack(PAGE.encode() * 100), headers={"Content-Encoding": encoding}, content_type="text/html"
    )
    with Fetcher(settings) as fetcher:
        page = fetcher.get(f"http://127.0.0.1:{server.port}/packed", "test")
    assert page.content == PAGE.encode() * 100  # type: ignore[union-attr]


def test_a_long_retry_after_is_left_to_the_next_poll(
    settings: Settings, server: HTTPServer
) -> None:
    serve_page(server)
    server.expect_request("/busy").respond_with_data(
        "later", status=429, headers={"Retry-After": "3600"}
    )
    polled = replace(settings, interval_seconds=300, retry_attempts=2)
    started = time.monotonic()
    with Fetcher(polled) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(f"http://127.0.0.1:{server.port}/busy", "test")
    assert time.monotonic() - started < 2.0
    assert str(caught.value) == (
        "HTTP 429: the host asked to retry after 3600 s; it is asked again at the next poll"
    )
    assert caught.value.status == 429


def test_a_short_retry_after_is_waited_for(settings: Settings, server: HTTPServer) -> None:
    serve_page(server)
    server.expect_oneshot_request("/busy").respond_with_data(
        "later", status=503, headers={"Retry-After": "1"}
    )
    server.expect_request("/busy").respond_with_data(PAGE, content_type="text/html")
    started = time.monotonic()
    with Fetcher(replace(settings, interval_seconds=300, retry_attempts=2)) as fetcher:
        page = fetcher.get(f"http://127.0.0.1:{server.port}/busy", "test")
    assert page.content == PAGE.encode()  # type: ignore[union-attr]
    assert time.monotonic() - started >= 1.0


def test_proxies_from_the_environment_are_ignored(
    settings: Settings, server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_page(server)
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with Fetcher(settings) as fetcher:
        page = fetcher.get(f"http://127.0.0.1:{server.port}/page", "test")
    assert page.content == PAGE.encode()  # type: ignore[union-attr]


def test_the_configured_proxy_is_used_and_names_checked_where_possible(
    settings: Settings, server: HTTPServer
) -> None:
    """The test server plays the proxy: it is sent the whole URL of the page."""

    def as_proxy(request: Request) -> Response:
        return Response(f"{request.host} {request.path}", content_type="text/plain")

    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/page").respond_with_handler(as_proxy)
    proxied = replace(settings, proxy_url=f"http://127.0.0.1:{server.port}", allowed_networks=())
    with Fetcher(proxied) as fetcher:
        # Unknown here: left to the proxy.
        page = fetcher.get("http://unknown.test/page", "test")
        assert page.content == b"unknown.test /page"  # type: ignore[union-attr]
        # Known here, and inside: refused before the proxy is asked.
        asked = len(server.log)
        with pytest.raises(FetchError, match="localhost is a non-public address"):
            fetcher.get("http://localhost/page", "test")
    assert len(server.log) == asked


FETCH_THREE = """
import sys, time
from dataclasses import replace
from newsmon.fetch import Fetcher
from newsmon.settings import load_settings
from newsmon.store import open_store

base, start = sys.argv[1], float(sys.argv[2])
settings = replace(load_settings(), host_delay_seconds=0.5, retry_attempts=1)
with Fetcher(settings, open_store(settings).take_turn) as fetcher:
    time.sleep(max(0.0, start - time.time()))  # both processes start at once
    for n in range(3):
        fetcher.get(f"{base}/page", "test")
"""


def test_requests_to_a_host_are_spaced_across_processes(
    home: Path, database_url: str, server: HTTPServer, tmp_path: Path
) -> None:
    """Two pollers sharing a store (as workers on several machines share PostgreSQL), each
    fetching from one host: every page asked for half a second after the one before,
    whichever process asked."""
    asked: list[float] = []

    def answer(request: Request) -> Response:
        asked.append(time.monotonic())
        return Response(PAGE, content_type="text/html")

    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/page").respond_with_handler(answer)
    start = f"{time.time() + 3:.3f}"
    base = f"http://127.0.0.1:{server.port}"
    env = {**os.environ, "NEWSMON_HOME": str(home), "NEWSMON_ALLOWED_NETWORKS": "127.0.0.1"}
    workers = [
        subprocess.Popen([sys.executable, "-c", FETCH_THREE, base, start], env=env)
        for _ in range(2)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert len(asked) == 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(asked))]
    assert min(gaps) > 0.4, gaps
