from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest

from extractors.metadata import read_metadata

PAGE = """<html lang="en"><head>
<title>Talks resume | Example News</title>
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example/2025/talks-resume">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Example News"},
  {"@type": "NewsArticle", "headline": "Talks resume between Tbilisi and Moscow",
   "datePublished": "2025-04-15T08:18:00+04:00",
   "author": [{"@type": "Person", "name": "Nino K."}, {"@type": "Person", "name": "Ivan P."}]}
]}
</script>
</head><body><h1>Talks resume</h1><p>Text.</p></body></html>"""


def test_declared_metadata() -> None:
    meta = read_metadata(lxml.html.fromstring(PAGE), "https://news.example/?p=1")
    assert meta.title == "Talks resume between Tbilisi and Moscow"
    assert meta.author == "Nino K., Ivan P."
    assert meta.published == datetime(2025, 4, 15, 4, 18, tzinfo=UTC)
    assert meta.canonical_url == "https://news.example/2025/talks-resume"
    assert meta.site_name == "Example News"


def test_title_without_site_name_and_placeholder_dates_ignored() -> None:
    page = """<html><head><title>Talks resume | Example News</title>
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="0001-01-01T00:00:00Z">
    <meta name="author" content="https://news.example/author/nino">
    </head><body><p>Text.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://www.news.example/a")
    assert meta.title == "Talks resume"
    assert meta.published is None or meta.published.year > 1990
    assert meta.author is None


def test_site_name_falls_back_to_host() -> None:
    meta = read_metadata(
        lxml.html.fromstring("<html><body><p>x</p></body></html>"), "https://www.news.example/a"
    )
    assert meta.site_name == "news.example"


def test_where_the_date_was_read_and_its_offset_kept() -> None:
    meta = read_metadata(lxml.html.fromstring(PAGE), "https://news.example/?p=1")
    assert meta.published_from == "json-ld"
    assert meta.published is not None and meta.published.utcoffset() == timedelta(hours=4)
    page = """<html><head>
    <meta property="article:published_time" content="2025-04-15T08:18:00+03:00">
    </head><body><time datetime="2025-04-14T10:00:00Z" pubdate>14 April</time></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published_from == "article:published_time"
    assert meta.published == datetime(2025, 4, 15, 5, 18, tzinfo=UTC)
    page = """<html><body><h1>Talks</h1><div class="meta">
    <time itemprop="datePublished" datetime="2025-04-15T08:18:00+03:00">15 April</time>
    </div><p>Text.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published_from == "markup"


@pytest.mark.parametrize(
    ("printed", "published"),
    [
        ("Tue 15 Apr 2025 | 08:18 AM", datetime(2025, 4, 15, 8, 18, tzinfo=UTC)),
        ("November 20, 2019 13:42", datetime(2019, 11, 20, 13, 42, tzinfo=UTC)),
        ("2025-04-15 08:18+03:00", datetime(2025, 4, 15, 5, 18, tzinfo=UTC)),
        ("Tue Jan 28 15:28:56 CET 2020", datetime(2020, 1, 28, 14, 28, 56, tzinfo=UTC)),
        ("15 Apr 2025 08:18 GMT+4", datetime(2025, 4, 15, 4, 18, tzinfo=UTC)),
        ("04.05.2025", datetime(2025, 5, 4, tzinfo=UTC)),
        ("15/04/2025 10:00", datetime(2025, 4, 15, 10, tzinfo=UTC)),
        # Only a printed time is a time: "Views 12" is no noon.
        ("15 Apr 2025 | Views 12", datetime(2025, 4, 15, tzinfo=UTC)),
        # A part with neither date nor time is left out: "2 min" had been read as 2015.
        ("2 min read · Apr 15, 2025", datetime(2025, 4, 15, tzinfo=UTC)),
        # What the text does not give (a day, a year of its own), or gives both ways (3 April
        # or 4 March), or as no zone (a day's offset) is left to htmldate's reading.
        ("Tuesday", None),
        ("April 2025 · 10:00", None),
        ("3-5 May 2025", None),
        ("03/04/2025 10:00", None),
        ("Tue 15 Apr 2025 08:18 +2400", None),
    ],
)
def test_a_date_printed_for_readers_in_a_meta_tag(printed: str, published: datetime | None) -> None:
    page = f"""<html><head><meta property="article:published_time" content="{printed}">
    </head><body><p>Text.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    if published is None:
        assert meta.published_from != "article:published_time"
    else:
        assert meta.published == published and meta.published_from == "article:published_time"


def test_json_ld_article_body_as_plain_text() -> None:
    page = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "articleBody": "<p>First paragraph.</p><p>Second.</p>"}
    </script></head><body><p>x</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.article_body == "First paragraph.\nSecond."
    assert read_metadata(lxml.html.fromstring(PAGE), "https://news.example/").article_body == ""


def test_a_date_printed_in_the_pages_language() -> None:
    page = """<html lang="ru"><head><meta name="pubdate" content="16 ноября 2025, 14:30">
    </head><body><h1>Переговоры</h1><p>Текст.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published == datetime(2025, 11, 16, 14, 30, tzinfo=UTC)
    assert meta.published_from == "pubdate"
    undeclared = lxml.html.fromstring(page.replace(' lang="ru"', ""))
    assert read_metadata(undeclared, "https://news.example/a").published_from != "pubdate"


def test_the_script_of_the_pages_language_tag_counts() -> None:
    # Serbian is Cyrillic unless its tag says Latin: "novembar" is a month only in Latin.
    page = """<html lang="sr-Latn"><head><meta name="pubdate" content="5. novembar 2025. 10:15">
    </head><body><p>Tekst.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published == datetime(2025, 11, 5, 10, 15, tzinfo=UTC)
    cyrillic = lxml.html.fromstring(page.replace("sr-Latn", "sr"))
    assert read_metadata(cyrillic, "https://news.example/a").published_from != "pubdate"


@pytest.mark.parametrize(
    ("tag", "published", "where"),
    [
        (
            """<meta name='parsely-page' content='{"title": "Talks", "pub_date": """
            """"2025-04-15T05:18:00Z", "tags": []}'>""",
            datetime(2025, 4, 15, 5, 18, tzinfo=UTC),
            "parsely-page",
        ),
        (
            '<meta property="og:article:published_time" content="2025-04-15T08:18:00+0300">',
            datetime(2025, 4, 15, 5, 18, tzinfo=UTC),
            "og:article:published_time",
        ),
        (
            '<meta name="sailthru.date" content="2025-04-15 08:18:00+04:00">',
            datetime(2025, 4, 15, 4, 18, tzinfo=UTC),
            "sailthru.date",
        ),
        # Without its zone the time may be the publisher's local one: the text's day stands.
        ('<meta name="sailthru.date" content="2025-04-15 08:18:00">', None, "htmldate"),
        # Broken JSON is no date, nor JSON nested deeper than the parser goes.
        ("<meta name='parsely-page' content='{\"pub_date\": '>", None, "htmldate"),
        (f"<meta name='parsely-page' content='{'[' * 100_000}'>", None, "htmldate"),
        # By trust, not by which is read first.
        (
            '<meta name="sailthru.date" content="2025-04-15 09:00:00+04:00">'
            '<meta property="og:article:published_time" content="2025-04-15T08:18:00+04:00">',
            datetime(2025, 4, 15, 4, 18, tzinfo=UTC),
            "og:article:published_time",
        ),
    ],
)
def test_a_publishing_systems_own_tag_gives_the_time(
    tag: str, published: datetime | None, where: str
) -> None:
    """Where no common tag names the date, htmldate found only the day in the text; a
    publishing system's tag gives the time as well, when it names its zone."""
    page = f"""<html><head>{tag}</head><body><h1>Talks</h1>
    <p class="byline">April 15, 2025</p><p>Text.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published_from == where
    if published is not None:
        assert meta.published == published
    else:
        assert meta.published == datetime(2025, 4, 15, tzinfo=UTC)


def test_a_common_tag_printed_for_readers_outranks_a_systems_tag_without_a_zone() -> None:
    """The JSON-LD date is printed for readers (RFC 822); the newsletter tool's ISO time has no
    zone at all. Read in one pass, ISO first, the zone-less time would have won."""
    page = """<html><head>
    <meta name="sailthru.date" content="2019-11-18 16:07:38">
    <script type="application/ld+json">
    {"@type": "NewsArticle", "datePublished": "Mon, 18 Nov 2019 16:07:38 -0600"}
    </script></head><body><p>Text.</p></body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a")
    assert meta.published_from == "json-ld"
    assert meta.published == datetime(2019, 11, 18, 22, 7, 38, tzinfo=UTC)


def test_json_ld_nested_deeper_than_the_parser_goes_is_no_crash() -> None:
    page = f"""<html><head><script type="application/ld+json">{"[" * 100_000}</script>
    </head><body><p>Text.</p></body></html>"""
    assert read_metadata(lxml.html.fromstring(page), "https://news.example/a").title == ""


def test_a_canonical_link_no_request_could_fetch_is_no_canonical_link() -> None:
    """A port out of range: taken as the article's identity it had raised in
    canonical_url, and the whole source's collection with it."""
    page = """<html><head><link rel="canonical" href="https://news.example:99999/a">
    <meta property="og:url" content="https://news.example/a"></head><body><p>Text.</p>
    </body></html>"""
    meta = read_metadata(lxml.html.fromstring(page), "https://news.example/a?utm_source=x")
    assert meta.canonical_url == "https://news.example/a"
