"""Which URL names an article: its canonical link within its own site, never another site's."""

from __future__ import annotations

from datetime import UTC, datetime

from extractors.analyse import analyse_page
from extractors.records import FeedEntry, FetchedPage
from tests.conftest import FIXTURES

# Its canonical link names https://netgazeti.example/news/700001/.
PAGE = FIXTURES / "pages" / "netgazeti_like_2025_04_15.html"


def _analysed_at(url: str) -> str:
    page = FetchedPage(
        requested_url=url,
        final_url=url,
        content=PAGE.read_bytes(),
        fetched_at=datetime(2025, 4, 15, tzinfo=UTC),
        source="test",
        content_type="text/html; charset=utf-8",
    )
    return analyse_page(page, FeedEntry(url=url), "Outlet").canonical_url


def test_a_page_of_the_same_site_takes_its_canonical_link() -> None:
    mobile = "https://m.netgazeti.example/news/700001-mobile/?utm_source=rss"
    assert _analysed_at(mobile) == "https://netgazeti.example/news/700001"


def test_a_copy_on_another_site_keeps_its_own_url() -> None:
    copy = "https://copies.example/world/kremlin-statement?utm_source=rss"
    assert _analysed_at(copy) == "https://copies.example/world/kremlin-statement"


def test_a_page_on_an_address_takes_the_name_it_declares() -> None:
    mirror = "http://127.0.0.1:8000/news/700001.html"
    assert _analysed_at(mirror) == "https://netgazeti.example/news/700001"
