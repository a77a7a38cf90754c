"""Backfills from WARC files, sitemaps and URL lists, on Prefect's test API with real servers."""

from __future__ import annotations

import csv
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_httpserver import HTTPServer

from flows.backfill import BackfillRequest, backfill
from flows.backfill_inputs import InputProblems, listed_urls
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import FIXTURES, ROOT, Mailbox, mail_parts, stories_weighed
from tests.fixtures.warc.build import write_warc
from tests.flows.sites import serve_demo, serve_statement_twice

pytestmark = pytest.mark.usefixtures("prefect_api")
WARC = FIXTURES / "warc" / "desk.warc.gz"
# The fixture archive's article pages, and those about the topic.
ARCHIVED = 7
FLAGGED = {
    "https://civil.ge.example/archives/russia-open-to-normalizing-ties",
    "https://see.news.example/see/kremlin-reaffirms-readiness-to-normalize-ties-with-georgia",
    "https://netgazeti.example/news/kremlin-normalization",
    "https://ria.example/politics/georgia-ties",
}


def _run(request: BackfillRequest, config_file: Path | None = None) -> SimpleNamespace:
    """The backfill flow's summary, read as attributes."""
    return SimpleNamespace(**backfill(request, str(config_file) if config_file else None))


def _report_rows(summary: SimpleNamespace) -> list[dict[str, str]]:
    with Path(summary.report["csv"]).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_url_list_names_each_line_that_is_no_url(tmp_path: Path) -> None:
    listed = tmp_path / "urls.txt"
    listed.write_text(
        "https://a.ge/1\n\n# a comment\ncivil.ge/2\nHTTPS://b.ge/3\nhttp://[bad\nhttps://\n"
    )
    problems = InputProblems([])
    found = listed_urls(listed, problems)
    assert [candidate.entry.url for candidate in found] == ["https://a.ge/1", "HTTPS://b.ge/3"]
    assert problems.errors == [
        f"{listed}:{number}: not an http(s) URL: {line!r}"
        for number, line in ((4, "civil.ge/2"), (6, "http://[bad"), (7, "https://"))
    ]


def test_warc_backfill_stores_archived_pages_once_and_reports(home: Path) -> None:
    settings = load_settings()
    summary = _run(BackfillRequest(warcs=(str(WARC),)))

    assert (summary.stored, summary.failed, summary.out_of_range) == (ARCHIVED, 0, 0)
    assert summary.analysed == ARCHIVED
    # Nothing in the archive goes unaccounted for.
    assert summary.skipped == {
        "listed twice": 1,
        "HTTP 301": 1,
        "content type 'image/png'": 1,
        "HTTP 404": 1,
        "not a web address": 1,
    }
    assert summary.candidates == ARCHIVED + sum(summary.skipped.values())
    rows = _report_rows(summary)
    assert {r["url"] for r in rows if r["flagged"] == "yes"} == FLAGGED
    assert {r["lang"] for r in rows if r["flagged"] == "yes"} == {"en", "ka", "ru"}
    assert Path(summary.report["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = Path(summary.report["html"]).read_text(encoding="utf-8")
    assert "4 flagged of 7 articles" in page and "Kremlin" in page
    # Archived pages are not refetched, and a backfill alerts no one.
    assert not (home / "outbox").exists()
    # Its stories, the latest of them years old, were weighed as settled.
    assert stories_weighed(settings.database) == [True, True]

    again = _run(BackfillRequest(warcs=(str(WARC),)))
    assert (again.stored, again.already_stored, again.analysed) == (0, ARCHIVED, 0)
    assert Store(settings.database).status()["articles"] == ARCHIVED
    assert len(_report_rows(again)) == ARCHIVED


def test_a_page_under_a_second_url_is_analysed_and_counted_once(
    home: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    urls = serve_statement_twice(httpserver, tmp_path)
    summary = _run(BackfillRequest(urls_file=str(urls)))

    # Both pages were read and analysed; the second is the first (its canonical link says so).
    assert (summary.candidates, summary.analysed) == (2, 2)
    assert (summary.stored, summary.flagged) == (1, 1)
    assert summary.skipped == {"same page as one stored": 1}


def test_date_range_and_source_filter(home: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "c.toml"
    config_file.write_text(
        '[[sources]]\nname = "civil"\noutlet = "Civil.ge"\nkind = "feed"\n'
        'url = "https://civil.ge.example/feed/"\nlanguage = "en"\n'
    )
    request = BackfillRequest(
        since=datetime(2024, 12, 5, tzinfo=UTC),
        until=datetime(2025, 1, 1, tzinfo=UTC),
        source="civil",
        warcs=(str(WARC),),
    )
    summary = _run(request, config_file)

    # Civil.ge's three pages: one published on 5 December, two the day before.
    assert (summary.stored, summary.out_of_range) == (1, 2)
    assert summary.skipped["not on civil's site"] == 4
    [row] = _report_rows(summary)
    assert row["source"] == "civil" and row["outlet"] == "Civil.ge" and row["flagged"] == "yes"


def test_sitemap_backfill_walks_the_index_and_skips_old_sitemaps(
    home: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    base = serve_demo(httpserver)
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-2024-12.xml</loc><lastmod>2024-12-31</lastmod></sitemap>
  <sitemap><loc>{base}/sitemap-2023-01.xml</loc><lastmod>2023-01-31</lastmod></sitemap>
</sitemapindex>"""
    december = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}/civil/russia-open-to-normalizing-ties.html</loc>
       <lastmod>2024-12-05</lastmod></url>
  <url><loc>{base}/civil/wine-exports-record.html</loc><lastmod>2024-12-04</lastmod></url>
  <url><loc>{base}/civil/old-story.html</loc><lastmod>2023-06-01</lastmod></url>
</urlset>"""
    httpserver.expect_request("/sitemap.xml").respond_with_data(index, content_type="text/xml")
    httpserver.expect_request("/sitemap-2024-12.xml").respond_with_data(
        december, content_type="application/xml"
    )
    request = BackfillRequest(
        since=datetime(2024, 1, 1, tzinfo=UTC), sitemaps=(f"{base}/sitemap.xml",)
    )
    summary = _run(request)

    assert (summary.candidates, summary.stored, summary.flagged) == (2, 2, 1)
    assert summary.input_errors == []
    asked = {request.path for request, _ in httpserver.log}
    assert "/sitemap-2023-01.xml" not in asked and "/civil/old-story.html" not in asked


def test_alert_sends_one_digest_of_the_backfill(home: Path, smtp_server: Mailbox) -> None:
    os.environ["NEWSMON_SMTP_URL"] = smtp_server.url
    try:
        request = BackfillRequest(warcs=(str(WARC),), alert=True)
        first = _run(request)
        second = _run(request)
    finally:
        del os.environ["NEWSMON_SMTP_URL"]
    assert (first.digests_sent, second.digests_sent) == (1, 0)
    [digest] = smtp_server.messages
    # Peskov's statement of 15 April 2025 in English, Georgian and Russian is one story;
    # the Foreign Ministry's of December 2024 is the other.
    assert digest["Subject"] == "[newsmon] Digest: 2 stories"
    body = mail_parts(digest)["text/plain"]
    assert "Kremlin" in body and "ria.example" in body and "netgazeti" in body


@pytest.mark.parametrize("kept", [0.3, 0.5, 0.7])
def test_damaged_archive_is_reported_and_what_came_before_kept(
    home: Path, tmp_path: Path, kept: float
) -> None:
    damaged = tmp_path / "cut.warc.gz"
    data = WARC.read_bytes()
    damaged.write_bytes(data[: int(len(data) * kept)])
    summary = _run(BackfillRequest(warcs=(str(damaged),)))
    [error] = summary.input_errors
    assert str(damaged) in error and "damaged archive" in error
    assert summary.stored >= 1


def _synthetic_archive(path: Path, count: int) -> None:
    """``count`` distinct short news pages, one a minute, as one archive."""
    records = []
    for n in range(count):
        body = (
            f"<html lang='en'><head><title>Harbour report {n}</title></head><body><article>"
            f"<h1>Harbour report {n}</h1><p>The port of Poti handled {n} containers on day {n}, "
            f"the harbour master said, as cranes number {n % 7} and {n % 5} were repaired and "
            f"the shipping season entered week {n % 52}.</p></article></body></html>"
        ).encode()
        when = f"2025-03-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z"
        url = f"https://port.example/news/{n}"
        records.append((url, "200 OK", [("Content-Type", "text/html")], body, when))
    write_warc(path, records)


def test_killed_backfill_resumes_where_it_stopped(home: Path, tmp_path: Path) -> None:
    """The process is killed once its first batches are stored; the rerun stores the rest,
    and no article is stored twice or lost."""
    archive, total = tmp_path / "port.warc.gz", 200
    _synthetic_archive(archive, total)
    env = {**os.environ, "NEWSMON_BACKFILL_BATCH": "5", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "newsmon.cli",
        "backfill",
        "--warc",
        str(archive),
        "--progress",
    ]
    database = home / "newsmon.db"
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None and _count(database) < 1:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    interrupted = _count(database)
    assert 1 <= interrupted < total

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{total - interrupted} stored" in rerun.stdout
    assert f"{interrupted} already stored" in rerun.stdout
    # The bar, on stderr: done of total, the rate, the time left.
    assert re.search(rf"backfill .* {total}/{total} .*articles/s", rerun.stderr)
    assert _count(database) == total


def _count(database: Path) -> int:
    """Stored articles, read without the store so the writer is not slowed."""
    if not database.exists():
        return 0
    with sqlite3.connect(database, timeout=5) as connection:
        try:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.OperationalError:  # the tables are not made yet
            return 0
