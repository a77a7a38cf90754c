from __future__ import annotations

import pytest

from extractors.urls import canonical_url, same_site, web_link


@pytest.mark.parametrize(
    "variant",
    [
        "https://civil.ge/archives/123",
        "http://www.civil.ge/archives/123/",
        "https://m.civil.ge/archives/123?utm_source=rss&utm_medium=feed",
        "https://CIVIL.GE/archives/123?fbclid=abc#comments",
        "https://civil.ge/archives/123/amp/",
    ],
)
def test_variants_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == "https://civil.ge/archives/123"


def test_meaningful_query_is_kept_and_sorted() -> None:
    assert canonical_url("https://x.example/a?id=5&b=2&gclid=z") == "https://x.example/a?b=2&id=5"


def test_port_is_kept() -> None:
    assert canonical_url("http://127.0.0.1:8080/a") == "https://127.0.0.1:8080/a"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://www.civil.ge/a", "https://ka.civil.ge/b", True),
        ("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/b", True),
        ("https://civil.ge/a", "https://agenda.ge/a", False),
        ("https://bbc.co.uk/a", "https://itv.co.uk/a", False),
        ("https://m.netgazeti.example/a", "https://netgazeti.example/b", True),
        ("https://netgazeti.example/a", "https://copies.example/b", False),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b", True),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", False),
    ],
)
def test_same_site_is_one_registrable_domain(first: str, second: str, same: bool) -> None:
    assert same_site(first, second) is same


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("/world/a", "https://news.example/world/a"),
        ("https://other.example:8443/b", "https://other.example:8443/b"),
        ("http://[2001:db8::1]/c", "http://[2001:db8::1]/c"),
        # What no request could fetch.
        ("http://[2001:db8::1/c", None),
        ("https://news.example:99999/d", None),
        ("https://news.example:port/d", None),
        ("mailto:desk@news.example", None),
        ("javascript:void(0)", None),
        ("http://", None),
    ],
)
def test_web_link(link: str, url: str | None) -> None:
    assert web_link("https://news.example/", link) == url
