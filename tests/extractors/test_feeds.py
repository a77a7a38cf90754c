from __future__ import annotations

from pathlib import Path

import pytest

from extractors.feeds import parse_feed
from tests.conftest import FIXTURES, shared_data


def test_windows_1251_feed_is_decoded_and_links_resolved() -> None:
    parsed = parse_feed(
        (FIXTURES / "feeds" / "ria_like_cp1251.rss").read_bytes(),
        "https://ria.example/export/rss2/",
    )
    assert parsed.error is None
    assert parsed.entries[0].title.startswith("Песков: Россия готова")
    assert parsed.entries[1].url == "https://ria.example/20250415/vystavka-124.html"
    assert parsed.entries[0].published is not None
    assert parsed.entries[0].published.isoformat() == "2025-04-15T05:18:00+00:00"


def test_broken_feed_salvages_entries_and_reports_error() -> None:
    parsed = parse_feed((FIXTURES / "feeds" / "broken.rss").read_bytes(), "https://b.example/")
    assert parsed.error is not None and parsed.error.startswith("damaged feed")
    assert [e.url for e in parsed.entries][:1] == ["https://broken.example/a/1"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"<html><body>Hi</body></html>"])
def test_garbage_is_not_a_feed(content: bytes) -> None:
    parsed = parse_feed(content, "https://x.example/feed")
    assert parsed.entries == ()
    assert parsed.error


def test_real_feeds_parse_without_crashing() -> None:
    folder = shared_data("feeds/rss")
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("LICENSE"))
    assert len(files) >= 20
    with_entries = 0
    for path in files:
        parsed = parse_feed(path.read_bytes(), "https://example.org/")
        with_entries += bool(parsed.entries)
        assert all(e.url.startswith("http") for e in parsed.entries), path.name
    # The one deliberately invalid feed may yield nothing; every other one yields entries.
    assert with_entries >= len(files) - 1


def test_invalid_real_feed_reports_error() -> None:
    path: Path = shared_data("feeds/rss/feedrs__rss_2.0_invalid_1.xml")
    assert parse_feed(path.read_bytes(), "https://example.org/").error


def test_real_feeds_dated_in_their_own_language() -> None:
    # UOL declares no language (its titles say Portuguese); Il Messaggero declares "IT-it".
    uol = parse_feed(shared_data("feeds/rss/rssparser__uolNoticias.rss").read_bytes(), "https://x/")
    assert all(entry.published is not None for entry in uol.entries) and len(uol.entries) == 15
    assert uol.entries[0].published is not None
    assert uol.entries[0].published.isoformat() == "2018-09-24T19:42:40-03:00"
    path = shared_data("feeds/rss/feedrs__rss_2.0_ilmessaggero.xml")
    (entry,) = parse_feed(path.read_bytes(), "https://x/").entries
    assert entry.published is not None
    assert entry.published.isoformat() == "2022-11-16T00:38:15+01:00"


def test_a_feeds_dates_in_another_language_than_it_declares() -> None:
    feed = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
    <title>t</title><link>https://x.example/</link><language>pt-BR</language>
    <item><title>Peskov says Moscow is ready to restore ties with Tbilisi</title>
    <link>https://x.example/a</link><pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item>
    <item><title>Peskov says Moscow is ready to restore ties with Tbilisi</title>
    <link>https://x.example/b</link><pubDate>Пт, 05 дек 2025 10:15:00 +0300</pubDate></item>
    </channel></rss>"""
    declared, detected = parse_feed(feed.encode(), "https://x.example/").entries
    # The declared language reads the first; the second is read in neither that nor its
    # English title's language, and stays undated rather than wrongly dated.
    assert declared.published is not None and declared.published.month == 9
    assert detected.published is None


def test_a_json_feed_nested_deeper_than_the_parser_goes_is_a_damaged_feed() -> None:
    parsed = parse_feed(b'{"items": ' + b"[" * 100_000, "https://news.example/feed.json")
    assert parsed.entries == ()
    assert parsed.error is not None and parsed.error.startswith("damaged JSON feed: ")


def test_a_utf16_feed_the_mending_cannot_read_is_named_damaged() -> None:
    """References to impossible characters are mended in the bytes; in UTF-16 they are not
    found there, and feedparser's failure is the feed's error, not the poll's."""
    rss = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>A &#55296; b</title><link>https://x.example/a</link></item>"
        "</channel></rss>"
    )
    parsed = parse_feed(rss.encode("utf-16"), "https://x.example/feed")
    assert parsed.entries == ()
    assert parsed.error is not None and parsed.error.startswith("damaged feed: ")
