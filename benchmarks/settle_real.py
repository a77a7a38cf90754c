"""Settling on real news: which reports of ../shared/data/topic/real_labels.jsonl (hand-labelled
for the topic, 2000-2026, a few a week: sparse windows) settling joins beyond those joined at
arrival. The set has no event labels: the pairs are printed to be read.

Every labelled text the shipped classifier reads (one naming both countries) is saved in
order of its date (noon, a minute apart) to a new SQLite store as a flagged article with the
language newsmon detects, then every story of the range is settled.

Run: .venv/bin/python benchmarks/settle_real.py
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import DATA, require

from extractors.language import detect_language
from extractors.records import AnalysedArticle
from extractors.topic import Document

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from newsmon.classifier import build_classifier
    from newsmon.settings import load_settings
    from newsmon.store import ArticleRow, Store

    path = require(DATA / "topic" / "real_labels.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row.get("date")]
    languages = [detect_language(f"{row['title']}\n{row['text']}") for row in rows]
    scores = build_classifier(load_settings()).score(
        [
            Document(r["title"], r["text"], lang.code)
            for r, lang in zip(rows, languages, strict=True)
        ]
    )
    read = sorted(
        (i for i, score in enumerate(scores) if score.vector), key=lambda i: rows[i]["date"]
    )
    print(f"{len(rows)} dated texts, {len(read)} read by the classifier")
    with tempfile.TemporaryDirectory(prefix="newsmon-settle-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'real.db'}")
        try:
            for n, i in enumerate(read):
                row, url = rows[i], f"https://real.example/{i}"
                day = datetime.fromisoformat(row["date"]).replace(hour=12, tzinfo=UTC)
                when = day + timedelta(minutes=n)
                article = AnalysedArticle(
                    source="real",
                    outlet=f"outlet {i}",
                    url=url,
                    request_key=url,
                    canonical_url=url,
                    fetched_at=when,
                    title=row["title"] or row["text"][:80],
                    text=row["text"],
                    published=when,
                    published_from="page",
                    language=languages[i],
                    topic=replace(scores[i], flag=True),
                )
                store.save([article], recipients=[], alert=False)
            with store.session() as session:
                before = {a.canonical_url: a.story_id for a in session.query(ArticleRow)}
            first = datetime.fromisoformat(rows[read[0]]["date"]).replace(tzinfo=UTC)
            store.settle_stories(since=first, until=datetime.now(UTC))
            with store.session() as session:
                after = {a.canonical_url: a.story_id for a in session.query(ArticleRow)}
        finally:
            store.engine.dispose()
    pairs = list(itertools.combinations(sorted(before), 2))
    added = [(a, b) for a, b in pairs if after[a] == after[b] and before[a] != before[b]]
    print(f"pairs joined at arrival: {sum(before[a] == before[b] for a, b in pairs)}")
    print(f"pairs settling added: {len(added)}")
    for a, b in added:
        print("  " + " || ".join(_line(rows[int(url.rsplit("/", 1)[1])]) for url in (a, b)))


def _line(row: dict[str, str]) -> str:
    return f"{row['date']} {row['lang']} {(row['title'] or row['text'])[:60]}".replace("\n", " ")


if __name__ == "__main__":
    main()
