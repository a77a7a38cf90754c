from __future__ import annotations

from datetime import UTC, datetime

from extractors.listing import ListingRule, extract_links

PAGE = b"""<html><body>
<div class="list"><h3><a href="/a-long-article-slug-about-things/">A</a></h3>
<h3><a href="https://other.example/elsewhere-long-slug-here/">B</a></h3>
<h3><a href="/category/world/">World</a></h3>
<h3><a href="/a-long-article-slug-about-things/#comments">A again</a></h3></div>
</body></html>"""
BASE = "https://see.example/category/world/"


def test_pattern_keeps_same_host_articles_once() -> None:
    rule = ListingRule(link_pattern=r"^https://see\.example/(?!category/)[a-z-]{15,}/$")
    parsed = extract_links(PAGE, BASE, rule)
    assert [e.url for e in parsed.entries] == [
        "https://see.example/a-long-article-slug-about-things/"
    ]
    assert parsed.error is None


def test_css_selector_on_containers() -> None:
    parsed = extract_links(PAGE, BASE, ListingRule(links_css="div.list h3"))
    assert len(parsed.entries) == 2


def test_xpath_selector() -> None:
    parsed = extract_links(PAGE, BASE, ListingRule(links_xpath="//h3/a", same_host=False))
    assert len(parsed.entries) == 3


def test_bad_selector_and_no_match_are_errors() -> None:
    assert extract_links(PAGE, BASE, ListingRule(links_xpath="//[")).error
    assert extract_links(PAGE, BASE, ListingRule(link_pattern="nothing-matches")).error
    assert extract_links(b"", BASE, ListingRule()).error


def test_an_item_date_as_the_listing_prints_it() -> None:
    page = b"""<html><body>
    <div class="item"><a href="/kremlin-readiness-to-normalize-ties/">Kremlin</a>
    <span class="date">Tue 15 Apr 2025 | 08:18 AM</span></div>
    <div class="item"><a href="/suez-canal-expands-its-services/">Suez</a>
    <span class="date">Mon 14 Apr | 03:40 PM</span></div></body></html>"""
    rule = ListingRule(links_css="div.item", title_css="a", date_css="span.date")
    dated, yearless = extract_links(page, BASE, rule).entries
    assert dated.published == datetime(2025, 4, 15, 8, 18, tzinfo=UTC)
    # Without its year the parser would give it this year's: the page's own date decides.
    assert yearless.published is None


def test_an_item_date_printed_in_the_listings_language() -> None:
    page = """<html lang="tr"><body>
    <div class="item"><a href="/rusya-gurcistan-ucuslar/">Uçuşlar</a>
    <span class="date">Cum, 05 Ara 2025 10:00</span></div></body></html>"""
    rule = ListingRule(links_css="div.item", title_css="a", date_css="span.date")
    (entry,) = extract_links(page.encode(), BASE, rule).entries
    assert entry.published == datetime(2025, 12, 5, 10, tzinfo=UTC)
    # Undeclared, the month is no English one.
    page = page.replace(' lang="tr"', "")
    (entry,) = extract_links(page.encode(), BASE, rule).entries
    assert entry.published is None


def test_the_charset_the_response_names() -> None:
    page = '<html><body><a href="/news/1">Карасин и Абашидзе</a></body></html>'
    rule = ListingRule(link_pattern="/news/")
    (entry,) = extract_links(
        page.encode("cp1251"), BASE, rule, "text/html; charset=windows-1251"
    ).entries
    assert entry.title == "Карасин и Абашидзе"
    # An XHTML page's XML declaration is no obstacle.
    xhtml = b'<?xml version="1.0" encoding="utf-8"?>' + page.encode()
    assert extract_links(xhtml, BASE, rule).entries[0].title == "Карасин и Абашидзе"
