"""The poll flow end to end on Prefect's test API, with real HTTP and SMTP servers."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsmon.demo import demo_config
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import ROOT, Mailbox, mail_parts, stories_weighed
from tests.flows.sites import BROKEN_SOURCES, config, feed_source, serve_broken, serve_demo

pytestmark = pytest.mark.usefixtures("prefect_api")


def test_poll_alerts_seed_coverage_once_and_records_broken_sources(
    home: Path,
    smtp_server: Mailbox,
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.poll import poll

    base = serve_demo(httpserver)
    serve_broken(httpserver)
    config_file = config(tmp_path / "newsmon.toml", base, BROKEN_SOURCES.format(base=base))
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)

    settled: list[datetime | None] = []
    settle = Store.settle_stories

    def recorded(store: Store, since: datetime | None = None, until: datetime | None = None) -> int:
        settled.append(until)
        return settle(store, since, until)

    monkeypatch.setattr(Store, "settle_stories", recorded)
    first = poll(config_file=str(config_file))

    assert first["sources"] == 4
    assert first["new_articles"] == 5
    assert len(first["flagged"]) == 2 and first["alerts_sent"] == 2
    assert set(first["source_errors"]) == {"broken-500", "garbage"}
    assert "HTTP 500" in first["source_errors"]["broken-500"]
    subjects = sorted(m["Subject"].replace("\n", "") for m in smtp_server.messages)
    assert len(subjects) == 2
    assert subjects[0].startswith("[newsmon] Civil.ge (demo): Russia Open to Normalizing Ties")
    assert subjects[1].startswith("[newsmon] Sada El-Balad English (demo): Kremlin Reaffirms")

    second = poll(config_file=str(config_file))
    assert (second["new_articles"], second["alerts_sent"]) == (0, 0)
    assert len(smtp_server.messages) == 2

    settings = load_settings(config_file)
    status = Store(settings.database).status()
    by_name = {s["name"]: s for s in status["sources"]}
    assert by_name["broken-500"]["consecutive_failures"] == 2
    assert by_name["demo-civil"]["last_error"] is None
    assert status["articles"] == 5 and status["alerts"] == {"sent": 2, "queued": 0}
    # Each poll settled the stories of the week before, after its deliveries; the demo's
    # were published long before it and are left to a backfill of their range.
    assert settled == [None, None]
    assert stories_weighed(settings.database) == [False, False]


@pytest.mark.parametrize(("hold", "follow_ups"), [("60", 0), ("0", 2)])
def test_copies_collected_while_an_alert_is_held_are_listed_in_it(
    hold: str,
    follow_ups: int,
    home: Path,
    smtp_server: Mailbox,
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo: the Foreign Ministry's statement in English, Georgian and Russian from three
    sources of one poll. Held past the poll's end, one alert lists all three outlets; not
    held, each copy stored after the alert went is a follow-up."""
    from flows.poll import poll

    config_file = tmp_path / "newsmon.toml"
    config_file.write_text(demo_config(serve_demo(httpserver)), encoding="utf-8")
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("NEWSMON_ALERT_HOLD_SECONDS", hold)

    summary = poll(config_file=str(config_file))

    assert len(summary["flagged"]) == 4 and summary["alerts_sent"] == 2 + follow_ups
    alerts = [m for m in smtp_server.messages if not m["In-Reply-To"]]
    assert len(alerts) == 2
    [statement] = [m for m in alerts if "Sada El-Balad" not in mail_parts(m)["text/plain"]]
    listed = mail_parts(statement)["text/plain"]
    outlets = ("Civil.ge (demo)", "თბილისის კურიერი (demo)", "Кавказский обозреватель (demo)")
    assert sum(outlet in listed for outlet in outlets) == 3 - follow_ups


def test_stored_text_has_no_page_furniture(
    home: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    from flows.poll import poll

    config_file = config(tmp_path / "newsmon.toml", serve_demo(httpserver))
    poll(config_file=str(config_file))
    rows = {r.title: r for r in Store(load_settings(config_file).database).articles()}
    sada = rows["Kremlin Reaffirms Readiness to Normalize Ties with Georgia"]
    civil = rows[
        "Russia Open to Normalizing Ties With Georgia, Sees No Ground for Political Dialogue"
    ]
    assert sada.lang == "en" and civil.lang == "en"
    for row in (sada, civil):
        for furniture in ("Supervisor", "Editor in Chief", "Also Read", "Back to top", "ads\n"):
            assert furniture not in row.text
        assert not re.search(r"[\u0600-\u06FF]", row.text)
        assert row.text.count("The Kremlin building in Moscow") == 0
    assert sada.text.startswith("Russia remains willing to normalize its relations with Georgia")
    assert civil.published_at is not None and civil.published_at.hour == 9


SLOW_PAGES = 8
SLOW_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>{items}
</channel></rss>"""
SLOW_PAGE = (
    "<html lang='en'><body><article><h1>Weather {n}</h1>"
    + "<p>Rain is expected over the coast tomorrow, with wind from the west.</p>" * 8
    + "</article></body></html>"
)


@pytest.fixture
def slow_server() -> Iterator[HTTPServer]:
    """A second site, threaded, so a held request does not stall the demo site's."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def test_a_slow_host_does_not_hold_back_the_others_alerts(
    home: Path,
    smtp_server: Mailbox,
    httpserver: HTTPServer,
    slow_server: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each of a slow host's pages takes up to 4 s; the demo sources' first alert, held
    1 s for the sources still out, arrives before that host has answered them all."""
    from flows.poll import poll

    slow_base = slow_server.url_for("").rstrip("/")
    items = "".join(
        f"<item><title>Slow {n}</title><link>{slow_base}/slow/{n}</link></item>"
        for n in range(SLOW_PAGES)
    )
    slow_server.expect_request("/feed").respond_with_data(
        SLOW_FEED.format(items=items), content_type="application/rss+xml"
    )
    first_alert, lock = threading.Event(), threading.Lock()
    answered, slow_left_when_alerted = [0], []

    def slow_page(request: Request) -> Response:
        # Under the 5 s request timeout; the first alert lets the rest answer at once.
        first_alert.wait(timeout=4)
        with lock:
            answered[0] += 1
        return Response(SLOW_PAGE.format(n=request.path), content_type="text/html")

    slow_server.expect_request(re.compile("/slow/.*")).respond_with_handler(slow_page)

    def on_accept(message: object) -> None:
        with lock:
            if not first_alert.is_set():
                slow_left_when_alerted.append(SLOW_PAGES - answered[0])
                first_alert.set()

    smtp_server.on_accept = on_accept
    extra = feed_source("slow", "Slow", f"{slow_base}/feed")
    config_file = config(tmp_path / "newsmon.toml", serve_demo(httpserver), extra)
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("NEWSMON_ALERT_HOLD_SECONDS", "1")

    summary = poll(config_file=str(config_file))

    [slow_left] = slow_left_when_alerted
    assert slow_left > 0, "the first alert waited for every slow page"
    assert summary["alerts_sent"] == 2 and summary["source_errors"] == {}
    assert summary["new_articles"] == 5 + SLOW_PAGES


def test_copies_after_the_first_held_alert_are_held_for_their_own(
    home: Path,
    smtp_server: Mailbox,
    httpserver: HTTPServer,
    slow_server: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two slow outlets carry one report, weeks after the demo's; their pages answer only
    once the demo's held alerts are out, the second a second after the first. The first
    copy starts a hold of its own, so the second is listed in the same alert, not sent as
    a follow-up."""
    from flows.poll import poll

    alerted = threading.Event()
    smtp_server.on_accept = lambda message: alerted.set()
    report = (ROOT / "tests" / "fixtures" / "stories" / "other_story.txt").read_text("utf-8")
    page = "<html lang='en'><body><article><h1>{title}</h1>{body}</article></body></html>"
    body = "".join(f"<p>{p}</p>" for p in report.split("\n\n"))
    slow_base = slow_server.url_for("").rstrip("/")
    extra = ""
    for n, (outlet, delay) in enumerate((("Slow One", 0.0), ("Slow Two", 1.0))):
        title = f"{outlet}: Kobakhidze on red lines"
        slow_server.expect_request(f"/feed{n}").respond_with_data(
            SLOW_FEED.format(
                items=f"<item><title>{title}</title><link>{slow_base}/report{n}</link>"
                "<pubDate>Mon, 20 Jan 2025 09:00:00 GMT</pubDate></item>"
            ),
            content_type="application/rss+xml",
        )

        def answer(request: Request, title: str = title, delay: float = delay) -> Response:
            alerted.wait(timeout=20)
            time.sleep(delay)
            return Response(page.format(title=title, body=body), content_type="text/html")

        slow_server.expect_request(f"/report{n}").respond_with_handler(answer)
        extra += feed_source(f"slow{n}", outlet, f"{slow_base}/feed{n}")
    config_file = config(tmp_path / "newsmon.toml", serve_demo(httpserver), extra)
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("NEWSMON_ALERT_HOLD_SECONDS", "4")
    # The slow pages wait for the first alert, held 4 s: longer than the fixtures' timeout.
    monkeypatch.setenv("NEWSMON_TIMEOUT_SECONDS", "30")

    summary = poll(config_file=str(config_file))

    assert len(summary["flagged"]) == 4 and summary["alerts_sent"] == 3
    assert not [m for m in smtp_server.messages if m["In-Reply-To"]]
    [report_alert] = [m for m in smtp_server.messages if "Slow" in m["Subject"]]
    listed = mail_parts(report_alert)["text/plain"]
    assert "Slow One" in listed and "Slow Two" in listed


@pytest.mark.parametrize(("new", "said"), [(1, "1 new article (0 failed)"), (2, "2 new articles")])
def test_the_poll_line_counts_in_words(new: int, said: str) -> None:
    from flows.poll import PollSummary

    line = PollSummary(run_id="r", sources=2, new_articles=new, alert_destination="x").line()
    assert f"2 of 2 sources ok, {said}" in line
