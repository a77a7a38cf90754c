"""The precision guard (the page's article markup decides when a fuller extraction is taken),
CJK pages, and which date an article gets: the page's, the listing's, the archive's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import trafilatura

from extractors.article import extract_article, far_more, with_feed_fallback
from extractors.dates import Dated, choose_published
from extractors.records import FeedEntry
from extractors.sitemaps import parse_sitemap

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
STORY = [
    "TBILISI, April 15 (Caucasus Wire) - Georgia has agreed with Russia to add weekly flights",
    "Carriers from both countries can apply for the new slots from next month",
    "The two countries have had no diplomatic relations since the war of August 2008.",
]
COPYRIGHT = "Republication without permission is prohibited"


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _trafilatura(html: bytes, **focus: bool) -> str:
    return trafilatura.extract(html, include_comments=False, **focus) or ""


def test_guard_takes_the_fuller_text_inside_the_article_markup() -> None:
    html = _page("portal_br_en_2025_04_15.html")
    # The precision setting alone keeps the copyright line and loses the story.
    assert STORY[0] not in _trafilatura(html, favor_precision=True)
    text = extract_article(html, "https://portal.example/article/1").text
    for line in STORY:
        assert line in text
    # Outside the <article>: neither the copyright line nor the date line of the header.
    assert COPYRIGHT not in text
    assert "15.04.2025 11:05" not in text


def test_guard_leaves_out_comments_outside_the_article_markup() -> None:
    html = _page("portal_comments_en_2025_04_15.html")
    comment = "Every new flight makes the country more dependent on Moscow"
    # Precision keeps the readers' comments and loses the story; recall takes both.
    assert comment in _trafilatura(html, favor_precision=True)
    assert STORY[0] not in _trafilatura(html, favor_precision=True)
    recall = _trafilatura(html, favor_recall=True)
    assert comment in recall and STORY[0] in recall
    text = extract_article(html, "https://portal.example/article/2").text
    for line in STORY:
        assert line in text
    assert comment not in text
    assert "Readers' comments" not in text


def test_korean_page_with_short_lines_is_extracted() -> None:
    """Korean sentences of 40-70 characters, split by <br>: jusText, the precision path's
    fallback, judges paragraphs by length in characters and by stopwords between spaces."""
    html = _page("naver_like_ko_2025_04_15.html")
    assert "조지아 총리는" not in _trafilatura(html, favor_precision=True)
    text = extract_article(html, "https://n.news.example/article/001/0015").text
    lines = text.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("(모스크바=연합뉴스)")
    assert lines[-1] == "전문가들은 실제 정상화까지는 시간이 걸릴 것으로 내다봤다."
    assert "Copyright" not in text and "오후 2:18" not in text


def test_a_photo_box_marked_up_as_article_does_not_replace_the_story() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n}: officials in Tbilisi and Moscow met again on Tuesday to discuss "
        f"cargo flights, border queues at Upper Lars and the price of tickets.</p>"
        for n in range(8)
    )
    html = (
        "<html lang='en'><body><div class='story'><h1>Talks resume</h1>"
        "<article class='photo-box'><img src='/a.jpg'><p>Delegations meet in Tbilisi on "
        "Tuesday, April 15, 2025, for a second day of talks.</p></article>"
        f"<div class='story-text'>{paragraphs}</div></div></body></html>"
    ).encode()
    text = extract_article(html, "https://news.example/a").text
    assert "Paragraph 0:" in text and "Paragraph 7:" in text


def test_json_ld_article_body_when_the_page_draws_its_text_by_script() -> None:
    body = "Moscow and Tbilisi agreed on Tuesday to add flights between the two capitals. " * 6
    html = (
        "<html lang='en'><head><title>Flights</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Flights",'
        f' "articleBody": "{body.strip()}"}}</script></head>'
        "<body><nav><a href='/'>Home</a></nav><article><h1>Flights</h1>"
        "<div id='app-body'></div><p>Loading the article...</p></article>"
        "<footer><p>Contact the newsroom at desk@news.example for corrections.</p></footer>"
        "</body></html>"
    ).encode()
    text = extract_article(html, "https://news.example/flights").text
    assert text == body.strip()


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://ria.example/politics/georgia-ties</loc>
       <lastmod>2025-04-15T00:00:00+00:00</lastmod></url>
</urlset>"""


def test_the_page_date_beats_the_sitemap_lastmod() -> None:
    [entry] = parse_sitemap(SITEMAP).links.entries
    article = extract_article(_page("ria_like_cp1251_2025_04_15.html"), entry.url)
    assert entry.published == datetime(2025, 4, 15, tzinfo=UTC)
    published = with_feed_fallback(article, entry).published
    assert published == datetime(2025, 4, 15, 8, 18, tzinfo=timezone(timedelta(hours=3)))
    # The page's own UTC offset is kept.
    assert published is not None and published.utcoffset() == timedelta(hours=3)


def test_the_listing_date_then_the_capture_time() -> None:
    listed = datetime(2025, 4, 15, 8, 18, tzinfo=timezone(timedelta(hours=4)))
    captured = datetime(2025, 4, 16, 2, 0, tzinfo=UTC)
    page = datetime(2025, 4, 14, 19, 5, tzinfo=timezone(timedelta(hours=3)))
    assert choose_published(page, listed, captured) == Dated(page, "page")
    assert choose_published(None, listed, captured) == Dated(listed, "listing")
    assert choose_published(None, None, captured) == Dated(captured, "archive")
    assert choose_published(None, None, None) == Dated(None, None)


def test_a_page_that_gives_only_the_day_takes_the_listing_time_of_that_day() -> None:
    day = datetime(2025, 4, 15, tzinfo=UTC)
    same_day = datetime(2025, 4, 15, 8, 18, tzinfo=timezone(timedelta(hours=3)))
    other_day = datetime(2025, 4, 20, 9, 0, tzinfo=UTC)
    assert choose_published(day, same_day) == Dated(same_day, "listing")
    assert choose_published(day, other_day) == Dated(day, "page")


def test_feed_fallback_dates_an_undated_page_by_the_archive() -> None:
    html = b"<html><body><article>" + b"<p>Talks on flights went on.</p>" * 20 + b"</article>"
    article = extract_article(html + b"</body></html>", "https://news.example/undated")
    captured = datetime(2025, 4, 15, 6, 0, tzinfo=UTC)
    dated = with_feed_fallback(article, FeedEntry(url="https://news.example/undated"), captured)
    assert article.published is None
    assert dated.published == captured


def test_far_more_needs_twice_the_text_inside_and_half_of_all_kept() -> None:
    # Nothing kept inside the markup, its story found there: taken.
    assert far_more(found=2035, kept_inside=0, kept=237)
    # A caption in a photo box marked up as <article>, beside a long story: not taken.
    assert not far_more(found=80, kept_inside=0, kept=1200)
    # Some more text inside the markup, but not twice what was kept there: not taken.
    assert not far_more(found=493, kept_inside=301, kept=301)
