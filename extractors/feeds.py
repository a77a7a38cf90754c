"""Feed parsing (RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed) through feedparser."""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.exceptions import CharacterEncodingOverride, NonXMLContentType

from extractors.dates import iso_datetime, written_datetime
from extractors.language import detect_language
from extractors.records import FeedEntry, FeedParse
from extractors.urls import web_link

# Complaints about a missing or contradicting declared type or charset, not about the feed.
_HARMLESS = (CharacterEncodingOverride, NonXMLContentType)
# A numeric character reference, decimal or hexadecimal.
_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")
_REPLACEMENT_REFERENCE = b"&#xFFFD;"


def parse_feed(content: bytes, base_url: str, content_type: str = "") -> FeedParse:
    """Parse feed bytes; a damaged feed yields what could be salvaged plus an error."""
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return parse_json_feed(content, base_url)
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(_without_impossible_characters(content), response_headers=headers)
    except (ValueError, OverflowError) as exc:
        # What the references' mending misses (a feed in UTF-16): the feed is named damaged.
        return FeedParse(entries=(), error=f"damaged feed: {type(exc).__name__}: {exc}")
    language = parsed.get("feed", {}).get("language") or None
    entries = tuple(
        entry for raw in parsed.entries if (entry := _entry(raw, base_url, language)) is not None
    )
    error = None
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not (isinstance(problem, _HARMLESS) and entries):
        error = f"damaged feed: {problem}"
    if not entries and not parsed.get("version"):
        error = error or "not a feed: no RSS, Atom, RDF or JSON Feed structure found"
    return FeedParse(entries=entries, error=error, language=language)


def _without_impossible_characters(content: bytes) -> bytes:
    """References to characters Unicode cannot hold (a surrogate, past U+10FFFF, NUL) as
    U+FFFD: feedparser raises on them and the whole feed would be lost for one entry's."""

    def replaced(found: re.Match[bytes]) -> bytes:
        hexadecimal, decimal = found.groups()
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        possible = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        return found.group() if possible else _REPLACEMENT_REFERENCE

    return _CHARACTER_REFERENCE.sub(replaced, content) if b"&#" in content else content


def parse_json_feed(content: bytes, base_url: str) -> FeedParse:
    """JSON Feed 1.0/1.1 (jsonfeed.org), which feedparser does not read."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return FeedParse(entries=(), error=f"damaged JSON feed: {exc}")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return FeedParse(entries=(), error="not a feed: JSON without an items list")
    entries = []
    for item in items:
        link = item.get("url") or item.get("external_url") if isinstance(item, dict) else None
        url = web_link(base_url, link) if isinstance(link, str) else None
        if url is None:
            continue
        entries.append(
            FeedEntry(
                url=url,
                title=str(item.get("title") or "").strip(),
                summary=str(item.get("summary") or item.get("content_text") or "").strip(),
                published=iso_datetime(item.get("date_published") or item.get("date_modified")),
            )
        )
    return FeedParse(entries=tuple(entries), language=data.get("language"))


def _entry(raw: Any, base_url: str, language: str | None) -> FeedEntry | None:
    link = raw.get("link") or raw.get("id") or ""
    if not link or not isinstance(link, str):
        return None
    url = web_link(base_url, link)
    if url is None:
        return None
    title, summary = (raw.get("title") or "").strip(), (raw.get("summary") or "").strip()
    return FeedEntry(
        url=url,
        title=title,
        summary=summary,
        published=_published(raw) or _written(raw, language, f"{title}\n{summary}"),
    )


def _published(raw: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        # Plain dict lookup: feedparser's own maps one key onto the other with a warning.
        value: time.struct_time | None = dict.get(raw, key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _written(raw: Any, language: str | None, text: str) -> datetime | None:
    """A date feedparser could not read: RFC 822 with the day and month named in the feed's
    language ("Seg, 24 Set 2018 19:42:40 -0300"), the language the feed declares or, where
    that reads no date, the entry's own."""
    written = dict.get(raw, "published") or dict.get(raw, "updated")
    if not isinstance(written, str) or not written.strip():
        return None
    declared = written_datetime(written, language) if language else None
    return declared or written_datetime(written, detect_language(text).code)
