"""Main text and metadata of an article page, through trafilatura."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import trafilatura
from lxml.etree import ParserError

from extractors.furniture import strip_furniture
from extractors.records import ExtractedArticle, FeedEntry

MIN_TEXT_CHARS = 200


class Unparseable(ValueError):
    """The page holds no extractable article; keep its raw bytes for inspection."""


def extract_article(html: bytes, url: str) -> ExtractedArticle:
    """Extract title, main text, dates and canonical link from raw HTML bytes."""
    if not html.strip():
        raise Unparseable("empty page")
    if b"\x00" in html[:4096]:
        raise Unparseable("binary content, not HTML")
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, ParserError) as exc:
        raise Unparseable(f"extraction failed: {exc}") from exc
    if document is None:
        raise Unparseable("no main text found")
    meta = document if isinstance(document, dict) else document.as_dict()
    title = strip_furniture(meta.get("title") or "")
    text = _without_title(strip_furniture(meta.get("text") or ""), title)
    return ExtractedArticle(
        title=title,
        text=text,
        published=_date(meta.get("date")),
        canonical_url=_absolute(meta.get("url"), url),
        site_name=meta.get("sitename") or None,
        html_lang=html_language(html),
    )


def with_feed_fallback(article: ExtractedArticle, entry: FeedEntry) -> ExtractedArticle:
    """Use the feed entry's title and summary where extraction came up short, and its date
    where it has one: feeds carry the time of day, page metadata often only the day."""
    summary = strip_furniture(_plain(entry.summary)) if entry.summary else ""
    short = len(article.text) < MIN_TEXT_CHARS and len(summary) > len(article.text)
    return ExtractedArticle(
        title=article.title or entry.title,
        text=summary if short else article.text,
        published=entry.published or article.published,
        canonical_url=article.canonical_url,
        site_name=article.site_name,
        html_lang=article.html_lang,
        note="text below minimum length: feed summary used" if short else article.note,
    )


def html_language(html: bytes) -> str | None:
    """The page's declared language (``<html lang>``), lower-case primary subtag."""
    head = html[:65536]
    try:
        root = lxml.html.fromstring(head)
    except (ParserError, ValueError):
        return None
    lang = root.get("lang") or root.get("xml:lang") or ""
    return lang.split("-")[0].lower() or None


def _without_title(text: str, title: str) -> str:
    """Drop the headline where the extractor repeated it as the first line of the text."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title.strip() else text


def _plain(fragment: str) -> str:
    try:
        return str(lxml.html.fromstring(fragment).text_content())
    except (ParserError, ValueError):
        return fragment


def _absolute(candidate: str | None, url: str) -> str | None:
    if candidate and candidate.startswith(("http://", "https://")):
        return candidate
    return None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
