"""When digests are due: the periods a cron expression cuts time into, in the desk's time zone.

A digest covers the period between two consecutive times the cron expression names
("0 8 * * *" in Europe/Tbilisi: from yesterday 08:00 to today 08:00 Tbilisi time), and is due
once the period has ended. The period's end names the digest, so it is queued once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError


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
