"""Which periods' digests are queued, and which articles belong to a period: the one their
saving transaction committed them in, once the period ended long enough ago."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from extractors.records import AnalysedArticle
from newsmon.alerts import queued_messages
from newsmon.digests import CATCH_UP, DIGEST_GRACE, Period, ended_periods, periods_to_queue
from newsmon.settings import Settings, load_settings
from newsmon.store import ArticleRow, DigestRow, Store
from tests.newsmon.records import article

HOURLY = "0 * * * *"
DAY = datetime(2026, 3, 2, tzinfo=UTC)


def _at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


def test_ended_periods_are_every_period_between_two_times_oldest_first() -> None:
    periods = ended_periods(HOURLY, "UTC", _at(5, 30), _at(8, 10))
    assert periods == [Period(_at(5), _at(6)), Period(_at(6), _at(7)), Period(_at(7), _at(8))]
    assert ended_periods(HOURLY, "UTC", _at(8), _at(8, 59)) == []


def test_ended_periods_follow_the_desks_time_zone() -> None:
    # 08:00 in Tbilisi (UTC+4) is 04:00 UTC.
    [period] = ended_periods("0 8 * * *", "Asia/Tbilisi", _at(4), _at(30))
    assert period == Period(_at(4), _at(28))


def test_period_is_queued_only_once_it_ended_by_the_grace() -> None:
    assert timedelta(minutes=1) <= DIGEST_GRACE
    last = _at(7)
    assert periods_to_queue(HOURLY, "UTC", last, _at(8) + DIGEST_GRACE / 2) == []
    assert periods_to_queue(HOURLY, "UTC", last, _at(8) + DIGEST_GRACE) == [Period(_at(7), _at(8))]


def test_missed_periods_are_caught_up_for_a_week_at_most() -> None:
    since_three_hours = periods_to_queue(HOURLY, "UTC", _at(5), _at(8, 5))
    assert [p.end for p in since_three_hours] == [_at(6), _at(7), _at(8)]
    long_ago = periods_to_queue(HOURLY, "UTC", _at(5) - timedelta(days=30), _at(8, 5))
    assert len(long_ago) == CATCH_UP // timedelta(hours=1)
    assert long_ago[-1] == Period(_at(7), _at(8))
    # A recipient who never had a digest gets the latest period only.
    assert periods_to_queue(HOURLY, "UTC", None, _at(8, 5)) == [Period(_at(7), _at(8))]


class Clock:
    """newsmon's ``now()``, set by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.moment = start
        for module in ("newsmon.store", "newsmon.alerts"):
            monkeypatch.setattr(f"{module}.now", lambda: self.moment)


def _setup(tmp_path: Path) -> tuple[Store, Settings]:
    url = os.environ["NEWSMON_DATABASE_URL"]
    settings = load_settings(environ={"NEWSMON_HOME": str(tmp_path), "NEWSMON_DATABASE_URL": url})
    settings = replace(
        settings, alert_to=("desk@x.org",), digest_to=("ed@x.org",), digest_cron=HOURLY
    )
    return Store(settings.database), settings


def _digests(store: Store) -> dict[datetime, list[str]]:
    """Each queued digest's period end and the titles it lists."""
    with store.session() as session:
        digests = session.scalars(select(DigestRow).order_by(DigestRow.period_end)).all()
        return {
            d.period_end: sorted(
                session.scalars(
                    select(ArticleRow.title).where(ArticleRow.story_id.in_(d.story_ids))
                )
            )
            for d in digests
        }


TEXTS = (
    "Parliament passed the budget after a long debate.",
    "Wine exports to Russia rose sharply this spring.",
    "Protesters gathered on Rustaveli Avenue overnight.",
    "A new railway link to Armenia opened on Monday.",
)


def _story(number: int, fetched_at: datetime) -> AnalysedArticle:
    """A flagged article of a story of its own."""
    url, title = f"https://civil.ge/{number}", f"Story {number}"
    return article(url, title=title, text=TEXTS[number], fetched_at=fetched_at)


@pytest.mark.usefixtures("database_url")
def test_article_committed_after_the_period_ended_is_in_the_next_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poll fetched an article at 07:59 but committed it at 08:00:30, while another
    run queued the 08:00 digest at 08:00:10: it goes in the next digest, not in none."""
    store, settings = _setup(tmp_path)
    clock = Clock(monkeypatch, _at(7, 30))
    store.save([_story(1, _at(7, 29))], settings.alert_to)
    queued_messages(store, settings)  # the first run: the period before is empty
    clock.moment = _at(8, 0, 10)
    queued_messages(store, settings)
    clock.moment = _at(8, 0, 30)
    store.save([_story(2, _at(7, 59))], settings.alert_to)
    for moment in (_at(8, 5), _at(8, 30), _at(9, 5)):
        clock.moment = moment
        queued_messages(store, settings)
    assert _digests(store) == {_at(8): ["Story 1"], _at(9): ["Story 2"]}


@pytest.mark.usefixtures("database_url")
def test_periods_without_a_delivery_run_are_queued_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path)
    clock = Clock(monkeypatch, _at(4, 30))
    store.save([_story(0, clock.moment)], settings.alert_to)
    clock.moment = _at(5, 5)
    queued_messages(store, settings)
    # Nothing delivered from 05:05 until 08:05: the poller was down.
    for number, hour in ((1, 5), (2, 6), (3, 7)):
        clock.moment = _at(hour, 30)
        store.save([_story(number, clock.moment)], settings.alert_to)
    clock.moment = _at(8, 5)
    queued_messages(store, settings)
    assert _digests(store) == {
        _at(5): ["Story 0"],
        _at(6): ["Story 1"],
        _at(7): ["Story 2"],
        _at(8): ["Story 3"],
    }


@pytest.mark.usefixtures("database_url")
def test_backfill_digest_does_not_count_as_the_last_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, settings = _setup(tmp_path)
    clock = Clock(monkeypatch, _at(6, 30))
    store.save([_story(1, clock.moment)], settings.alert_to)
    clock.moment = _at(7, 5)
    queued_messages(store, settings)
    with store.session() as session:
        [story_id] = session.scalars(select(ArticleRow.story_id))
    store.queue_backfill_digest("job", "ed@x.org", _at(0), _at(7, 30), [story_id or 0])
    assert store.last_digest_end("ed@x.org") == _at(7)
