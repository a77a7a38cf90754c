"""Main text and metadata of an article page: trafilatura for the text, the page's declared
metadata (and htmldate) for title, author, date, canonical link and site name."""

from __future__ import annotations

from dataclasses import replace

import lxml.html
import trafilatura
from lxml.etree import ParserError

from extractors.encoding import decode_html
from extractors.furniture import strip_furniture
from extractors.metadata import read_metadata
from extractors.records import ExtractedArticle, FeedEntry

MIN_TEXT_CHARS = 200


class Unparseable(ValueError):
    """The page holds no extractable article; keep its raw bytes for inspection."""


def extract_article(html: bytes, url: str, content_type: str = "") -> ExtractedArticle:
    """Extract title, main text, dates and canonical link from raw HTML bytes; the
    response's content type, when known, names the charset."""
    if not html.strip():
        raise Unparseable("empty page")
    if b"\x00" in html[:4096]:
        raise Unparseable("binary content, not HTML")
    page, _ = decode_html(html, content_type)
    try:
        tree = trafilatura.load_html(page)
    except (ValueError, ParserError) as exc:
        raise Unparseable(f"unparseable HTML: {exc}") from exc
    if tree is None:
        raise Unparseable("unparseable HTML")
    # Read before extraction: trafilatura prunes the tree it is given.
    meta = read_metadata(tree, url)
    html_lang = html_language(tree)
    try:
        # Favouring precision drops link lists and teasers the desk never wants quoted;
        # tables stay, since articles put figures in them.
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
        )
    except (ValueError, ParserError) as exc:
        raise Unparseable(f"extraction failed: {exc}") from exc
    if document is None:
        raise Unparseable("no main text found")
    body = document.get("text") if isinstance(document, dict) else document.text
    title = strip_furniture(meta.title)
    return ExtractedArticle(
        title=title,
        text=_without_title(strip_furniture(body or ""), title),
        published=meta.published,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        html_lang=html_lang,
        author=meta.author,
    )


def with_feed_fallback(article: ExtractedArticle, entry: FeedEntry) -> ExtractedArticle:
    """Use the feed entry's title and summary where extraction came up short, and its date
    where it has one: feeds carry the time of day, page metadata often only the day."""
    summary = strip_furniture(_plain(entry.summary)) if entry.summary else ""
    short = len(article.text) < MIN_TEXT_CHARS and len(summary) > len(article.text)
    return replace(
        article,
        title=article.title or entry.title,
        text=summary if short else article.text,
        published=entry.published or article.published,
        note="text below minimum length: feed summary used" if short else article.note,
    )


def html_language(tree: lxml.html.HtmlElement) -> str | None:
    """The page's declared language (``<html lang>``), lower-case primary subtag."""
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    return lang.split("-")[0].strip().lower() or None


def _without_title(text: str, title: str) -> str:
    """Drop the headline where the extractor repeated it as the first line of the text."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title.strip() else text


def _plain(fragment: str) -> str:
    try:
        return str(lxml.html.fromstring(fragment).text_content())
    except (ParserError, ValueError):
        return fragment
