"""Story grouping: reports of one event in several languages and by several outlets should be
one story; reports of neighbouring events (the same day, countries and words) should not.

Every report of `seeds/stories/<split>*.jsonl` (and the test reports read as development, with
the development ones) is saved, in order of publication, to a new SQLite store as a flagged
article scored by the shipped classifier (so grouping is measured on every report, whatever
its score) with the language newsmon detects, and the store's own grouping decides, once
the stories have settled as polls every few minutes settle them (a day after each report).
Pairwise precision and recall of "same story" against the written events (and among the
reports the classifier reads: one it does not read scores 0 and is never flagged), beside
the same reports all stored first and then settled (as a backfill does), the store before
the stories settle (the grouping the alerts went out with), settling them by the pairs' own
margins
without local scaling, and, not settled, comparing a story by its nearest lead alone, with
stories that a later report shows one event left apart, with the days between reports not
counted, with the names' weight at 0 as well (leads alone, the rule of 2026-12-02), and
without the leads' vectors (titles and shared text only, as before cross-language stories).
The three outlets' copies of one wire report in `tests/fixtures/stories/` are the
same-language line.

Run: .venv/bin/python benchmarks/stories.py [--split dev|test]
     (dev by default: the test reports are frozen, run only to report a fixed rule)
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import os
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from common import ROOT

from extractors import stories as stories_rule
from extractors.language import detect_language
from extractors.records import Language, TopicScore
from extractors.topic import Document

if TYPE_CHECKING:
    from newsmon.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
STORIES = ROOT / "seeds" / "stories"
FIXTURES = ROOT / "tests" / "fixtures" / "stories"
# Test reports whose errors were read to change the rule: development reports since.
READ_AS_DEVELOPMENT = ("test-c.jsonl", "test-e.jsonl", "test-g.jsonl", "test-k.jsonl")
# tass_like, agenda_like and see_like are one report under three outlets' titles;
# other_story is another report, a week later (its own story whatever it says).
FIXTURE_TITLES = {
    "tass_like": "Kremlin open to normalization",
    "agenda_like": "Peskov on Georgia",
    "see_like": "Kremlin",
    "other_story": "Kobakhidze: red lines",
}
AS_ALERTED = "newsmon as alerted, before stories settle"
AS_BACKFILLED = "newsmon, all reports stored first and then settled, as a backfill does"
# Seconds of each settling: a poll's, or a backfill's of all its reports.
SETTLING: list[float] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    split = parser.parse_args().split
    from newsmon.classifier import build_classifier
    from newsmon.settings import load_settings

    classifier = build_classifier(load_settings())
    paths = sorted(STORIES.glob("*.jsonl"))
    files = {
        path.name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in paths
        if (split == "dev") == (path.name.startswith("dev") or path.name in READ_AS_DEVELOPMENT)
    }
    reports = [row for rows in files.values() for row in rows]
    fixtures = [
        {
            "event": "other" if name == "other_story" else "wire",
            "language": "en",
            "outlet": name,
            "url": f"https://{name}.example/report",
            "title": title,
            "text": (FIXTURES / f"{name}.txt").read_text(encoding="utf-8"),
            "published": datetime(
                2026, 11, 8 if name == "other_story" else 1, 9, tzinfo=UTC
            ).isoformat(),
        }
        for name, title in FIXTURE_TITLES.items()
    ]
    print(f"story grouping, {split} reports of {STORIES.relative_to(ROOT)}: {len(reports)}")
    print("| reports | grouping | stories | pairs same / grouped | precision | recall |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, rows in [
        *files.items(),
        ("all of them", reports),
        ("same-language copies", fixtures),
    ]:
        languages = [detect_language(f"{r['title']}\n{r['text']}") for r in rows]
        scores = classifier.score(
            [
                Document(r["title"], r["text"], lang.code)
                for r, lang in zip(rows, languages, strict=True)
            ]
        )
        shipped = stories_rule.NAMES_WEIGHT, stories_rule.APART_PER_DAY
        undated = stories_rule.NAMES_WEIGHT, 0.0
        for grouping, vectors, (names_weight, apart_per_day), merge, nearest, settle in (
            ("newsmon", True, shipped, True, False, "local"),
            (AS_BACKFILLED, True, shipped, True, False, "backfill"),
            (AS_ALERTED, True, shipped, True, False, None),
            ("settled by the pairs' own margins", True, shipped, True, False, "own"),
            ("a story's nearest lead alone, not settled", True, shipped, True, True, None),
            ("split stories not made one, not settled", True, shipped, False, False, None),
            ("days apart not counted, not settled", True, undated, True, False, None),
            ("leads alone", True, (0.0, 0.0), False, True, None),
            ("titles and text only", False, (0.0, 0.0), False, True, None),
        ):
            stories = _grouped(
                rows,
                languages,
                scores,
                vectors,
                names_weight=names_weight,
                apart=apart_per_day,
                merge=merge,
                nearest=nearest,
                settle=settle,
            )
            print(f"| {name} | {grouping} | {_pairs(rows, stories)} |")
            read = [i for i, score in enumerate(scores) if score.vector]
            if grouping in ("newsmon", AS_BACKFILLED, AS_ALERTED) and len(read) < len(rows):
                # A report the classifier does not read (it names not both countries) scores
                # 0 and is never flagged, so no desk sees it in a story.
                kept = [rows[i] for i in read], [stories[i] for i in read]
                label = f"{grouping}, the {len(read)} reports the classifier reads"
                print(f"| {name} | {label} | {_pairs(*kept)} |")
    print(f"settling: {len(SETTLING)} polls' and backfills', longest {max(SETTLING):.2f} s")
    by_event: dict[str, set[str]] = {}
    for row in reports:
        by_event.setdefault(row["event"], set()).add(row["language"])
    print("events:", ", ".join(f"{e} {'/'.join(sorted(ls))}" for e, ls in sorted(by_event.items())))


def _grouped(
    rows: list[dict[str, str]],
    languages: list[Language],
    scores: list[TopicScore],
    vectors: bool,
    *,
    names_weight: float,
    apart: float,
    merge: bool,
    nearest: bool,
    settle: str | None,
) -> list[int]:
    """The story id the store gives each report, saved in order of publication, with the
    names' weight and the cost of a day apart given (the shipped ones, or 0), stories a
    later report shows one event made one or not, a story compared by its nearest lead
    alone (the rule before 2026-12-04) or as shipped, and then the stories settled
    (``settle``: "local" as shipped, "own" by the pairs' own margins without local scaling)
    as polls every few minutes do (after each report, and whenever a report became a day
    old), "backfill" as shipped once every report is stored (as a backfill does); or not."""
    from extractors.records import AnalysedArticle
    from newsmon import store as store_module
    from newsmon.store import SETTLE_AFTER, ArticleRow, Store

    times = [datetime.fromisoformat(row["published"]) for row in rows]
    # By the time itself: the files write times in several zones.
    order = sorted(range(len(rows)), key=lambda i: times[i])
    shipped = stories_rule.NAMES_WEIGHT, stories_rule.APART_PER_DAY
    stories_rule.NAMES_WEIGHT, stories_rule.APART_PER_DAY = names_weight, apart
    if not merge:
        store_module.stories_of_one_event = lambda keys, stories: []
    story_margin = stories_rule._story_margin
    local_margins = stories_rule.local_margins
    if settle == "own":
        stories_rule.local_margins = lambda margins: margins[:, : len(margins)]
    if nearest:
        stories_rule._story_margin = lambda report, leads, weight: max(
            stories_rule.lead_margin(report, lead, weight) for lead in leads
        )
    with tempfile.TemporaryDirectory(prefix="newsmon-stories-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'stories.db'}")
        polls = settle is not None and settle != "backfill"
        # When a stored report becomes a day old: the next poll settles its story.
        due: list[datetime] = []
        try:
            for i in order:
                row, score = rows[i], scores[i]
                while polls and due and due[0] < times[i]:
                    _timed_settle(store, heapq.heappop(due))
                store.save(
                    [
                        AnalysedArticle(
                            source=row["outlet"],
                            outlet=row["outlet"],
                            url=row["url"],
                            request_key=row["url"],
                            canonical_url=row["url"],
                            fetched_at=times[i],
                            title=row["title"],
                            text=row["text"],
                            published=times[i],
                            published_from="page",
                            language=languages[i],
                            topic=replace(
                                score, flag=True, vector=score.vector if vectors else b""
                            ),
                        )
                    ],
                    recipients=[],
                    alert=False,
                )
                if polls:
                    # The poll that stored it settles after storing.
                    heapq.heappush(due, times[i] + SETTLE_AFTER)
                    _timed_settle(store, times[i])
            while due:
                _timed_settle(store, heapq.heappop(due))
            if settle == "backfill":
                _timed_settle(store, max(times) + SETTLE_AFTER, since=min(times))
            with store.session() as session:
                story = {a.canonical_url: a.story_id for a in session.query(ArticleRow)}
        finally:
            stories_rule.NAMES_WEIGHT, stories_rule.APART_PER_DAY = shipped
            store_module.stories_of_one_event = stories_rule.stories_of_one_event
            stories_rule._story_margin = story_margin
            stories_rule.local_margins = local_margins
            store.engine.dispose()
    return [story[row["url"]] or -1 for row in rows]


def _timed_settle(store: Store, until: datetime, since: datetime | None = None) -> None:
    started = time.perf_counter()
    store.settle_stories(since, until)
    SETTLING.append(time.perf_counter() - started)


def _pairs(rows: list[dict[str, str]], stories: list[int]) -> str:
    same = grouped = both = 0
    for i, j in itertools.combinations(range(len(rows)), 2):
        truth = rows[i]["event"] == rows[j]["event"]
        guess = stories[i] == stories[j]
        same, grouped, both = same + truth, grouped + guess, both + (truth and guess)
    precision = both / grouped if grouped else 1.0
    recall = both / same if same else 1.0
    return f"{len(set(stories))} | {same} / {grouped} | {precision:.3f} | {recall:.3f}"


if __name__ == "__main__":
    main()
