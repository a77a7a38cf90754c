"""Article links from listing pages of sites without feeds (CSS or XPath selectors)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError, XPathError

from extractors.records import FeedEntry, FeedParse


@dataclass(frozen=True)
class ListingRule:
    """How to find article links on a listing page: a selector and/or a URL pattern."""

    links_css: str | None = None
    links_xpath: str | None = None
    link_pattern: str | None = None
    same_host: bool = True


def extract_links(html: bytes, base_url: str, rule: ListingRule) -> FeedParse:
    """Article links in page order, deduplicated, filtered by the rule."""
    try:
        tree = lxml.html.fromstring(html, base_url=base_url)
    except (ParserError, ValueError) as exc:
        return FeedParse(entries=(), error=f"unparseable listing page: {exc}")
    try:
        anchors = _anchors(tree, rule)
    except (XPathError, SyntaxError) as exc:
        return FeedParse(entries=(), error=f"bad selector: {exc}")
    pattern = re.compile(rule.link_pattern) if rule.link_pattern else None
    host = urlsplit(base_url).hostname
    seen: set[str] = set()
    entries = []
    for anchor in anchors:
        url = urljoin(base_url, (anchor.get("href") or "").strip()).split("#", 1)[0]
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        if rule.same_host and urlsplit(url).hostname != host:
            continue
        if pattern and not pattern.search(url):
            continue
        seen.add(url)
        entries.append(FeedEntry(url=url, title=" ".join(anchor.text_content().split())))
    error = None if entries else "no article links matched the listing rule"
    return FeedParse(entries=tuple(entries), error=error, language=tree.get("lang"))


def _anchors(tree: lxml.html.HtmlElement, rule: ListingRule) -> list[lxml.html.HtmlElement]:
    if rule.links_css:
        found = CSSSelector(rule.links_css)(tree)
    elif rule.links_xpath:
        found = tree.xpath(rule.links_xpath)
    else:
        found = tree.iter("a")
    # A selector may point at a container; take the first link inside it.
    anchors = []
    for node in found:
        if not isinstance(node, lxml.html.HtmlElement):
            continue
        anchor = node if node.tag == "a" else next(node.iter("a"), None)
        if anchor is not None and anchor.get("href"):
            anchors.append(anchor)
    return anchors
