"""The demo site (seeds/demo) and some broken sources, served by pytest-httpserver."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import ROOT

DEMO = ROOT / "seeds" / "demo"


def serve_demo(server: HTTPServer) -> str:
    base = server.url_for("").rstrip("/")
    for path in DEMO.rglob("*.html"):
        route = "/" + path.relative_to(DEMO).as_posix()
        if route.endswith("/index.html"):
            route = route.removesuffix("index.html")
        server.expect_request(route).respond_with_data(
            path.read_bytes(), content_type="text/html; charset=utf-8"
        )
    for path in DEMO.rglob("feed.xml"):
        feed = path.read_text(encoding="utf-8").replace("{base}", base)
        server.expect_request("/" + path.relative_to(DEMO).as_posix()).respond_with_data(
            feed, content_type="application/rss+xml; charset=utf-8"
        )
    return base


def serve_statement_twice(server: HTTPServer, folder: Path) -> Path:
    """The demo, with Civil.ge's statement also at a mirror address (its canonical link is
    still the first one's); a URL list of both addresses, written in ``folder``."""
    base = serve_demo(server)
    page = DEMO / "civil" / "russia-open-to-normalizing-ties.html"
    server.expect_request("/mirror/statement.html").respond_with_data(
        page.read_bytes(), content_type="text/html; charset=utf-8"
    )
    urls = folder / "urls.txt"
    urls.write_text(
        f"{base}/civil/russia-open-to-normalizing-ties.html\n{base}/mirror/statement.html\n"
    )
    return urls


def serve_broken(server: HTTPServer) -> None:
    server.expect_request("/broken/feed").respond_with_data("oops", status=500)
    server.expect_request("/garbage/feed").respond_with_data(
        bytes(range(256)) * 40, content_type="application/xml"
    )


def feed_source(name: str, outlet: str, url: str) -> str:
    """A configured English feed source, for ``config``'s ``extra_sources``."""
    return f'''
[[sources]]
name = "{name}"
outlet = "{outlet}"
kind = "feed"
url = "{url}"
language = "en"
'''


def config(path: Path, base: str, extra_sources: str = "") -> Path:
    path.write_text(
        f'''
[fetch]
host_delay_seconds = 0.0
retry_attempts = 2
retry_backoff_seconds = 0.05
timeout_seconds = 5

[[sources]]
name = "demo-civil"
outlet = "Civil.ge (demo)"
kind = "feed"
url = "{base}/civil/feed.xml"
language = "en"

[[sources]]
name = "demo-sada-elbalad-en"
outlet = "Sada El-Balad English (demo)"
kind = "listing"
url = "{base}/see/category/world/"
language = "en"
link_pattern = "/see/(?!category/|tag/)[a-z0-9-]{{15,}}\\\\.html$"
{extra_sources}
''',
        encoding="utf-8",
    )
    return path


BROKEN_SOURCES = """
[[sources]]
name = "broken-500"
outlet = "Broken"
kind = "feed"
url = "{base}/broken/feed"

[[sources]]
name = "garbage"
outlet = "Garbage"
kind = "feed"
url = "{base}/garbage/feed"
"""
