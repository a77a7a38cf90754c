"""Article links from XML sitemaps: news sitemaps, plain URL sets and sitemap indexes.

A news sitemap (Google's ``news:`` extension) carries each article's title and publication
time; a plain one only ``lastmod``. An index lists further sitemaps, newest first once sorted,
which the caller fetches.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from extractors.dates import iso_datetime
from extractors.records import FeedEntry, FeedParse
from extractors.urls import web_link

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class ChildSitemap:
    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True)
class SitemapParse:
    """Entries of a URL set, or the child sitemaps of an index (newest first)."""

    links: FeedParse
    children: tuple[ChildSitemap, ...] = ()


# The sitemap protocol caps a sitemap at 50 MB uncompressed; more is a gzip bomb.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


def parse_sitemap(content: bytes, max_bytes: int = MAX_SITEMAP_BYTES) -> SitemapParse:
    """Entries newest first (undated last, in document order), or an index's children.
    A gzipped sitemap is inflated up to ``max_bytes``, never further."""
    if content[:2] == b"\x1f\x8b":
        try:
            content = _gunzip(content, max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            return SitemapParse(FeedParse((), error=f"broken gzip sitemap: {exc}"))
        except _TooBig:
            return SitemapParse(
                FeedParse((), error=f"gzip sitemap inflates past {max_bytes} bytes")
            )
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        return SitemapParse(FeedParse((), error=f"not a sitemap: {exc}"))
    if root is None:
        return SitemapParse(FeedParse((), error="not a sitemap: empty document"))
    kind = _local(root)
    if kind == "sitemapindex":
        children = [
            ChildSitemap(loc, iso_datetime(_child_text(node, "lastmod")))
            for node in root
            if _local(node) == "sitemap" and (loc := _child_text(node, "loc"))
        ]
        children.sort(key=lambda child: child.lastmod or _OLDEST, reverse=True)
        error = None if children else "sitemap index lists no sitemaps"
        return SitemapParse(FeedParse((), error=error), tuple(children))
    if kind != "urlset":
        return SitemapParse(FeedParse((), error=f"not a sitemap: root element <{kind}>"))
    entries = [_entry(node) for node in root if _local(node) == "url"]
    found = [entry for entry in entries if entry is not None]
    found.sort(key=lambda entry: entry.published or _OLDEST, reverse=True)
    error = None if found else "sitemap lists no URLs"
    return SitemapParse(FeedParse(tuple(found), error=error))


_OLDEST = datetime.min.replace(tzinfo=UTC)


class _TooBig(Exception):
    pass


def _gunzip(content: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(content, max_bytes + 1)
    if len(out) > max_bytes:
        raise _TooBig
    if not inflater.eof:
        raise EOFError("compressed file ended before the end-of-stream marker")
    return out


def _entry(node: etree._Element) -> FeedEntry | None:
    url = web_link("", _child_text(node, "loc"))
    if url is None:
        return None
    news = next((child for child in node if _local(child) == "news"), None)
    title = _child_text(news, "title") if news is not None else ""
    published = iso_datetime(_child_text(news, "publication_date")) if news is not None else None
    return FeedEntry(
        url=url, title=title, published=published or iso_datetime(_child_text(node, "lastmod"))
    )


def _local(node: etree._Element) -> str:
    """The element's name without its namespace, or without a prefix no namespace was
    declared for (the recovering parser keeps "sm:urlset" whole)."""
    try:
        tag = node.tag
    except UnicodeDecodeError:
        # A name of bytes that are no UTF-8, which the recovering parser let through.
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2] if isinstance(tag, str) else ""


def _child_text(node: etree._Element | None, name: str) -> str:
    if node is None:
        return ""
    for child in node:
        if _local(child) == name:
            return " ".join((child.text or "").split())
    return ""
