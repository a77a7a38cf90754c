from __future__ import annotations

import os
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.exc import OperationalError

import newsmon.store
from extractors.records import AnalysedArticle
from extractors.stories import APART_PER_DAY, SAME_EVENT, SAME_EVENT_ACROSS_LANGUAGES
from newsmon.settings import Source
from newsmon.store import (
    MAX_ARTICLE_ATTEMPTS,
    SETTLE_AFTER,
    FetchOutcome,
    Store,
    alert_key,
    now,
)
from tests.newsmon.records import article

URL = "https://civil.ge/archives/1?utm_source=rss"
pytestmark = pytest.mark.usefixtures("database_url")


def _store(tmp_path: Path) -> Store:
    return Store(os.environ["NEWSMON_DATABASE_URL"], tmp_path / "raw")


def test_flagged_article_queues_one_alert_per_recipient(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert store.save([article(URL)], ["desk@x.org", "ed@x.org"]) == ["https://civil.ge/archives/1"]
    later = article(URL, fetched_at=article(URL).fetched_at + timedelta(hours=1))
    assert store.save([later], ["desk@x.org", "ed@x.org"]) == []
    assert sorted(a.recipient for a in store.pending_alerts()) == ["desk@x.org", "ed@x.org"]
    row = store.articles()[0]
    assert Path(row.raw_path or "").is_file()


def test_unflagged_article_is_stored_without_alert(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save([article(URL, flagged=False)], ["desk@x.org"])
    assert store.pending_alerts() == []
    assert store.status()["articles"] == 1


def test_tracking_variant_and_alias_are_not_new(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save([article(URL)], ["desk@x.org"])
    assert store.unseen(["https://civil.ge/archives/1"]) == []
    mirror = article("https://mirror.example/copy-1", canonical="https://civil.ge/archives/1")
    assert store.save([mirror], ["desk@x.org"]) == []
    assert store.unseen(["https://mirror.example/copy-1"]) == []
    assert len(store.pending_alerts()) == 1


def test_failed_article_is_kept_and_retried_until_success(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save([article(URL, error="HTTP 503 (after 3 attempts)")], ["desk@x.org"])
    assert store.status()["failed_articles"] == 1
    assert store.retryable("civil-ge-en") == [URL]
    assert store.unseen(["https://civil.ge/archives/1"]) == ["https://civil.ge/archives/1"]
    store.save([article(URL)], ["desk@x.org"])
    status = store.status()
    assert (status["articles"], status["failed_articles"]) == (1, 0)
    assert len(store.pending_alerts()) == 1


def test_a_save_tried_again_counts_what_its_failed_try_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database goes away after the first of two articles is committed: the retry of
    the same save stores the second and counts both as new, with one alert each; the same
    articles fetched again later are not new."""
    store = _store(tmp_path)
    batch = [article(URL), article("https://civil.ge/archives/2", title="Second report")]
    save_one = Store._save_one

    def lost_after_the_first(self: Store, one: AnalysedArticle, *args: Any) -> bool:
        if one.url != URL:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return save_one(self, one, *args)

    monkeypatch.setattr(Store, "_save_one", lost_after_the_first)
    with pytest.raises(OperationalError):
        store.save(batch, ["desk@x.org"])
    monkeypatch.undo()

    assert store.save(batch, ["desk@x.org"]) == [
        "https://civil.ge/archives/1",
        "https://civil.ge/archives/2",
    ]
    assert len(store.pending_alerts()) == 2
    later = [replace(one, fetched_at=one.fetched_at + timedelta(hours=1)) for one in batch]
    assert store.save(later, ["desk@x.org"]) == []


def test_a_failure_saved_again_by_a_retried_save_is_one_attempt(tmp_path: Path) -> None:
    store = _store(tmp_path)
    failed = article(URL, error="HTTP 503")
    for _ in range(2):
        store.save([failed], ["desk@x.org"])
    assert store.articles()[0].attempts == 1
    later = replace(failed, fetched_at=failed.fetched_at + timedelta(hours=1))
    store.save([later], ["desk@x.org"])
    assert store.articles()[0].attempts == 2


def test_failures_stop_being_retried_after_max_attempts(tmp_path: Path) -> None:
    store = _store(tmp_path)
    for n in range(MAX_ARTICLE_ATTEMPTS):
        tried = datetime(2025, 4, 15, 8, 30 + n, tzinfo=UTC)
        store.save([article(URL, error="HTTP 500", fetched_at=tried)], ["desk@x.org"])
    assert store.retryable("civil-ge-en") == []
    assert store.unseen(["https://civil.ge/archives/1"]) == []
    assert store.articles()[0].error == "HTTP 500"
    assert store.status()["failed_by_reason"] == {"HTTP 500": 1}


def test_two_pollers_saving_at_once_store_and_alert_once(tmp_path: Path) -> None:
    """Each poller fetched the page itself, a moment apart. Two saves of one fetch are one
    save tried again: the later counts it stored when it reads after the first committed."""
    stores = [_store(tmp_path), _store(tmp_path)]
    barrier = threading.Barrier(len(stores))
    results: list[list[str]] = []

    def poll(store: Store, fetched: datetime) -> None:
        barrier.wait()
        results.append(store.save([article(URL, fetched_at=fetched)], ["desk@x.org"]))

    first = article(URL).fetched_at
    moments = [first, first + timedelta(milliseconds=5)]
    threads = [
        threading.Thread(target=poll, args=pair) for pair in zip(stores, moments, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 1]
    assert len(stores[0].pending_alerts()) == 1


def test_two_pollers_storing_two_copies_of_one_new_story_alert_once(tmp_path: Path) -> None:
    """Two outlets' copies of one story, stored by two pollers at the same moment, are one
    story: the story is looked up and made under a lock, not by luck of timing."""
    stores = [_store(tmp_path), _store(tmp_path)]
    rounds = 8
    for number in range(rounds):
        barrier = threading.Barrier(len(stores))
        copies = [
            article(f"https://{outlet}/story-{number}", outlet=outlet, title=f"Story {number}")
            for outlet in ("civil.ge", "interpressnews.ge")
        ]

        def poll(store: Store, copy: AnalysedArticle, gate: threading.Barrier = barrier) -> None:
            gate.wait()
            store.save([copy], ["desk@x.org"])

        threads = [
            threading.Thread(target=poll, args=(store, copy))
            for store, copy in zip(stores, copies, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    pending = stores[0].pending_alerts()
    assert len(pending) == rounds
    assert all(len(alert.story) == 2 for alert in pending)


def _lead(*parts: float) -> bytes:
    vector = np.zeros(384, dtype=np.float16)
    vector[: len(parts)] = parts
    return vector.tobytes()


def test_one_event_in_two_languages_is_one_story_and_one_language_needs_more(
    tmp_path: Path,
) -> None:
    """Leads this close (cosine between the two bars) are one story across languages and two
    within one: what is left of a lead's embedding still says its language."""
    store = _store(tmp_path)
    near = (SAME_EVENT + SAME_EVENT_ACROSS_LANGUAGES) / 2
    rest = float(np.sqrt(1 - near**2))
    first = article("https://a.ge/1", title="A", text="ა", lang="ka", vector=_lead(1.0))
    second = article("https://b.com/1", title="B", text="b", lang="en", vector=_lead(near, rest))
    # As near the English report (one language: too little), far from the Georgian one.
    third = article(
        "https://c.com/1",
        title="C",
        text="c",
        lang="en",
        vector=_lead(near * near, near * rest, rest),
    )
    for report in (first, second, third):
        store.save([report], ["desk@x.org"])
    stories = sorted(sorted(a.canonical_url for a in p.story) for p in store.pending_alerts())
    assert stories == [["https://a.ge/1", "https://b.com/1"], ["https://c.com/1"]]


def _three_leads(a_b: float, c_a: float, c_b: float) -> list[AnalysedArticle]:
    """Reports A (English), B (Russian) and C (Georgian) of one day, whose leads have these
    cosines between them; titles too short to share or to name anything."""
    b_rest = float(np.sqrt(1 - a_b**2))
    c_second = (c_b - a_b * c_a) / b_rest
    c_rest = float(np.sqrt(1 - c_a**2 - c_second**2))
    leads = {
        "https://a.com/1": ("en", _lead(1.0)),
        "https://b.ru/1": ("ru", _lead(a_b, b_rest)),
        "https://c.ge/1": ("ka", _lead(c_a, c_second, c_rest)),
    }
    return [
        article(url, title=url[8], text=url[8], lang=lang, vector=vector)
        for url, (lang, vector) in leads.items()
    ]


def _one_event() -> list[AnalysedArticle]:
    """A and B just under the bar across languages, C well above it with both: one event,
    two stories until C comes."""
    return _three_leads(
        SAME_EVENT_ACROSS_LANGUAGES - 0.02,
        SAME_EVENT_ACROSS_LANGUAGES + 0.13,
        SAME_EVENT_ACROSS_LANGUAGES + 0.08,
    )


def _stories(store: Store) -> list[list[str]]:
    return sorted(sorted(a.canonical_url for a in p.story) for p in store.pending_alerts())


@pytest.mark.parametrize(
    ("a_b", "c_b", "stories"),
    [
        (-0.02, 0.08, [["https://a.com/1", "https://b.ru/1", "https://c.ge/1"]]),
        (-0.12, 0.02, [["https://a.com/1", "https://c.ge/1"], ["https://b.ru/1"]]),
    ],
)
def test_a_report_near_two_stories_makes_them_one_when_all_their_leads_are(
    tmp_path: Path, a_b: float, c_b: float, stories: list[list[str]]
) -> None:
    """B came before the report nearest to it and began a story of its own; C joins A's
    story and is above the bar with B too. Where A and B's leads are on average as near as
    the bar asks (B and C well above it, A and B just under), the two stories are one, and
    the desk gets one alert for it; a neighbouring event near C alone (A and B far apart)
    stays apart. Margins (cosine less the bar across languages) are given."""
    store = _store(tmp_path)
    across = SAME_EVENT_ACROSS_LANGUAGES
    for report in _three_leads(across + a_b, across + 0.13, across + c_b):
        store.save([report], ["desk@x.org"])
    assert _stories(store) == stories


def test_stories_settled_a_day_after_their_last_report_are_made_one(tmp_path: Path) -> None:
    """A Georgian and an English report under the bar by 0.07 are two stories as they come,
    and one once settled, since the ten other stories of the window are further from both;
    not before a day has passed since the later of them. The others stay apart."""
    store = _store(tmp_path)
    a_b = SAME_EVENT_ACROSS_LANGUAGES - 0.07
    reports = [
        article("https://a.ge/1", title="A", text="ა", lang="ka", vector=_lead(1.0)),
        article(
            "https://b.com/1",
            title="B",
            text="b",
            lang="en",
            vector=_lead(a_b, float(np.sqrt(1 - a_b**2))),
        ),
        *(
            article(
                f"https://c{i}.ru/1",
                title=f"C{i}",
                text="c",
                lang="ru",
                vector=_lead(*[0.0] * (2 + i), 1.0),
            )
            for i in range(10)
        ),
    ]
    for report in reports:
        store.save([report], ["desk@x.org"])
    apart = [[report.canonical_url] for report in reports]
    assert _stories(store) == sorted(apart)
    last = max(report.published for report in reports if report.published)
    assert store.settle_stories(until=last + SETTLE_AFTER - timedelta(minutes=1)) == 0
    assert store.settle_stories(until=last + SETTLE_AFTER) == 1
    assert _stories(store) == sorted([["https://a.ge/1", "https://b.com/1"], *apart[2:]])
    assert store.settle_stories(until=last + SETTLE_AFTER) == 0


def test_a_story_is_weighed_again_only_once_a_later_report_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passes that find nothing newly settled weigh nothing (the neighbours a story is read
    against change from pass to pass; weighed at each, two events would join at whichever
    pass reads them nearest); a copy joining a story makes it weigh again a day later."""
    store = _store(tmp_path)
    first = article("https://a.ge/1", title="A", text="ა", lang="ka", vector=_lead(1.0))
    other = article("https://b.com/1", title="B", text="b", lang="en", vector=_lead(0.0, 1.0))
    for report in (first, other):
        store.save([report], ["desk@x.org"])
    weighed: list[int] = []
    groups = newsmon.store.one_event_groups

    def counted(*args: Any) -> Any:
        weighed.append(len(args[0]))
        return groups(*args)

    monkeypatch.setattr(newsmon.store, "one_event_groups", counted)
    settled = (first.published or first.fetched_at) + SETTLE_AFTER
    for hours in (0, 6, 30, 60):
        store.settle_stories(until=settled + timedelta(hours=hours))
    assert weighed == [2]
    copy = replace(
        article("https://c.ge/1", title="A", text="ა", lang="ka", vector=_lead(1.0)),
        published=(first.published or first.fetched_at) + timedelta(hours=70),
    )
    store.save([copy], ["desk@x.org"])
    store.settle_stories(until=settled + timedelta(hours=69))
    assert weighed == [2]
    store.settle_stories(until=settled + timedelta(hours=70))
    assert weighed == [2, 2]


def _merging(store: Store, sent_before: str | None = None) -> list[AnalysedArticle]:
    """A and B saved as two stories (the alert of ``sent_before`` sent at once), then C,
    which makes them one."""
    reports = _one_event()
    for report in reports[:2]:
        store.save([report], ["desk@x.org"])
        if report.canonical_url == sent_before:
            [alert] = [a for a in store.pending_alerts() if a.article.canonical_url == sent_before]
            store.mark_sent(alert.id, "outbox/1.eml", [a.id for a in alert.story])
    store.save([reports[2]], ["desk@x.org"])
    return reports


def test_stories_made_one_before_any_alert_went_are_told_in_one(tmp_path: Path) -> None:
    """Both alerts queued, none sent: the first goes, listing all three outlets, and the
    other is marked told by it, not sent again."""
    store = _store(tmp_path)
    _merging(store)
    [first] = store.pending_alerts()
    assert (first.kind, first.article.canonical_url, len(first.story)) == (
        "alert",
        "https://a.com/1",
        3,
    )
    store.mark_sent(first.id, "outbox/1.eml", [a.id for a in first.story])
    assert store.queue_followups() == 0
    assert store.pending_alerts() == []


@pytest.mark.parametrize("sent_before", ["https://a.com/1", "https://b.ru/1"])
def test_stories_made_one_keep_the_thread_of_the_alert_that_went(
    tmp_path: Path, sent_before: str
) -> None:
    """One story's alert went out before C showed the two stories one event: the other's
    unsent alert is a follow-up in that thread, whichever story is older, and so is C's."""
    store = _store(tmp_path)
    _merging(store, sent_before)
    [other] = store.pending_alerts()
    assert other.kind == "followup"
    assert other.article.canonical_url != sent_before
    assert other.thread_key == alert_key(sent_before, "desk@x.org")
    # What that alert listed, for the follow-up to answer under its subject.
    assert [a.canonical_url for a in other.thread_story] == [sent_before]
    assert store.queue_followups() == 1
    threads = {(a.kind, a.thread_key) for a in store.pending_alerts()}
    assert threads == {("followup", alert_key(sent_before, "desk@x.org"))}


def test_a_sent_alert_is_listed_by_the_copy_it_led_with(tmp_path: Path) -> None:
    """A run lists what it delivered as the messages were headed: a story's alert by its
    best-scored copy, not by the copy whose row queued it."""
    store = _store(tmp_path)
    first, _, third = _one_event()
    best = replace(third, topic=replace(third.topic, score=0.99))
    store.save([first, best], ["desk@x.org"])
    [alert] = store.pending_alerts()
    store.mark_sent(alert.id, "outbox/1.eml", [a.id for a in alert.story])
    assert store.sent_alerts() == [("desk@x.org", best.title, "outbox/1.eml")]


@pytest.mark.parametrize("give_up_after", [1, None])
def test_an_alert_failing_holds_back_no_other_of_its_story(
    tmp_path: Path, give_up_after: int | None
) -> None:
    """A's alert was refused (and given up on, or backing off) when C made the two stories
    one: B's alert goes as the story's, listing A, and A's, requeued by hand, is told by
    it, not sent."""
    store = _store(tmp_path)
    first, second, third = _one_event()
    store.save([first], ["desk@x.org"])
    [refused] = store.pending_alerts()
    store.mark_failed(refused.id, "552 message too big", give_up_after=give_up_after)
    store.save([second, third], ["desk@x.org"])
    [alert] = store.pending_alerts()
    assert (alert.kind, alert.article.canonical_url, len(alert.story)) == (
        "alert",
        "https://b.ru/1",
        3,
    )
    store.mark_sent(alert.id, "outbox/1.eml", [a.id for a in alert.story])
    assert store.requeue() == 1
    assert store.queue_followups() == 0
    assert store.pending_alerts() == []


def test_a_digest_queued_before_stories_were_made_one_lists_them_once(tmp_path: Path) -> None:
    store = _store(tmp_path)
    reports = _one_event()
    store.save(reports[:2], ["desk@x.org"])
    assert store.queue_digest("desk@x.org", now() - timedelta(hours=1), now())
    assert [len(s) for s in store.pending_digests()[0].stories] == [1, 1]
    store.save([reports[2]], ["desk@x.org"])
    assert [len(s) for s in store.pending_digests()[0].stories] == [3]


def test_a_copy_of_a_report_whose_story_was_made_one_joins_that_one(tmp_path: Path) -> None:
    """Another outlet's copy of B's report (its title, no lead) after B's story was made
    one with A's: it joins the story and gets no alert of its own."""
    store = _store(tmp_path)
    reports = _merging(store)
    copy = replace(
        reports[1], url="https://d.ru/1", request_key="https://d.ru/1",
        canonical_url="https://d.ru/1", outlet="D", topic=replace(reports[1].topic, vector=b""),
    )  # fmt: skip
    store.save([copy], ["desk@x.org"])
    [alert] = store.pending_alerts()
    assert sorted(a.canonical_url for a in alert.story) == [
        "https://a.com/1",
        "https://b.ru/1",
        "https://c.ge/1",
        "https://d.ru/1",
    ]


# One flight announced in three languages; Georgian writes no capitals, so its names count
# where another report's capitalised words give the same keys.
KAZAN_FLIGHT = {
    "en": (
        "Kama Avia to fly Kazan–Batumi from March",
        "The carrier will fly from Kazan to Batumi.",
    ),
    "ru": ("«Кама Авиа» полетит из Казани в Батуми", "Рейсы из Казани в Батуми начнутся весной."),
    "ka": ("ყაზანიდან ბათუმში რეისები", "ყაზანიდან ბათუმში რეისები გაზაფხულზე დაიწყება."),
}


@pytest.mark.parametrize(("first", "then"), [("en", "ru"), ("en", "ka"), ("ka", "ru")])
def test_a_report_joins_the_story_that_names_its_places(
    tmp_path: Path, first: str, then: str
) -> None:
    """Two flights announced the same week, and a report of the first in another language:
    its lead is as near both stories, a little under the bar across languages; the names the
    store reads from the stored titles and texts (Kazan and Batumi, not Kutaisi) decide."""
    store = _store(tmp_path)
    x = SAME_EVENT_ACROSS_LANGUAGES - 0.03
    kazan = article(
        "https://a.com/kazan",
        title=KAZAN_FLIGHT[first][0],
        text=KAZAN_FLIGHT[first][1],
        lang=first,
        vector=_lead(1.0),
    )
    kutaisi = article(
        "https://b.com/kutaisi",
        title="Fly Kutaisi cleared for flights to Moscow",
        text="The airline from Kutaisi got its permit.",
        vector=_lead(0.0, 1.0),
    )
    report = article(
        "https://c.ge/kazan",
        title=KAZAN_FLIGHT[then][0],
        text=KAZAN_FLIGHT[then][1],
        lang=then,
        vector=_lead(x, x, float(np.sqrt(1 - 2 * x * x))),
    )
    for each in (kazan, kutaisi, report):
        store.save([each], ["desk@x.org"])
    stories = sorted(sorted(a.canonical_url for a in p.story) for p in store.pending_alerts())
    assert stories == [["https://a.com/kazan", "https://c.ge/kazan"], ["https://b.com/kutaisi"]]


def test_a_lead_alike_days_later_starts_a_story_of_its_own(tmp_path: Path) -> None:
    """Two Russian reports with leads equally near an English one: the one published three
    hours after it joins its story, the one published two and a half days later (the next
    release at the boundary line) starts another; the store reads each stored report's time,
    where the page or the feed gave it."""
    store = _store(tmp_path)
    x = SAME_EVENT_ACROSS_LANGUAGES + APART_PER_DAY
    y = float(np.sqrt(1 - x * x))
    first = replace(article("https://a.com/1", vector=_lead(1.0)), published_from="page")
    when = first.published or first.fetched_at
    later, sooner = (
        replace(
            article(url, title=title, lang="ru", vector=_lead(*vector)),
            published=when + after,
            published_from="listing",
        )
        for url, title, vector, after in (
            ("https://b.ru/2", "Освобождены", (x, y), timedelta(days=2.5)),
            ("https://c.ru/3", "Отпущены", (x, 0.0, y), timedelta(hours=3)),
        )
    )
    for report in (first, later, sooner):
        store.save([report], ["desk@x.org"])
    stories = sorted(sorted(a.canonical_url for a in p.story) for p in store.pending_alerts())
    assert stories == [["https://a.com/1", "https://c.ru/3"], ["https://b.ru/2"]]


def test_a_report_dated_by_no_page_is_not_kept_apart_by_its_time(tmp_path: Path) -> None:
    """An archive's capture time, or no date at all (the time it was fetched), says little
    about when a report was published: the same two leads days apart are one story."""
    store = _store(tmp_path)
    x = SAME_EVENT_ACROSS_LANGUAGES + APART_PER_DAY
    first = replace(article("https://a.com/1", vector=_lead(1.0)), published_from="page")
    when = first.published or first.fetched_at
    captured = replace(
        article(
            "https://b.ru/2",
            title="Освобождены",
            lang="ru",
            vector=_lead(x, float(np.sqrt(1 - x * x))),
        ),
        published=when + timedelta(days=2.5),
        published_from="archive",
    )
    for report in (first, captured):
        store.save([report], ["desk@x.org"])
    assert [len(p.story) for p in store.pending_alerts()] == [2]


ISO_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _source(name: str, enabled: bool = True) -> Source:
    return Source(name, f"{name} outlet", "rss", f"https://{name}.example/feed", enabled=enabled)


def test_status_lists_every_configured_source_from_the_start(tmp_path: Path) -> None:
    store = _store(tmp_path)
    configured = [_source("polled"), _source("new"), _source("paused", enabled=False)]
    started = datetime(2025, 4, 15, 8, 30, 12, 345678, tzinfo=UTC)
    for name in ("polled", "gone"):
        logged = store.record_fetch(FetchOutcome(name, "run", started, 5, "ok"), name, "https://x/")
        store.count_new(logged, 1)
    store.save([article(URL)], ["desk@x.org"])

    rows = {row["name"]: row for row in store.status(configured)["sources"]}
    assert list(rows) == ["polled", "new", "paused", "gone"]
    assert {name: row["health"] for name, row in rows.items()} == {
        "polled": "ok",
        "new": "never run",
        "paused": "disabled",
        "gone": "not configured",
    }
    assert [row["configured"] for row in rows.values()] == [True, True, True, False]
    # The configuration names where a source is now.
    assert rows["new"]["url"] == "https://new.example/feed" and rows["new"]["last_run_at"] is None
    assert rows["polled"]["last_run_at"] == "2025-04-15T08:30:12+00:00"
    assert ISO_SECOND.fullmatch(rows["polled"]["last_ok_at"])


def test_sent_alerts_since_a_time_are_only_those_sent_after_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save([article(URL, title="First run's story")], ["desk@x.org"])
    [first] = store.pending_alerts()
    store.mark_sent(first.id, "outbox/1.eml")
    second_run = now()
    store.save([article("https://civil.ge/archives/2", title="Second")], ["desk@x.org"])
    [second] = store.pending_alerts()
    store.mark_sent(second.id, "outbox/2.eml")
    assert store.sent_alerts(since=second_run) == [("desk@x.org", "Second", "outbox/2.eml")]
    assert len(store.sent_alerts()) == 2
