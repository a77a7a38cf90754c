"""Publication times stored in UTC on SQLite, re-read from the kept raw pages.

Until now SQLite kept a timestamp's wall-clock time and dropped its offset, so a page
published at 10:00+04:00 was stored as 10:00 and read back as 10:00 UTC (four hours late).
Times are now converted to UTC before they are written (store.UTCDateTime). For an article
whose raw page was kept (``raw_path``) and whose stored time is the page's own declaration
(``published_from`` "page", or unset in databases older than that column), the declared
time is read again from the page with the extractors, and when its wall-clock time is the
stored one, the row (and the story it started, whose ``story_time`` is that time) is set to
its UTC instant.

Rows whose offset cannot be known stay as they are: a time from a feed or listing (the feed
is not kept), a page that is no longer on disk or no longer declares that time, and so any
article stored without its raw page. Times newsmon makes itself (fetch, send, queue times)
were UTC already. PostgreSQL kept offsets all along: nothing changes there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# How SQLAlchemy writes a DateTime into SQLite.
SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
CANDIDATES = sa.text(
    "SELECT id, url, canonical_url, raw_path, published_at FROM articles "
    "WHERE published_at IS NOT NULL AND raw_path IS NOT NULL "
    "AND (published_from IS NULL OR published_from = 'page')"
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for row_id, url, canonical, raw_path, stored in connection.execute(CANDIDATES).all():
        fixed = _utc_instant(raw_path, url, str(stored))
        if fixed is not None:
            _set(connection, row_id, canonical, str(stored), fixed)


def downgrade() -> None:
    """Nothing to undo: the UTC instants are right whichever revision reads them."""


def _utc_instant(raw_path: str, url: str, stored: str) -> str | None:
    """The stored time as the UTC instant it named, when the kept page declares it with an
    offset; None when that cannot be known or nothing changes."""
    declared = _declared(raw_path, url)
    if declared is None or declared.utcoffset() in (None, timedelta(0)):
        return None
    if declared.replace(tzinfo=None) != datetime.fromisoformat(stored):
        return None  # not the page's time (a listing's refinement): offset unknown
    return declared.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_FORMAT)


def _declared(raw_path: str, url: str) -> datetime | None:
    """The publication time the kept page declares, with its offset."""
    # Imported here: Alembic loads every revision each time a store is opened.
    import lxml.html
    from lxml.etree import ParserError

    from extractors.encoding import decode_html
    from extractors.metadata import read_metadata

    try:
        html = gzip.decompress(Path(raw_path).read_bytes())
        tree = lxml.html.document_fromstring(decode_html(html)[0])
    except (OSError, EOFError, zlib.error, ValueError, ParserError):
        return None
    return read_metadata(tree, url).published


def _set(connection: sa.Connection, row_id: int, canonical: str, stored: str, fixed: str) -> None:
    connection.execute(
        sa.text("UPDATE articles SET published_at = :fixed WHERE id = :id"),
        {"fixed": fixed, "id": row_id},
    )
    # A story is named by its first article, whose time it was given.
    connection.execute(
        sa.text("UPDATE stories SET story_time = :fixed WHERE key = :key AND story_time = :old"),
        {"fixed": fixed, "key": canonical, "old": stored},
    )
