"""Article metadata from a parsed page: what the publisher declares in ``<meta>`` tags,
``<link rel=canonical>`` and JSON-LD, with htmldate for pages that declare no date.

Declared metadata is what publishers write for search engines and social cards, so it is
both the most reliable and the cheapest to read; scanning the page is left to htmldate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from htmldate import find_date

from extractors.dates import iso_datetime, written_datetime, zoned_iso_datetime
from extractors.urls import web_link

_ARTICLE_TYPES = re.compile(r"Article|Posting|Report", re.IGNORECASE)
_DATE_ELEMENTS = "//*[@itemprop='datePublished']/@datetime | //time[@pubdate]/@datetime"
# Meta tags naming the publication time, by trust; JSON-LD comes after the first.
_DATE_META = (
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "dc.date.issued",
)
# Read only where neither those nor the markup gave a date (else htmldate's day alone), by
# trust, and only as an ISO 8601 time naming its zone: publishing systems' and newsletter
# tools' tags, whose zone-less times are the publisher's local time as often as not.
_OTHER_DATE_META = (
    "og:article:published_time",
    "article:published",
    "dcterms.created",
    "sailthru.date",
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+|\s+[|»]\s*")


@dataclass(frozen=True)
class PageMetadata:
    title: str = ""
    author: str | None = None
    published: datetime | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    # Where the date was read: a meta tag's name, "json-ld", "markup" (itemprop or <time>),
    # or "htmldate" (found in the page's text or URL, usually the day only).
    published_from: str | None = None
    # The article's text as the page declares it in JSON-LD (``articleBody``), if it does.
    article_body: str = ""


def read_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMetadata:
    """Title, author, publication time, canonical link and site name of a parsed page."""
    meta = _meta_tags(tree)
    linked = _json_ld_article(tree)
    canonical = _absolute(_first(tree.xpath("//link[@rel='canonical']/@href"))) or _absolute(
        meta.get("og:url")
    )
    site_name = (
        meta.get("og:site_name")
        or _name(linked.get("publisher"))
        or meta.get("application-name")
        or _host(canonical or url)
    )
    published, published_from = _published(tree, meta, linked, url)
    return PageMetadata(
        title=_title(tree, meta, linked, site_name),
        author=_author(meta, linked),
        published=published,
        canonical_url=canonical,
        site_name=site_name,
        published_from=published_from,
        article_body=_plain_body(linked.get("articleBody")),
    )


def html_language(tree: lxml.html.HtmlElement) -> str | None:
    """The page's declared language (``<html lang>``), lower-case primary subtag."""
    return (html_lang_tag(tree) or "").split("-")[0].strip().lower() or None


def html_lang_tag(tree: lxml.html.HtmlElement) -> str | None:
    """``<html lang>`` as written ("sr-Latn": its script names the month names too)."""
    root = tree.getroottree().getroot()
    return root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or None


def _published(
    tree: lxml.html.HtmlElement, meta: dict[str, str], linked: dict[str, Any], url: str
) -> tuple[datetime | None, str | None]:
    """The publication time the page declares (its UTC offset kept), and where it was read
    (a date printed in words is read in the page's declared language); htmldate's reading of
    the page when it declares none."""
    declared = [
        *((name, meta.get(name)) for name in _DATE_META[:1]),
        ("json-ld", linked.get("datePublished")),
        *((name, meta.get(name)) for name in _DATE_META[1:]),
        ("markup", _first(tree.xpath(_DATE_ELEMENTS))),
    ]
    language = html_lang_tag(tree)
    # A timestamp in ISO 8601 names its zone more often than a date printed for readers.
    for read in (iso_datetime, lambda value: written_datetime(value, language)):
        for where, value in declared:
            if (moment := read(value)) is not None:
                return moment, where
    others = [
        ("parsely-page", _parsely_pub_date(meta.get("parsely-page"))),
        *((name, meta.get(name)) for name in _OTHER_DATE_META),
    ]
    for where, value in others:
        if (moment := zoned_iso_datetime(value)) is not None:
            return moment, where
    found = iso_datetime(find_date(tree, original_date=True, url=url))
    return found, "htmldate" if found else None


def _parsely_pub_date(value: str | None) -> str | None:
    """The ``pub_date`` of Parse.ly's page tag, a JSON object in a meta tag's content."""
    try:
        found = json.loads(value) if value else None
    except (ValueError, RecursionError):
        return None
    date = found.get("pub_date") if isinstance(found, dict) else None
    return date if isinstance(date, str) else None


def _plain_body(value: Any) -> str:
    """A JSON-LD ``articleBody`` as plain text, a line per paragraph (some CMSs put HTML in
    it)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" not in value:
        return value.strip()
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return value.strip()
    for block in fragment.iter("p", "br", "div", "li", "h2", "h3", "h4", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in str(fragment.text_content()).splitlines())
    return "\n".join(line for line in lines if line)


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        value = " ".join((node.get("content") or "").split())
        if key and value:
            found.setdefault(key, value)
    return found


def _json_ld_article(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (inside lists and ``@graph`` too)."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            # Damaged, or nested deeper than the parser goes.
            continue
        for item in _objects(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                return item
    return {}


def _objects(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [item for element in data for item in _objects(element)]
    if isinstance(data, dict):
        return [data, *_objects(data.get("@graph", []))]
    return []


def _title(
    tree: lxml.html.HtmlElement, meta: dict[str, str], linked: dict[str, Any], site: str | None
) -> str:
    for candidate in (meta.get("og:title"), linked.get("headline"), meta.get("twitter:title")):
        if isinstance(candidate, str) and candidate.strip():
            return _without_site_name(" ".join(candidate.split()), site)
    heading = _first(tree.xpath("//h1[1]"))
    if heading is not None and heading.text_content().strip():
        return " ".join(heading.text_content().split())
    title = _first(tree.xpath("//title[1]"))
    return (
        _without_site_name(" ".join(title.text_content().split()), site)
        if title is not None
        else ""
    )


def _without_site_name(title: str, site: str | None) -> str:
    """Drop a trailing or leading site name ("Headline | Outlet")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site and parts[-1].strip().lower() == site.lower():
        return title[: title.rfind(parts[-1])].rstrip(" |–—·:-»")
    if site and parts[0].strip().lower() == site.lower():
        return title[len(parts[0]) :].lstrip(" |–—·:-»")
    return title


def _author(meta: dict[str, str], linked: dict[str, Any]) -> str | None:
    names = _name(linked.get("author")) or meta.get("author") or meta.get("article:author")
    # Some CMSs put the author's profile page here instead of a name.
    return names if names and not names.startswith(("http://", "https://")) else None


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return str(value.get("name") or "").strip()
    if isinstance(value, list):
        return ", ".join(name for name in (_name(item) for item in value) if name)
    return ""


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _first(found: Any) -> Any:
    return found[0] if isinstance(found, list) and found else None


def _absolute(candidate: Any) -> str | None:
    return web_link("", candidate) if isinstance(candidate, str) else None
