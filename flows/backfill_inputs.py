"""What a backfill reads: URL files, sitemaps (walked through their indexes) and WARC files,
as candidates in a date range. Sitemaps are fetched; archived pages are taken as archived."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from extractors.records import FeedEntry, FetchedPage
from extractors.sitemaps import parse_sitemap
from extractors.urls import is_web_address
from extractors.warc import ArchiveError, count_responses, read_warc
from newsmon.fetch import FEED_TYPES, Fetcher, FetchError, NotModified

# An index of indexes deeper than this is a loop or a trap, not a site's archive.
MAX_SITEMAP_DEPTH = 4


@dataclass(frozen=True)
class DateRange:
    since: datetime | None = None
    until: datetime | None = None

    def holds(self, moment: datetime | None) -> bool:
        """Whether a time is in the range; an unknown time is given the benefit of the doubt."""
        if moment is None:
            return True
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment < self.until
        )

    def may_hold(self, modified: datetime | None) -> bool:
        """Whether something last modified then can hold an article of the range: a page
        modified later may have been published in it, one modified earlier not."""
        return self.since is None or modified is None or modified >= self.since


@dataclass(frozen=True)
class Candidate:
    """An article to backfill: its link (with the date its listing gave), and its page when
    it came from an archive; ``skipped`` says why an archived record is no article."""

    entry: FeedEntry
    page: FetchedPage | None = None
    skipped: str | None = None


@dataclass
class InputProblems:
    """Damaged inputs, each named, so a backfill reports what it could not read."""

    errors: list[str]

    def add(self, where: str, error: str) -> None:
        self.errors.append(f"{where}: {error}")


def listed_urls(path: Path, problems: InputProblems) -> list[Candidate]:
    """The URLs of a list, one a line; blank lines and # comments aside, a line that is no
    http(s) URL is named as an input error, not dropped."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = line.strip()
        if is_web_address(line):
            found.append(Candidate(FeedEntry(url=line)))
        elif line and not line.startswith("#"):
            problems.add(f"{path}:{number}", f"not an http(s) URL: {line[:200]!r}")
    return found


def sitemap_candidates(
    url: str, fetcher: Fetcher, source: str, dates: DateRange, problems: InputProblems
) -> list[Candidate]:
    """Every URL of a sitemap and of the sitemaps its indexes list that may be in the range
    (a child last modified before it is not fetched). Publication dates are checked later,
    on the pages: a lastmod only bounds them from below."""
    found: list[Candidate] = []
    queue, seen = [(url, 0)], {url}
    while queue:
        current, depth = queue.pop(0)
        try:
            response = fetcher.get(current, source, FEED_TYPES)
        except FetchError as exc:
            problems.add(current, str(exc))
            continue
        if isinstance(response, NotModified):
            continue
        parsed = parse_sitemap(response.content)
        if parsed.links.error:
            problems.add(current, parsed.links.error)
        found += [Candidate(e) for e in parsed.links.entries if dates.may_hold(e.published)]
        for child in parsed.children:
            if child.url in seen or not dates.may_hold(child.lastmod):
                continue
            if depth + 1 > MAX_SITEMAP_DEPTH:
                problems.add(child.url, f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}")
                continue
            seen.add(child.url)
            queue.append((child.url, depth + 1))
    return found


def archived_candidates(
    paths: Sequence[Path], source: str, max_bytes: int, problems: InputProblems
) -> Iterator[Candidate]:
    """The response records of WARC files, read lazily: archives can be gigabytes."""
    for path in paths:
        try:
            with path.open("rb") as stream:
                for record in read_warc(stream, source, max_bytes):
                    yield Candidate(FeedEntry(url=record.url), record.page, record.skipped)
        except (ArchiveError, OSError) as exc:
            problems.add(str(path), str(exc))


def archived_total(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        try:
            with path.open("rb") as stream:
                total += count_responses(stream)
        except OSError:
            continue  # archived_candidates records the failure
    return total
