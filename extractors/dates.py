"""Timestamps as pages, feeds and sitemaps write them (ISO 8601), read as aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

# Earlier years are placeholders (0001-01-01, 1970-01-01), not publication dates.
_EARLIEST_YEAR = 1990


def iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 timestamp; UTC when it names no zone; None when absent or implausible."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.year < _EARLIEST_YEAR:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
