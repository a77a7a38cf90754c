"""Topic quality: cross-validated figures on the training data (folds grouped by source and
period), then the frozen test sets, newsmon beside the keyword baseline (Russia, Georgia and a
relations word anywhere, in any language of the topic file) on the same texts.

Run: .venv/bin/python benchmarks/topic_quality.py
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from common import DATA, ROOT, keyword_baseline, require

os.environ.setdefault("HF_HUB_OFFLINE", "1")
TRAIN_FILES = (
    "labels.jsonl",
    "labels-more.jsonl",
    "topic/train-a.jsonl",
    "topic/train-b.jsonl",
    "topic/train-pairs.jsonl",
)


def main() -> None:
    from extractors.topic import prepare
    from extractors.training import out_of_fold_logits, window_set
    from newsmon.classifier import build_classifier
    from newsmon.labels import read_labelled, report, split

    classifier = build_classifier(load())
    real = read_labelled(require(DATA / "topic" / "real_labels.jsonl"))
    weak = read_labelled(require(DATA / "topic" / "weak_labels.jsonl"))
    train = [e for name in TRAIN_FILES for e in read_labelled(ROOT / "seeds" / name)]
    train += split(real)[0] + split(weak)[0]

    windows = window_set(classifier, train)
    logits = out_of_fold_logits(windows)
    cv = 1 / (1 + np.exp(-(logits * classifier.head.scale + classifier.head.shift)))
    read = [e for e in train if e.label is not None]
    # The texts window_set embedded, found again without the encoder.
    read_docs = [e for e in read if prepare(e.doc, classifier.terms).windows]
    print(
        f"== cross-validated (5 folds grouped by source and period; {len(read_docs)} texts the "
        f"model reads of {len(read)} labelled; the rest score 0)"
    )
    print(report(read_docs, list(cv), classifier.threshold), end="\n\n")

    flags = keyword_baseline()

    def keywords(examples: Sequence) -> list[float]:
        return [float(flags(e.doc.title, e.doc.text)) for e in examples]

    sets = {
        "written test (seeds/topic/test.jsonl)": read_labelled(ROOT / "seeds/topic/test.jsonl"),
        "real test split (real_labels.jsonl)": split(real)[1],
        "weak-label test split (negatives)": [e for e in split(weak)[1] if e.label is False],
    }
    for name, examples in sets.items():
        scores = [s.score for s in classifier.score([e.doc for e in examples])]
        print(f"== {name}: newsmon")
        print(report(examples, scores, classifier.threshold, worst=8), end="\n\n")
        print(f"== {name}: keyword baseline")
        print(report(examples, keywords(examples), 0.5, worst=0).split("\n\nkind")[0], end="\n\n")

    pairs(classifier, keywords)


def pairs(classifier: object, keywords: object) -> None:
    from extractors.topic import Document
    from newsmon.labels import read_labelled

    path = ROOT / "tests" / "fixtures" / "topic" / "pairs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    examples = read_labelled(path)
    for name, scores in (
        (
            "newsmon",
            [s.score for s in classifier.score([Document(r["title"], r["text"]) for r in rows])],
        ),  # type: ignore[attr-defined]
        ("keyword baseline", keywords(examples)),  # type: ignore[operator]
    ):
        by_pair: dict[str, dict[str, float]] = defaultdict(dict)
        for row, score in zip(rows, scores, strict=True):
            by_pair[row["pair"]][row["label"]] = score
        ordered = sum(p["positive"] > p["negative"] for p in by_pair.values())
        right = sum(
            (s >= 0.5) == (r["label"] == "positive") for r, s in zip(rows, scores, strict=True)
        )
        print(
            f"minimal pairs, {name}: {ordered}/{len(by_pair)} pairs ordered, "
            f"{right}/{len(rows)} texts right at 0.5"
        )


def load() -> object:
    from newsmon.settings import load_settings

    return load_settings()


if __name__ == "__main__":
    main()
