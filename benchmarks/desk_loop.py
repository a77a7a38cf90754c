"""Desk loop: the desk teaches the classifier. Starting from the shipped head, the desk marks
what the review page shows it, round by round; each round the head is retrained the way
`newsmon train` does (the shipped head's training examples plus every mark so far, same fit
function) and judged on texts no one marked.

The desk's news is the frozen test split of ../shared/data/topic/real_labels.jsonl (never
trained on by the shipped head), divided by group (source and year, as newsmon.labels keeps
them) into a stream the desk reads in date order and an evaluation half never marked. Each
round the desk reads the next slice of the stream and marks the articles the current head
flags (score >= threshold) and the near misses (score >= threshold - web_near_miss_band), with
their true label; borderline texts are left unmarked, as an editor unsure would. The marks go
through the real path: stored as articles and labels in a temporary SQLite store
(Store.mark, what the review page calls), exported with newsmon.web.export.export_lines (what
`newsmon labels export` writes) and read back with newsmon.labels.read_labelled.

Lines per round: "desk" (marks of what the page showed), "control" (the same retraining with
no marks: the effect of refitting alone; the fit is seeded, so it is the same head every
round) and "oracle" (the desk marks every decided text of the slices read, shown or not).

Every text's windows are embedded once: the encoder is wrapped in a memo, so fit_head and
TopicClassifier.score run unchanged on cached embeddings.

Run: .venv/bin/python benchmarks/desk_loop.py  (about 3 minutes on two cores)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from common import DATA, ROOT, require
from topic_quality import TRAIN_FILES

from extractors.topic import Embedder, Head, TopicClassifier
from extractors.training import Counts, Labelled, confusion, fit_head

# Before newsmon.models loads transformers (imported in main, as the other benchmarks do).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROUNDS = 4
# Fixes the division of the desk's news into stream and evaluation halves.
SEED = 20261202
WHO = "desk-loop"


class MemoEncoder:
    """The configured encoder behind a memo of window text -> embedding: the encoder embeds
    one text per forward pass (extractors/encoder.py), so a cached row is what it would
    return again."""

    def __init__(self, encoder: Embedder) -> None:
        self.encoder, self.ref = encoder, encoder.ref
        self.memo: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if missing:
            self.memo.update(zip(missing, self.encoder.embed(missing), strict=True))
        if not texts:
            # The encoder's own empty answer: no rows, but its width, which the head checks.
            return self.encoder.embed([])
        return np.vstack([self.memo[t] for t in texts])


@dataclass(frozen=True)
class News:
    """A desk text: the labelled example and what the store needs that Labelled drops."""

    example: Labelled
    date: str
    source: str
    key: str


@dataclass(frozen=True)
class Result:
    marks: Counter[str]
    eval_counts: Counts
    written_counts: Counts


def main() -> None:
    from newsmon.classifier import build_classifier, load_terms
    from newsmon.labels import read_labelled, split
    from newsmon.settings import load_settings

    started = time.monotonic()
    settings = load_settings()
    shipped = build_classifier(settings)
    encoder = MemoEncoder(shipped.encoder)
    terms = load_terms(settings.topic_file)
    threshold = settings.threshold
    floor = max(threshold - settings.web_near_miss_band, 0.0)

    def classifier(head: Head) -> TopicClassifier:
        return TopicClassifier(encoder, terms, head, threshold)

    real_path = require(DATA / "topic" / "real_labels.jsonl")
    real = read_labelled(real_path)
    weak = read_labelled(require(DATA / "topic" / "weak_labels.jsonl"))
    # The shipped head's training examples (benchmarks/topic_quality.py, docs/benchmarks.md).
    train = [e for name in TRAIN_FILES for e in read_labelled(ROOT / "seeds" / name)]
    train += split(real)[0] + split(weak)[0]
    written = read_labelled(ROOT / "seeds" / "topic" / "test.jsonl")
    stream, evaluation = divide(desk_news(real_path, real, split(real)[1]))

    # Every window embedded once, up front, so the rounds cost only fits.
    everything = [*train, *written, *(n.example for n in stream + evaluation)]
    classifier(shipped.head).embed([e.doc for e in everything])
    print(
        f"embedded {len(encoder.memo)} windows of the {len(everything)} texts in "
        f"{time.monotonic() - started:.0f} s (texts that do not name both countries have none)\n"
    )

    print(f"threshold {threshold:.2f}; the review page shows scores >= {floor:.2f}")
    describe("stream (marked)", stream)
    describe("evaluation (never marked)", evaluation)
    bounds = np.linspace(0, len(stream), ROUNDS + 1).round().astype(int)
    slices = [stream[start:end] for start, end in itertools.pairwise(bounds)]
    print(f"stream read in date order, {ROUNDS} slices of {[len(s) for s in slices]} texts")
    print(f"training examples before any mark: {sum(e.label is not None for e in train)}\n")

    eval_examples = [n.example for n in evaluation]

    def judged(head: Head, marks: Counter[str]) -> Result:
        return Result(
            marks,
            counts(classifier(head), eval_examples),
            counts(classifier(head), written),
        )

    fitted = time.monotonic()
    refit = fit_head(classifier(Head(settings.model, ())), train)
    fit_seconds = time.monotonic() - fitted
    control = judged(refit, Counter())
    print_header()
    print_row(0, "shipped", judged(shipped.head, Counter()))
    print_row(0, "control", control)

    desk_head, oracle_head = shipped.head, shipped.head
    with tempfile.TemporaryDirectory(prefix="desk-loop-") as folder:
        desk, oracle = DeskStore(Path(folder), "desk"), DeskStore(Path(folder), "oracle")
        for number, part in enumerate(slices, start=1):
            print()
            shown = desk.read(part, classifier(desk_head), floor, only_shown=True)
            print(
                f"round {number}: slice {part[0].date}..{part[-1].date}, {len(part)} texts "
                f"({positives(part)} positive, {borderline(part)} borderline); the page "
                f"showed {shown['flagged']} flagged and {shown['near']} near misses, "
                f"{shown['borderline']} of them borderline (left unmarked)"
            )
            oracle.read(part, classifier(oracle_head), floor, only_shown=False)
            desk_examples, oracle_examples = desk.export(), oracle.export()
            untrained = classifier(Head(settings.model, ()))
            desk_head = fit_head(untrained, train + desk_examples)
            oracle_head = fit_head(untrained, train + oracle_examples)
            print_row(number, "desk", judged(desk_head, desk.verdicts()))
            print_row(number, "control", control)
            print_row(number, "oracle", judged(oracle_head, oracle.verdicts()))
            desk.check(desk_examples)
            oracle.check(oracle_examples)
    print(
        f"\none head fit (final head and 5 calibration folds) took {fit_seconds:.0f} s; "
        f"run time {time.monotonic() - started:.0f} s"
    )


def desk_news(path: Path, real: Sequence[Labelled], test: Sequence[Labelled]) -> list[News]:
    """The test split's examples with the date and source of their line (read_labelled
    returns one example per non-empty line, in order)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    line_of = {id(example): index for index, example in enumerate(real)}
    news = []
    for example in test:
        row = rows[line_of[id(example)]]
        source = row["source"]
        news.append(News(example, row["date"], f"{source['repo']}:{source['path']}", row["id"]))
    return news


def divide(news: Sequence[News]) -> tuple[list[News], list[News]]:
    """Stream and evaluation halves, whole groups each: groups in a seeded shuffle, those
    with most positives first, each to the half with fewer positives so far (then fewer
    texts), so both halves hold about half the positives; a plain hash of ~24 groups, 7 of
    them holding every positive, could leave one half with almost none."""
    groups: dict[str, list[News]] = {}
    for item in news:
        groups.setdefault(item.example.group, []).append(item)
    order = sorted(groups)
    random.Random(SEED).shuffle(order)
    order.sort(key=lambda group: -positives(groups[group]))
    halves: tuple[list[News], list[News]] = ([], [])
    for group in order:
        side = min(halves, key=lambda half: (positives(half), len(half)))
        side.extend(groups[group])
    stream, evaluation = halves
    stream.sort(key=lambda item: (item.date, item.key))
    return stream, evaluation


class DeskStore:
    """A temporary SQLite store the desk marks in, as on the review page."""

    def __init__(self, folder: Path, name: str) -> None:
        from newsmon.store import Store

        self.store = Store(f"sqlite:///{folder / name}.db")
        self.path = folder / f"{name}.jsonl"
        self.marked = 0

    def read(
        self, part: Sequence[News], scorer: TopicClassifier, floor: float, only_shown: bool
    ) -> Counter[str]:
        """Store the slice's articles as the pipeline would (score and flag from the current
        head) and mark those the desk marks: shown on the page (or all, for the oracle) and
        not borderline. A flag is "right" when the text is on topic, a miss "wrong" when it
        is; Store.mark turns that back into the label."""
        from newsmon.store import ArticleRow

        scores = scorer.score([item.example.doc for item in part])
        seen: Counter[str] = Counter()
        ids = []
        with self.store.session() as session:
            for item, score in zip(part, scores, strict=True):
                shown = score.score >= floor
                if shown:
                    seen["flagged" if score.flag else "near"] += 1
                    seen["borderline"] += item.example.label is None
                if item.example.label is None or (only_shown and not shown):
                    continue
                when = datetime.fromisoformat(item.date).replace(tzinfo=UTC)
                url = f"https://desk-loop.invalid/{item.key}"
                row = ArticleRow(
                    canonical_url=url,
                    request_key=url,
                    url=url,
                    # The group read_labelled makes of the export (source and year) is then
                    # the text's own group in real_labels.jsonl.
                    source=item.source,
                    outlet=item.source,
                    status="stored",
                    title=item.example.doc.title,
                    text=item.example.doc.text,
                    lang=item.example.lang,
                    published_at=when,
                    fetched_at=when,
                    score=score.score,
                    flagged=score.flag,
                )
                session.add(row)
                session.flush()
                ids.append((row.id, score.flag == item.example.label))
        for article_id, right in ids:
            self.marked += self.store.mark(article_id, "right" if right else "wrong", WHO)
        return seen

    def export(self) -> list[Labelled]:
        """Every mark so far through `newsmon labels export`'s function and back."""
        from newsmon.labels import read_labelled
        from newsmon.web.export import export_lines

        lines = export_lines(self.store.labelled_articles())
        self.path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        return read_labelled(self.path)

    def verdicts(self) -> Counter[str]:
        latest = self.store.latest_labels().values()
        marks = Counter(row.verdict for row in latest)
        marks["positive"] = sum(row.relevant for row in latest)
        return marks

    def check(self, exported: Sequence[Labelled]) -> None:
        # An article without text is not exported: say so rather than train on fewer marks
        # silently.
        if len(exported) != self.marked:
            print(f"  note: {self.marked} marks, {len(exported)} exported")


def counts(scorer: TopicClassifier, examples: Sequence[Labelled]) -> Counts:
    """Confusion at the threshold over decided examples (borderline ones are not counted)."""
    decided = [e for e in examples if e.label is not None]
    scores = [s.score for s in scorer.score([e.doc for e in decided])]
    return confusion(scores, [bool(e.label) for e in decided], scorer.threshold)


def positives(items: Sequence[Any]) -> int:
    return sum(item.example.label is True for item in items)


def borderline(items: Sequence[News]) -> int:
    return sum(item.example.label is None for item in items)


def describe(name: str, items: Sequence[News]) -> None:
    groups = {item.example.group for item in items}
    print(
        f"{name}: {len(items)} texts in {len(groups)} groups, {positives(items)} positive, "
        f"{len(items) - positives(items) - borderline(items)} negative, "
        f"{borderline(items)} borderline"
    )


def print_header() -> None:
    print(
        f"{'round':>5} {'head':8} {'marks':>5} {'right':>5} {'wrong':>5} {'pos':>4} | "
        f"{'eval P':>6} {'R':>5} {'F1':>5} {'tp':>3} {'fp':>3} {'fn':>3} | "
        f"{'test P':>6} {'R':>5} {'F1':>5} {'fp':>3} {'fn':>3}"
    )


def print_row(number: int, name: str, result: Result) -> None:
    e, w, m = result.eval_counts, result.written_counts, result.marks
    print(
        f"{number:5d} {name:8} {m['right'] + m['wrong']:5d} {m['right']:5d} {m['wrong']:5d} "
        f"{m['positive']:4d} | {e.precision:6.3f} {e.recall:5.3f} {e.f1:5.3f} {e.tp:3d} "
        f"{e.fp:3d} {e.fn:3d} | {w.precision:6.3f} {w.recall:5.3f} {w.f1:5.3f} {w.fp:3d} "
        f"{w.fn:3d}"
    )


if __name__ == "__main__":
    main()
