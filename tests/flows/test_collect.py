"""Collecting one source against a real local HTTP server (plain functions, no Prefect)."""

from __future__ import annotations

import gzip
import time
from dataclasses import astuple, replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from flows.collect import Collected, collect
from newsmon.fetch import STOPPED, Fetcher
from newsmon.settings import Settings, Source, load_settings
from newsmon.store import FetchLogRow, Store
from tests.conftest import ROOT

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>{base}/a/1</link></item>
<item><title>Two</title><link>{base}/a/2</link></item></channel></rss>"""
PAGE = (
    "<html lang='en'><body><article><h1>Headline {n}</h1>"
    + "<p>Moscow and Tbilisi discussed direct flights and trade at length today.</p>" * 8
    + "</article></body></html>"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = load_settings(environ={"NEWSMON_HOME": str(tmp_path)})
    return replace(
        base,
        host_delay_seconds=0.0,
        retry_attempts=2,
        retry_backoff_seconds=0.05,
        timeout_seconds=1.0,
        max_bytes=200_000,
        # The test server, on this machine's loopback addresses ("localhost" is both).
        allowed_networks=("127.0.0.1", "::1"),
    )


def _source(server: HTTPServer, path: str = "/feed", host: str | None = None) -> Source:
    url = f"http://{host}:{server.port}{path}" if host else server.url_for(path)
    return Source(name="s", outlet="S", kind="feed", url=url)


def _run(
    settings: Settings, source: Source, cap: int = 50, budget: float = 60.0, save: bool = False
) -> tuple[Collected, Store]:
    """Collect (which logs the collection), then, if ``save``, what the poll flow does after:
    store the articles, count the new ones in the log, remember the validators."""
    store = Store(settings.database)
    with Fetcher(settings) as fetcher:
        result = collect(source, fetcher, store, "run-1", cap, budget)
    if save:
        stored = store.save(result.articles, ["d@x"])
        assert result.log_id is not None
        store.count_new(result.log_id, len(stored))
        if result.validators:
            store.remember_validators(source.name, source.url, *astuple(result.validators))
    return result, store


def _articles(server: HTTPServer, *paths: str) -> None:
    """An article page at each path, headlined with the path."""
    for path in paths:
        server.expect_request(path).respond_with_data(
            PAGE.format(n=path.lstrip("/")), content_type="text/html"
        )


def _fixture_at(server: HTTPServer, route: str, fixture: str, host: str, kind: str) -> str:
    """Serve a fixture file at ``route``, its links to ``host`` pointed at the test server;
    the server's base URL."""
    base = server.url_for("").rstrip("/")
    text = (ROOT / "tests" / "fixtures" / fixture).read_text(encoding="utf-8")
    server.expect_request(route).respond_with_data(text.replace(host, base), content_type=kind)
    return base


def _feed(server: HTTPServer, **headers: str) -> None:
    base = server.url_for("").rstrip("/")
    server.expect_request("/feed").respond_with_data(
        FEED.format(base=base), content_type="application/rss+xml", headers=headers
    )


def test_new_entries_fetched_and_analysed(settings: Settings, httpserver: HTTPServer) -> None:
    _feed(httpserver)
    for n in (1, 2):
        httpserver.expect_request(f"/a/{n}").respond_with_data(
            PAGE.format(n=n), content_type="text/html"
        )
    result, _ = _run(settings, _source(httpserver))
    assert result.outcome == "ok"
    titles = [a.title for a in result.articles]
    assert titles == ["Headline 1", "Headline 2"]


def _conditional_feed(server: HTTPServer) -> None:
    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        base = server.url_for("").rstrip("/")
        return Response(
            FEED.format(base=base), headers={"ETag": '"v1"'}, content_type="application/rss+xml"
        )

    server.expect_request("/feed").respond_with_handler(conditional)
    for n in (1, 2):
        server.expect_request(f"/a/{n}").respond_with_data(
            PAGE.format(n=n), content_type="text/html"
        )


def test_conditional_get_gives_not_modified(settings: Settings, httpserver: HTTPServer) -> None:
    _conditional_feed(httpserver)
    source = _source(httpserver)
    first, _ = _run(settings, source, save=True)
    assert first.validators is not None and first.validators.etag == '"v1"'
    second, _ = _run(settings, source)
    assert second.outcome == "not_modified" and second.articles == ()


def test_validators_wait_until_every_entry_is_stored(
    settings: Settings, httpserver: HTTPServer
) -> None:
    _conditional_feed(httpserver)
    source = _source(httpserver)
    # A per-poll cap leaves an entry for later: no validators, or the next poll would be 304.
    capped, _ = _run(settings, source, cap=1, save=True)
    assert [a.title for a in capped.articles] == ["Headline 1"] and capped.validators is None
    # A crash after collecting but before storing leaves nothing remembered either.
    crashed, _ = _run(settings, source)
    assert [a.title for a in crashed.articles] == ["Headline 2"]
    rerun, _ = _run(settings, source, save=True)
    assert [a.title for a in rerun.articles] == ["Headline 2"]
    assert _run(settings, source)[0].outcome == "not_modified"


def test_slow_host_is_left_for_the_next_poll_at_the_budget(
    settings: Settings, httpserver: HTTPServer
) -> None:
    """Pages stop being fetched once the source's budget is spent; the rest stay unseen and
    the validators unremembered, so the next poll fetches them."""
    base = httpserver.url_for("").rstrip("/")
    items = "".join(f"<item><title>{n}</title><link>{base}/a/{n}</link></item>" for n in (1, 2, 3))
    httpserver.expect_request("/feed").respond_with_data(
        f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>",
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )

    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(PAGE.format(n=request.path), content_type="text/html")

    for n in (1, 2, 3):
        httpserver.expect_request(f"/a/{n}").respond_with_handler(slow)
    source = _source(httpserver)
    first, store = _run(settings, source, budget=1.0, save=True)
    # 0 s: page 1; 0.6 s: page 2; 1.2 s: over budget.
    assert [a.title for a in first.articles] == ["Headline /a/1", "Headline /a/2"]
    assert first.validators is None
    assert "budget of 1 s spent: 1 of 3" in (store.status()["sources"][0]["last_error"] or "")
    second, _ = _run(settings, source)
    assert [a.title for a in second.articles] == ["Headline /a/3"]
    assert second.validators is not None


def test_failed_pages_are_not_counted_as_new(settings: Settings, httpserver: HTTPServer) -> None:
    _feed(httpserver)
    _articles(httpserver, "/a/1")
    httpserver.expect_request("/a/2").respond_with_data("gone", status=404)
    source = _source(httpserver)
    _, store = _run(settings, source, save=True)
    new_at = store.status()["sources"][0]["last_new_at"]
    # Only the failed page is fetched again, and fails again: nothing new came.
    again, _ = _run(settings, source, save=True)
    assert [a.error for a in again.articles] == ["HTTP 404"]
    assert store.status()["sources"][0]["last_new_at"] == new_at


def _logged_new(store: Store) -> list[int]:
    with store.session() as session:
        return list(session.scalars(select(FetchLogRow.new_articles).order_by(FetchLogRow.id)))


@pytest.mark.parametrize(("canonical", "new"), [("/a/1", 1), (None, 2)])
def test_the_log_counts_the_articles_stored_not_the_pages_fetched(
    settings: Settings, httpserver: HTTPServer, canonical: str | None, new: int
) -> None:
    """The collection is logged at once with nothing new: a poll that fails before storing
    keeps none. Once stored, two entries whose pages name one canonical page are one new
    article, where two pages were fetched."""
    _feed(httpserver)
    for n in (1, 2):
        link = f"<link rel='canonical' href='{httpserver.url_for(canonical)}'>" if canonical else ""
        httpserver.expect_request(f"/a/{n}").respond_with_data(
            PAGE.format(n=n).replace("<body>", f"<head>{link}</head><body>"),
            content_type="text/html",
        )
    result, store = _run(settings, _source(httpserver))
    assert [a.error for a in result.articles] == [None, None]
    assert _logged_new(store) == [0]
    assert result.log_id is not None
    store.count_new(result.log_id, len(store.save(result.articles, ["d@x"])))
    assert _logged_new(store) == [new]
    assert store.status()["articles"] == new


@pytest.mark.parametrize(("copy_status", "outcome"), [(200, "ok"), (403, "error")])
def test_a_page_read_fine_but_not_new_is_no_failure(
    settings: Settings, httpserver: HTTPServer, copy_status: int, outcome: str
) -> None:
    """The second poll stores nothing: one page is a copy of a stored article (its canonical
    link), the other fails. The copy was read fine, so the run did not fail; where it fails
    too, every page failed."""
    base = httpserver.url_for("").rstrip("/")
    items = [f"<item><title>{n}</title><link>{base}/a/{n}</link></item>" for n in (1, 2, 3)]
    for listed in (items[:1], items[1:]):
        httpserver.expect_oneshot_request("/feed").respond_with_data(
            f"<rss version='2.0'><channel><title>t</title>{''.join(listed)}</channel></rss>",
            content_type="application/rss+xml",
        )
    link = f"<head><link rel='canonical' href='{base}/a/1'></head><body>"
    copy = PAGE.format(n=1).replace("<body>", link)
    httpserver.expect_request("/a/1").respond_with_data(copy, content_type="text/html")
    httpserver.expect_request("/a/2").respond_with_data(copy, status=copy_status)
    httpserver.expect_request("/a/3").respond_with_data("refused", status=403)
    source = _source(httpserver)
    _, store = _run(settings, source, save=True)
    second, _ = _run(settings, source, save=True)
    assert [a.error is None for a in second.articles] == [copy_status == 200, False]
    assert _logged_new(store) == [1, 0]
    with store.session() as session:
        assert session.scalars(select(FetchLogRow.outcome)).all() == ["ok", outcome]


@pytest.mark.parametrize(
    ("status", "health"), [(404, "ok"), (410, "ok"), (403, "error"), (503, "error")]
)
def test_a_removed_article_does_not_fail_its_source(
    settings: Settings, httpserver: HTTPServer, status: int, health: str
) -> None:
    """A feed's one new entry whose page is gone (404, 410): the article was removed, and
    the source works; a page the host refuses or fails to give is the source's failure, in
    its log and in the poll's summary."""
    base = httpserver.url_for("").rstrip("/")
    items = [f"<item><title>{n}</title><link>{base}/a/{n}</link></item>" for n in (1, 2)]
    for listed in (items[:1], items):
        httpserver.expect_oneshot_request("/feed").respond_with_data(
            f"<rss version='2.0'><channel><title>t</title>{''.join(listed)}</channel></rss>",
            content_type="application/rss+xml",
        )
    _articles(httpserver, "/a/1")
    httpserver.expect_request("/a/2").respond_with_data("no", status=status)
    source = _source(httpserver)
    _run(settings, source, save=True)
    result, store = _run(settings, source, save=True)
    [failed] = result.articles
    assert failed.error is not None and failed.error.startswith(f"HTTP {status}")
    with store.session() as session:
        assert session.scalars(select(FetchLogRow.outcome)).all() == ["ok", health]
    assert (store.status()["sources"][0]["last_error"] is None) == (health == "ok")
    # The poll's summary says what the log says (it had said every source was ok).
    said = "all 1 article pages failed: HTTP"
    assert (result.error or "").startswith(said) == (health == "error")


@pytest.mark.parametrize("stopped", [False, True])
def test_a_stopped_fetcher_asks_for_nothing_and_the_cut_short_run_logs_nothing(
    settings: Settings, httpserver: HTTPServer, stopped: bool
) -> None:
    """A source's task still running when its run ends (Prefect waits for it before the
    process may end) asks for no page more, and logs no fetch it did not make."""
    _feed(httpserver)
    _articles(httpserver, "/a/1", "/a/2")
    store = Store(settings.database)
    with Fetcher(settings) as fetcher:
        if stopped:
            fetcher.stop()
        result = collect(_source(httpserver), fetcher, store, "run-1", 50, 60.0)
    assert len(result.articles) == (0 if stopped else 2)
    assert (result.error == STOPPED) == stopped
    assert _logged_new(store) == ([] if stopped else [0])
    assert len(httpserver.log) == (0 if stopped else 4)


def test_failed_article_is_recorded_then_retried(
    settings: Settings, httpserver: HTTPServer
) -> None:
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(PAGE.format(n=1), content_type="text/html")
    httpserver.expect_oneshot_request("/a/2").respond_with_data("gone", status=404)
    first, store = _run(settings, _source(httpserver))
    store.save(first.articles, ["d@x"])
    failed = [a for a in first.articles if a.error]
    assert [a.error for a in failed] == ["HTTP 404"]
    assert store.status()["failed_articles"] == 1
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    second, _ = _run(settings, _source(httpserver))
    assert [a.title for a in second.articles] == ["Headline 2"]


def test_429_retry_after_is_honoured(settings: Settings, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(PAGE.format(n=1), content_type="text/html")
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    started = time.monotonic()
    result, _ = _run(settings, _source(httpserver))
    assert result.outcome == "ok"
    assert time.monotonic() - started >= 1.0


def test_server_error_recorded_against_source(settings: Settings, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("down", status=503)
    result, store = _run(settings, _source(httpserver))
    assert result.error == "HTTP 503 (after 2 attempts)"
    [source] = store.status()["sources"]
    assert source["last_error"] == "HTTP 503 (after 2 attempts)"


def test_timeout_recorded(settings: Settings, httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/feed").respond_with_handler(slow)
    result, _ = _run(settings, _source(httpserver))
    assert "timed out" in result.error


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"x" * 300_000, "text/html", "exceeds the 200000-byte cap"),
        (b"\x89PNG\r\n" + bytes(1000), "image/png", "unsupported content type"),
        (b"\x00\x01" * 500, "text/html", "binary content"),
    ],
)
def test_bad_article_bodies_become_failed_articles(
    settings: Settings, httpserver: HTTPServer, body: bytes, content_type: str, error: str
) -> None:
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(body, content_type=content_type)
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    result, _ = _run(settings, _source(httpserver))
    first, second = result.articles
    assert first.error and error in first.error
    assert second.error is None


def test_same_etag_but_changed_content_is_read(settings: Settings, httpserver: HTTPServer) -> None:
    """A server that ignores If-None-Match and keeps its ETag: the body's hash decides."""
    base = httpserver.url_for("").rstrip("/")
    one_item = FEED.format(base=base).replace(
        f"<item><title>Two</title><link>{base}/a/2</link></item>", ""
    )
    httpserver.expect_oneshot_request("/feed").respond_with_data(
        one_item, content_type="application/rss+xml", headers={"ETag": '"same"'}
    )
    _feed(httpserver, ETag='"same"')
    httpserver.expect_request("/a/1").respond_with_data(PAGE.format(n=1), content_type="text/html")
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    source = _source(httpserver)
    _run(settings, source, save=True)
    changed, _ = _run(settings, source, save=True)
    assert changed.outcome == "ok"
    assert [a.url for a in changed.articles] == [f"{base}/a/2"]
    # The same body again, validators or not: nothing to parse.
    unchanged, _ = _run(settings, source)
    assert (unchanged.outcome, unchanged.articles) == ("not_modified", ())


def test_robots_txt_disallow_is_honoured(settings: Settings, httpserver: HTTPServer) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /a/2\n", content_type="text/plain"
    )
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(PAGE.format(n=1), content_type="text/html")
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    result, _ = _run(settings, _source(httpserver))
    allowed, disallowed = result.articles
    assert allowed.error is None
    assert disallowed.error and "disallowed by" in disallowed.error
    assert all(request.path != "/a/2" for request, _ in httpserver.log)


def test_robots_txt_crawl_delay_spaces_requests(settings: Settings, httpserver: HTTPServer) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain"
    )
    _feed(httpserver)
    _articles(httpserver, "/a/1", "/a/2")
    started = time.monotonic()
    result, _ = _run(settings, _source(httpserver))
    assert [a.error for a in result.articles] == [None, None]
    # robots.txt, the feed and two pages, one second apart (the configured delay is 0).
    assert time.monotonic() - started >= 3.0


def test_failing_robots_txt_blocks_the_host_only(
    settings: Settings, httpserver: HTTPServer
) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    _feed(httpserver)
    result, store = _run(settings, _source(httpserver))
    assert result.outcome == "error" and "robots.txt answered HTTP 503" in (result.error or "")
    assert store.status()["sources"][0]["last_error"] == result.error


def test_fifty_megabyte_body_is_refused_unread(settings: Settings, httpserver: HTTPServer) -> None:
    chunk = b"<p>" + b"x" * (1024 * 1024 - 3)

    def huge(request: Request) -> Response:
        # Streamed without a Content-Length, so only the running count can stop it.
        return Response((chunk for _ in range(50)), content_type="text/html")

    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_handler(huge)
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    result, _ = _run(replace(settings, max_bytes=10_000_000), _source(httpserver))
    huge_page, normal = result.articles
    assert huge_page.error and "exceeds the 10000000-byte cap" in huge_page.error
    assert normal.error is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # The charset only in the HTTP header, none in the page.
        (PAGE.format(n="Россия и Грузия").encode("cp1251"), "text/html; charset=windows-1251"),
        # UTF-8 with no charset anywhere.
        (PAGE.format(n="Россия и Грузия").encode("utf-8"), "text/html"),
    ],
    ids=["windows-1251-header-only", "utf-8-undeclared"],
)
def test_page_charsets(
    settings: Settings, httpserver: HTTPServer, body: bytes, content_type: str
) -> None:
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(body, content_type=content_type)
    httpserver.expect_request("/a/2").respond_with_data(PAGE.format(n=2), content_type="text/html")
    result, _ = _run(settings, _source(httpserver))
    assert result.articles[0].title == "Headline Россия и Грузия"


def test_listing_source_with_item_titles_and_dates(
    settings: Settings, httpserver: HTTPServer
) -> None:
    base = _fixture_at(
        httpserver,
        "/category/world/",
        "listings/see_news_world.html",
        "https://see.news",
        "text/html; charset=utf-8",
    )
    _articles(
        httpserver,
        "/kremlin-ready-for-steps-toward-georgia-ties",
        "/egypt-opens-new-grain-terminal-at-damietta",
        "/tbilisi-and-moscow-discuss-upper-lars-traffic",
    )
    source = Source(
        name="see",
        outlet="See",
        kind="listing",
        url=f"{base}/category/world/",
        links_css="article.post-item",
        title_css=".post-title",
        date_css=".post-date",
    )
    result, _ = _run(settings, source)
    assert result.outcome == "ok"
    assert [a.title for a in result.articles] == [
        "Headline kremlin-ready-for-steps-toward-georgia-ties",
        "Headline egypt-opens-new-grain-terminal-at-damietta",
        "Headline tbilisi-and-moscow-discuss-upper-lars-traffic",
    ]
    assert result.articles[0].published and result.articles[0].published.hour == 8


def test_sitemap_index_reads_the_newest_sitemaps(
    settings: Settings, httpserver: HTTPServer
) -> None:
    host, xml = "https://news.example", "application/xml"
    base = _fixture_at(httpserver, "/sitemap_index.xml", "sitemaps/sitemap_index.xml", host, xml)
    _fixture_at(httpserver, "/sitemap-news.xml", "sitemaps/news_sitemap.xml", host, xml)
    httpserver.expect_request("/sitemap-2025-04.xml").respond_with_data("gone", status=404)
    _fixture_at(httpserver, "/sitemap-2025-03.xml", "sitemaps/news_sitemap.xml", host, xml)
    _articles(
        httpserver,
        "/2025/04/15/kremlin-open-to-normalization",
        "/2025/04/14/trade-talks-resume",
        "/about",
    )
    source = Source(name="map", outlet="Map", kind="sitemap", url=f"{base}/sitemap_index.xml")
    result, store = _run(settings, source)
    assert result.outcome == "ok"
    assert [a.url for a in result.articles] == [
        f"{base}/2025/04/15/kremlin-open-to-normalization",
        f"{base}/2025/04/14/trade-talks-resume",
        f"{base}/about",
    ]
    # The missing child sitemap is recorded against the source, the rest still read.
    assert result.error == f"{base}/sitemap-2025-04.xml: HTTP 404"
    # The source worked, and the sitemap it could not read stays visible.
    assert store.status()["sources"][0]["last_error"] == result.error


def test_truncated_feed_keeps_its_complete_entries_and_records_the_damage(
    settings: Settings, httpserver: HTTPServer
) -> None:
    base = httpserver.url_for("").rstrip("/")
    cut = FEED.format(base=base)[:-60]  # ends inside the second item
    httpserver.expect_request("/feed").respond_with_data(cut, content_type="application/rss+xml")
    _articles(httpserver, "/a/1", "/a/2")
    result, store = _run(settings, _source(httpserver))
    assert [a.title for a in result.articles][:1] == ["Headline a/1"]
    assert result.error and store.status()["sources"][0]["last_error"] == result.error


def test_malformed_article_html_is_still_read(settings: Settings, httpserver: HTTPServer) -> None:
    _feed(httpserver)
    broken = PAGE.format(n=1).replace("</p>", "").replace("</article></body></html>", "<div><p")
    httpserver.expect_request("/a/1").respond_with_data(broken, content_type="text/html")
    _articles(httpserver, "/a/2")
    result, _ = _run(settings, _source(httpserver))
    assert [a.error for a in result.articles] == [None, None]
    assert "direct flights" in result.articles[0].text


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lolololololololololololololololololololololololololololol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
{root}"""


@pytest.mark.parametrize("kind", ["feed", "sitemap"])
def test_xml_entity_expansion_is_not_expanded(
    settings: Settings, httpserver: HTTPServer, kind: str
) -> None:
    """A billion laughs in a feed or a sitemap: read in bounded time and memory, the links
    kept, the entity never inflated."""
    base = httpserver.url_for("").rstrip("/")
    if kind == "feed":
        root = (
            "<rss version='2.0'><channel><title>&lol9;</title><item><title>&lol9;</title>"
            f"<link>{base}/a/1</link></item></channel></rss>"
        )
    else:
        root = (
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url>"
            f"<loc>{base}/a/1</loc><lastmod>&lol9;</lastmod></url></urlset>"
        )
    httpserver.expect_request("/feed").respond_with_data(
        BILLION_LAUGHS.format(root=root), content_type="application/xml"
    )
    _articles(httpserver, "/a/1")
    started = time.monotonic()
    result, _ = _run(settings, replace(_source(httpserver), kind=kind))
    assert time.monotonic() - started < 20
    assert [a.url for a in result.articles] == [f"{base}/a/1"]
    assert all(len(a.title) < 1000 for a in result.articles)


def test_gzip_bomb_is_stopped_at_the_cap(settings: Settings, httpserver: HTTPServer) -> None:
    """200 MB of zeros sent as 200 KB of gzip: inflated only up to the body cap."""
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    _articles(httpserver, "/a/2")
    result, _ = _run(settings, _source(httpserver))
    first, second = result.articles
    assert first.error and "exceeds the 200000-byte cap" in first.error
    assert second.error is None


def test_gzipped_sitemap_bomb_is_refused(settings: Settings, httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b" " * 80_000_000, compresslevel=9)
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(
        bomb, content_type="application/xml"
    )
    source = replace(_source(httpserver, "/sitemap.xml.gz"), kind="sitemap")
    result, store = _run(replace(settings, max_bytes=1_000_000), source)
    assert result.error and "inflates past" in result.error
    assert store.status()["sources"][0]["last_error"] == result.error


def test_utf8_page_labelled_latin1_by_its_server(
    settings: Settings, httpserver: HTTPServer
) -> None:
    """A server's default charset is wrong for the page: the bytes say UTF-8."""
    _feed(httpserver)
    georgian = PAGE.format(n="რუსეთი და საქართველო").encode("utf-8")
    httpserver.expect_request("/a/1").respond_with_data(
        georgian, content_type="text/html; charset=ISO-8859-1"
    )
    _articles(httpserver, "/a/2")
    result, _ = _run(settings, _source(httpserver))
    assert result.articles[0].title == "Headline რუსეთი და საქართველო"


def test_redirect_loop_is_recorded(settings: Settings, httpserver: HTTPServer) -> None:
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a/1"})
    _articles(httpserver, "/a/2")
    result, store = _run(settings, _source(httpserver))
    assert result.articles[0].error == "too many redirects"
    store.save(result.articles, ["d@x"])
    assert store.status()["failed_by_reason"] == {"too many redirects": 1}


@pytest.mark.parametrize(("status", "retried"), [(404, True), (410, False)])
def test_missing_pages_are_marked_and_gone_ones_not_asked_again(
    settings: Settings, httpserver: HTTPServer, status: int, retried: bool
) -> None:
    _feed(httpserver)
    httpserver.expect_request("/a/1").respond_with_data("no", status=status)
    _articles(httpserver, "/a/2")
    source = _source(httpserver)
    first, _ = _run(settings, source, save=True)
    assert first.articles[0].error == f"HTTP {status}"
    again, _ = _run(settings, source)
    assert [a.url.endswith("/a/1") for a in again.articles] == ([True] if retried else [])


def test_missing_feed_marks_the_source(settings: Settings, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    result, store = _run(settings, _source(httpserver))
    [source] = store.status()["sources"]
    assert result.error == source["last_error"] == "HTTP 410"
    assert source["consecutive_failures"] == 1


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://10.1.2.3/intranet",
        "http://192.168.0.1/admin",
        "http://127.0.0.2:{port}/a/1",  # loopback, but not the address the config allows
        "http://[::1]:{port}/a/1",
        "http://0.0.0.0:{port}/a/1",
    ],
)
def test_links_to_private_addresses_are_refused(
    settings: Settings, httpserver: HTTPServer, target: str
) -> None:
    """The test server's 127.0.0.1 is allowed explicitly; a feed's links elsewhere in this
    machine or its network are not fetched, and the refusal is recorded."""
    allowed = replace(settings, allowed_networks=("127.0.0.1",))
    url = target.format(port=httpserver.port)
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(base="").replace("<link>/a/1</link>", f"<link>{url}</link>"),
        content_type="application/rss+xml",
    )
    result, _ = _run(allowed, _source(httpserver, host="127.0.0.1"))
    refused = result.articles[0]
    assert refused.error and "non-public address" in refused.error


def test_redirect_to_a_private_address_is_refused(
    settings: Settings, httpserver: HTTPServer
) -> None:
    allowed = replace(settings, allowed_networks=("127.0.0.1",))
    httpserver.expect_request("/feed").respond_with_data(
        FEED.format(base=f"http://127.0.0.1:{httpserver.port}"), content_type="application/rss+xml"
    )
    httpserver.expect_request("/a/1").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    _articles(httpserver, "/a/2")
    result, _ = _run(allowed, _source(httpserver, host="127.0.0.1"))
    assert result.articles[0].error and "non-public address" in result.articles[0].error
    assert result.articles[1].error is None


def test_nothing_private_is_reached_by_default(settings: Settings, httpserver: HTTPServer) -> None:
    source = _source(httpserver, host="127.0.0.1")
    result, _ = _run(replace(settings, allowed_networks=()), source)
    assert result.outcome == "error" and "non-public address (127.0.0.1)" in (result.error or "")
    assert not httpserver.log
