"""A fetch that fails says why in words a desk can act on, and counts under one reason."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpserver import HTTPServer

from newsmon.fetch import Fetcher, FetchError, Unfollowable, check_location
from newsmon.settings import load_settings
from newsmon.store import failure_reason
from tests.conftest import free_port


@pytest.fixture
def fetcher(home: object, monkeypatch: pytest.MonkeyPatch) -> Fetcher:
    monkeypatch.setenv("NEWSMON_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("NEWSMON_HOST_DELAY_SECONDS", "0")
    return Fetcher(load_settings())


def test_closed_port_is_a_refused_connection_not_robots_txt(fetcher: Fetcher) -> None:
    port = free_port()  # nothing listens on it
    with fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(f"http://127.0.0.1:{port}/a.html", "test")
    message = str(caught.value)
    assert message == f"127.0.0.1 refused the connection on port {port}, not fetching"
    # Counted whole, not as "127.0.0.1" (failure reasons stop at the first colon).
    assert failure_reason(message) == message


def test_server_gone_after_robots_txt_is_a_refused_connection(fetcher: Fetcher) -> None:
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.start()
    try:
        with fetcher:
            # robots.txt read (and kept) while the server is up.
            with pytest.raises(FetchError, match="HTTP 500"):
                fetcher.get(f"http://127.0.0.1:{server.port}/first.html", "test")
            server.stop()
            with pytest.raises(FetchError) as caught:
                fetcher.get(f"http://127.0.0.1:{server.port}/second.html", "test")
    finally:
        if server.is_running():
            server.stop()
    assert str(caught.value) == (
        f"127.0.0.1 refused the connection on port {server.port} (after 1 attempts)"
    )


@pytest.mark.parametrize("location", ["javascript:alert(1)", "ftp://files.example/a.html"])
def test_a_redirect_no_request_can_follow_is_a_failure_asked_once(
    home: object, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, location: str
) -> None:
    """A page that redirects to javascript: or ftp: fails with that said, and is not asked
    again; one that redirects to a page is that page."""
    monkeypatch.setenv("NEWSMON_RETRY_ATTEMPTS", "3")
    monkeypatch.setenv("NEWSMON_RETRY_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("NEWSMON_HOST_DELAY_SECONDS", "0")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/away").respond_with_data("", 302, {"Location": location})
    httpserver.expect_request("/moved").respond_with_data("", 302, {"Location": "/page"})
    httpserver.expect_request("/page").respond_with_data("<p>here</p>", content_type="text/html")
    with Fetcher(load_settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            fetcher.get(httpserver.url_for("/away"), "test")
        page = fetcher.get(httpserver.url_for("/moved"), "test")
    assert failure_reason(str(caught.value)) == "redirected to an address no request can fetch"
    assert [request.path for request, _ in httpserver.log].count("/away") == 1
    assert getattr(page, "final_url", None) == httpserver.url_for("/page")


def test_a_redirect_s_body_is_never_read(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    """A redirect that says its body is gzip and sends none that is: the page it points to
    is fetched (httpx reads and inflates a redirect's body itself, and raised here)."""
    httpserver.expect_request("/moved").respond_with_data(
        b"not gzip at all", 301, {"Location": "/page", "Content-Encoding": "gzip"}
    )
    httpserver.expect_request("/page").respond_with_data("<p>here</p>", content_type="text/html")
    with fetcher:
        page = fetcher.get(httpserver.url_for("/moved"), "test")
    assert getattr(page, "content", None) == b"<p>here</p>"


@pytest.mark.parametrize(("etag", "kept"), [('"v1"', '"v1"'), ('"café"', None)])
def test_a_validator_no_request_can_send_back_is_not_kept(
    fetcher: Fetcher, httpserver: HTTPServer, etag: str, kept: str | None
) -> None:
    """HTTP headers are ASCII: an ETag that is not would make the next request fail."""
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", headers={"ETag": etag.encode().decode("latin-1")}, content_type="text/xml"
    )
    with fetcher:
        page = fetcher.get(httpserver.url_for("/feed"), "test", ("xml",))
    assert getattr(page, "etag", "missing") == kept


@pytest.mark.parametrize("location", ["http://[::1/a.html", "http://x.example:99999/a", "/a"])
def test_a_malformed_location_is_no_redirect_to_follow(location: str) -> None:
    """Addresses the test server itself refuses to send: checked on the response."""
    request = httpx.Request("GET", "http://news.example/moved")
    response = httpx.Response(302, headers={"Location": location}, request=request)
    if location == "/a":
        check_location(response)
        return
    with pytest.raises(Unfollowable, match=r"^redirected to an address no request can fetch"):
        check_location(response)
