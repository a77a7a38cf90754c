"""Timestamps as pages, feeds and sitemaps write them (ISO 8601), read as aware datetimes,
and the choice between a page's own date, its listing's and an archive's capture time."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from dateutil import parser as date_parser

from extractors.month_names import in_english

# Earlier years are placeholders (0001-01-01, 1970-01-01), not publication dates.
_EARLIEST_YEAR = 1990
# A printed date names its year (one of its own numbers: fuzzy parsing takes "2 min read"
# for one otherwise) and its day; the parser fills a missing field from a default, so one
# read with two defaults that differ in every field tells a field the text did not give.
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DEFAULTS = (datetime(1904, 1, 1), datetime(1905, 2, 2))
# A year is the one printed with the day and month, not a count in another part of the text
# ("16 November, 14:30 · 2024 views"); parts are set apart by bars and dots, and a part with
# neither a date nor a time is left out.
_PARTS = re.compile(r"[|·•]")
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d[./-]\d{1,2}[./-]\d|\d{4}[./-]\d",
    re.IGNORECASE,
)
# A time of day is read only where one is printed (08:18, 8.18 pm, 08h18, 8 AM): "Views 12"
# is no noon.
_CLOCK = re.compile(r"\d\s*[:h.]\s*\d\d(?!\d)|\d\s*[ap]\.?m\b", re.IGNORECASE)
# Numeric dates with dots are day first (15.04.2025); with slashes they are day first in most
# of the world and month first in the US, so one that reads both ways is left unread.
_DOTTED = re.compile(r"\d\.\d{1,2}\.\d")
# "GMT+4" and "UTC+03:00": a POSIX-style name would flip the sign; a bare offset does not.
_NAMED_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d\d))?\b")
# Zone abbreviations printed after a time, in seconds east of UTC; ambiguous ones (CST: China
# or the US; IST; AMT: Armenia or Amazon) and unknown ones are read as no zone.
_ZONES = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1,
        "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3, "GET": 4, "AZT": 4, "EST": -5,
        "EDT": -4, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    }.items()
}  # fmt: skip


def iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 timestamp; UTC when it names no zone; None when absent or implausible."""
    parsed = _iso(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def zoned_iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 timestamp that names its zone; None otherwise (a time without one may be
    the publisher's local time)."""
    parsed = _iso(value)
    return parsed if parsed is not None and parsed.tzinfo else None


def _iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return None if parsed.year < _EARLIEST_YEAR else parsed


def written_datetime(value: object, language: str | None = None) -> datetime | None:
    """A timestamp as pages print it for readers ("Tue 15 Apr 2025 | 08:18 AM", "November
    20, 2019 13:42", "15.04.2025 08:18"; in ``language``, "Seg, 24 Set 2018 19:42", "16
    ноября 2025, 14:30") or in ISO 8601; UTC when it names no zone; None without its own
    year and day, when its day and month could be either way round, or when implausible."""
    if (moment := iso_datetime(value)) is not None or not isinstance(value, str):
        return moment
    translated = in_english(value, language)
    # A page may print English dates whatever its language ("Mar 5, 2025" on a French page,
    # where "mar" is Tuesday).
    for written in dict.fromkeys((translated, value)):
        if (moment := _read(written)) is not None:
            return moment
    return None


def _read(value: str) -> datetime | None:
    text = _NAMED_OFFSET.sub(
        lambda m: f" {m[1]}{int(m[2]):02d}:{m[3] or '00'}", " ".join(value.split())
    )
    parts = [(part, _MONTH.search(part) is not None) for part in _PARTS.split(text)]
    years = {year for part, dated in parts if dated for year in _YEAR.findall(part)}
    # Parts with neither a date nor a time ("2 min read", "2024 views") are not read.
    text = " ".join(part for part, dated in parts if dated or _CLOCK.search(part))
    orders = (True,) if _DOTTED.search(text) else (True, False)
    readings = {_parsed(text, default, dayfirst) for default in _DEFAULTS for dayfirst in orders}
    parsed = readings.pop() if len(readings) == 1 else None
    if parsed is None or str(parsed.year) not in years or parsed.year < _EARLIEST_YEAR:
        return None
    if not _CLOCK.search(text):
        parsed = parsed.replace(hour=0, minute=0, second=0, microsecond=0)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parsed(text: str, default: datetime, dayfirst: bool) -> datetime | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed: datetime = date_parser.parse(
                text, default=default, dayfirst=dayfirst, fuzzy=True, tzinfos=_ZONES
            )
        # An offset of a day or more parses but is no zone (isoformat refuses it).
        offset = parsed.utcoffset()
    except (ValueError, OverflowError):
        return None
    return parsed if offset is None or abs(offset) < timedelta(hours=24) else None


@dataclass(frozen=True)
class Dated:
    """A publication time and where it came from: ``page``, ``listing`` (a feed, listing
    page or sitemap entry), ``archive`` (the capture time), or None when nothing said."""

    when: datetime | None
    source: str | None


def choose_published(
    page: datetime | None, listing: datetime | None, captured: datetime | None = None
) -> Dated:
    """The page's own date first, then the listing's, then the archive's capture time.

    A page date at midnight is taken as the day alone (date-only metadata, or htmldate's
    guess): a listing's time on that same day says more, and is taken instead."""
    if page is not None and not (listing is not None and _refines(listing, page)):
        return Dated(page, "page")
    if listing is not None:
        return Dated(listing, "listing")
    if captured is not None:
        return Dated(captured, "archive")
    return Dated(None, None)


def day_only(moment: datetime) -> bool:
    """Whether a timestamp names only a day (midnight in its own zone)."""
    return moment.timetz().replace(tzinfo=None) == time(0, 0)


def day_shown(moment: datetime) -> str:
    """A day given without a time, as people read it: the day as given, not moved into
    another zone (which could change the day), and no invented time."""
    return f"{moment:%Y-%m-%d} (no time given)"


def _refines(listing: datetime, page: datetime) -> bool:
    return day_only(page) and not day_only(listing) and listing.date() == page.date()
