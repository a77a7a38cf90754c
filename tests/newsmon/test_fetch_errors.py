"""A fetch that fails says why in words a desk can act on, and counts under one reason."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from newsmon.fetch import Fetcher, FetchError
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
