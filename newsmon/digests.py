"""When digests are due: the periods a cron expression cuts time into, in the desk's time zone.

A digest covers the period between two consecutive times the cron expression names
("0 8 * * *" in Europe/Tbilisi: from yesterday 08:00 to today 08:00 Tbilisi time), and is due
once the period has ended, by DIGEST_GRACE. The period's end names the digest, so it is queued
once.

An article belongs to the period in which the transaction saving it stamped it (its
``committed_at``), not to when it was fetched: a poll saves its articles only after fetching
them all. The stamp is taken inside that transaction, which commits moments later; so a period
is queued only once it ended DIGEST_GRACE ago, longer than any save transaction takes. By then
everything stamped inside the period is committed and visible, and anything committed later
carries a later stamp and belongs to a later period: no article is left out or listed twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

# Longer than a save transaction takes between stamping an article and committing it.
DIGEST_GRACE = timedelta(minutes=2)
# How far back periods that no run queued are caught up (a desk that was down for a week).
CATCH_UP = timedelta(days=7)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def label(self, zone: str) -> str:
        local = ZoneInfo(zone)
        start, end = self.start.astimezone(local), self.end.astimezone(local)
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {zone}"


def last_period(cron: str, zone: str, now: datetime) -> Period:
    """The latest period that has ended by ``now``."""
    fires = _fire_times(cron, zone, now)
    end = next(fires)
    return Period(next(fires), end)


def ended_periods(cron: str, zone: str, after: datetime, until: datetime) -> list[Period]:
    """The periods that end after ``after`` and by ``until``, oldest first."""
    periods: list[Period] = []
    fires = _fire_times(cron, zone, until)
    end = next(fires)
    while end > after:
        start = next(fires)
        periods.append(Period(start, end))
        end = start
    return periods[::-1]


def periods_to_queue(
    cron: str, zone: str, last_end: datetime | None, now: datetime
) -> list[Period]:
    """The periods whose digests are due at ``now``: every one that ended, by DIGEST_GRACE,
    since ``last_end`` (the latest period queued), going back at most CATCH_UP; only the
    latest for a recipient who never had one."""
    until = now - DIGEST_GRACE
    if last_end is None:
        return [last_period(cron, zone, until)]
    return ended_periods(cron, zone, max(last_end, until - CATCH_UP), until)


def current_period(cron: str, zone: str, now: datetime) -> Period:
    """The period running at ``now``, up to ``now``: what the next digest holds so far."""
    return Period(next(_fire_times(cron, zone, now)), now)


def check_schedule(cron: str, zone: str) -> str | None:
    """Why the schedule cannot be used, or None."""
    try:
        last_period(cron, zone, datetime.now(UTC))
    except ZoneInfoNotFoundError:
        return f"unknown time zone {zone!r}"
    except (CronSimError, ValueError) as exc:
        return f"not a cron expression: {cron!r} ({exc})"
    return None


def _fire_times(cron: str, zone: str, moment: datetime) -> Iterator[datetime]:
    """The times the expression names at or before ``moment``, newest first, in UTC."""
    local_zone = ZoneInfo(zone)
    # cronsim counts in naive local time, backwards from strictly before its start.
    start = moment.astimezone(local_zone).replace(tzinfo=None, microsecond=0)
    for fire in CronSim(cron, start + timedelta(seconds=1), reverse=True):
        yield fire.replace(tzinfo=local_zone).astimezone(UTC)
