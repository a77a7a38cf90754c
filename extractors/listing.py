"""Article links from listing pages of sites without feeds (CSS or XPath selectors), with
each item's title and date where the page shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError, XPathError

from extractors.dates import written_datetime
from extractors.encoding import decode_html
from extractors.metadata import html_lang_tag
from extractors.records import FeedEntry, FeedParse
from extractors.urls import canonical_url, web_link


@dataclass(frozen=True)
class ListingRule:
    """How to find article links on a listing page: a selector and/or a URL pattern."""

    links_css: str | None = None
    links_xpath: str | None = None
    link_pattern: str | None = None
    same_host: bool = True
    # Inside the node the link selector matched (an item's container).
    title_css: str | None = None
    date_css: str | None = None


def extract_links(
    html: bytes, base_url: str, rule: ListingRule, content_type: str = ""
) -> FeedParse:
    """Article links in page order, deduplicated, filtered by the rule; the response's
    content type, when known, names the charset."""
    page, _ = decode_html(html, content_type)
    try:
        # Bytes in the encoding the parser is told: a str with an XML declaration is refused.
        tree = lxml.html.fromstring(
            page.encode(), parser=lxml.html.HTMLParser(encoding="utf-8"), base_url=base_url
        )
    except (ParserError, ValueError) as exc:
        return FeedParse(entries=(), error=f"unparseable listing page: {exc}")
    try:
        items = _items(tree, rule)
        title_of = CSSSelector(rule.title_css) if rule.title_css else None
        date_of = CSSSelector(rule.date_css) if rule.date_css else None
    except (XPathError, SyntaxError) as exc:
        return FeedParse(entries=(), error=f"bad selector: {exc}")
    pattern = re.compile(rule.link_pattern) if rule.link_pattern else None
    host = urlsplit(base_url).hostname
    language = html_lang_tag(tree)
    entries: dict[str, FeedEntry] = {}
    for item, anchor in items:
        link = web_link(base_url, anchor.get("href") or "")
        if link is None:
            continue
        url = link.split("#", 1)[0]
        if rule.same_host and urlsplit(url).hostname != host:
            continue
        # Tried without the query too: pages add tracking parameters to some links only.
        if pattern and not (pattern.search(url) or pattern.search(url.split("?", 1)[0])):
            continue
        key = canonical_url(url)
        title_node = _first(title_of, item)
        title = " ".join((title_node if title_node is not None else anchor).text_content().split())
        if key not in entries:
            entries[key] = FeedEntry(
                url=url, title=title, published=_published(_first(date_of, item), language)
            )
        elif not entries[key].title and title:
            # An image link first, the headline link after it.
            entries[key] = replace(entries[key], title=title)
    error = None if entries else "no article links matched the listing rule"
    return FeedParse(entries=tuple(entries.values()), error=error, language=language)


Item = tuple[lxml.html.HtmlElement, lxml.html.HtmlElement]


def _items(tree: lxml.html.HtmlElement, rule: ListingRule) -> list[Item]:
    """(matched node, its link) pairs."""
    if rule.links_css:
        found = CSSSelector(rule.links_css)(tree)
    elif rule.links_xpath:
        found = tree.xpath(rule.links_xpath)
    else:
        found = tree.iter("a")
    # A selector may point at a container; take the first link inside it.
    items = []
    for node in found:
        if not isinstance(node, lxml.html.HtmlElement):
            continue
        anchor = node if node.tag == "a" else next(node.iter("a"), None)
        if anchor is not None and anchor.get("href"):
            items.append((node, anchor))
    return items


def _first(
    selector: CSSSelector | None, item: lxml.html.HtmlElement
) -> lxml.html.HtmlElement | None:
    found = selector(item) if selector is not None else []
    return found[0] if found else None


def _published(node: lxml.html.HtmlElement | None, language: str | None) -> datetime | None:
    """A listing's date: a ``datetime`` attribute, or the text as the page prints it
    ("Tue 15 Apr 2025 | 08:18 AM", "16 ноября 2025, 14:30" on a page in Russian)."""
    if node is None:
        return None
    return written_datetime(node.get("datetime") or node.text_content(), language)
