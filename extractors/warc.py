"""Article pages out of web archives (WARC files such as Common Crawl's CC-NEWS).

Only HTTP responses are pages; an archive also holds requests, metadata, redirects and
images, which are reported as skipped rather than dropped unseen.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from extractors.dates import iso_datetime
from extractors.records import FetchedPage

_PAGE_TYPES = ("html", "xhtml")
# WARC 1.1's record types, and the header of an old ARC file; anything else is a header
# block cut short.
_RECORD_TYPES = {
    "arc_header",
    "warcinfo",
    "response",
    "resource",
    "request",
    "metadata",
    "revisit",
    "conversion",
    "continuation",
}


class ArchiveError(Exception):
    """The archive itself is damaged (truncated, not a WARC); what came before stands."""


@dataclass(frozen=True)
class ArchivedRecord:
    """One response record: the page, or why it is not an article page."""

    url: str
    page: FetchedPage | None
    skipped: str | None = None


def read_warc(stream: BinaryIO, source: str, max_bytes: int) -> Iterator[ArchivedRecord]:
    """Every response record of a WARC (gzipped or not), in archive order, bodies capped
    at ``max_bytes``. The archive's capture time stands for the fetch time."""
    archive = ArchiveIterator(stream)
    records = iter(archive)
    while True:
        try:
            record = next(records)
            if record.rec_type not in _RECORD_TYPES:
                raise ArchiveError(f"damaged archive: a record of type {record.rec_type!r}")
            found = _record(record, source, max_bytes) if record.rec_type == "response" else None
            # The reader stops quietly at a cut: a record short of its length is damage.
            while record.raw_stream.read(1 << 16):
                pass
        except ArchiveError:
            raise
        except StopIteration:
            # Nor does it say when bytes are left that make no complete record.
            left = stream.seek(0, io.SEEK_END) - archive.offset
            if left > 0:
                raise ArchiveError(
                    f"damaged archive: {left} bytes after the last complete record"
                ) from None
            return
        # warcio's parser raises whatever it meets in damaged bytes (AttributeError,
        # ValueError, zlib errors...): all of it is damage to report, not a crash.
        except Exception as exc:
            raise ArchiveError(f"damaged archive: {exc!r}") from exc
        if getattr(record.raw_stream, "limit", 0):
            uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
            raise ArchiveError(f"damaged archive: it ends inside the record of {uri}")
        if found is not None:
            yield found


def count_responses(stream: BinaryIO) -> int:
    """How many response records an archive holds, for a progress bar's total."""
    total = 0
    try:
        for record in ArchiveIterator(stream):
            total += record.rec_type == "response"
    except Exception:  # damage of any kind: read_warc reports it
        pass  # read_warc reports the damage; the count is only an estimate
    return total


def _record(record: ArcWarcRecord, source: str, max_bytes: int) -> ArchivedRecord:
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    status = int(http.get_statuscode() or 0) if http else 0
    if status != 200:
        return ArchivedRecord(url, None, f"HTTP {status}" if status else "no HTTP response")
    content_type = (http.get_header("Content-Type") or "").lower()
    if not _is_page(record):
        return ArchivedRecord(url, None, f"content type {content_type!r}")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return ArchivedRecord(url, None, f"body exceeds the {max_bytes}-byte cap")
    captured = iso_datetime(headers.get_header("WARC-Date"))
    if captured is None:
        return ArchivedRecord(url, None, "no capture date (WARC-Date)")
    page = FetchedPage(
        requested_url=url,
        final_url=url,
        content=body,
        fetched_at=captured,
        source=source,
        content_type=content_type,
        status=status,
    )
    return ArchivedRecord(url, page)


def _is_page(record: ArcWarcRecord) -> bool:
    http = record.http_headers
    content_type = (http.get_header("Content-Type") or "").lower() if http else ""
    # Archives often omit the type; an untyped body is tried as HTML.
    return not content_type or any(kind in content_type for kind in _PAGE_TYPES)
