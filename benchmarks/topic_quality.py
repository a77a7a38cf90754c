"""Topic quality: F1 per language on the held-out examples, and false positives on the real
negatives of ../shared/data/topic/weak_labels.jsonl (labels guessed), by category.

Run: .venv/bin/python benchmarks/topic_quality.py
"""

from __future__ import annotations

import json
import os
from collections import Counter

from common import DATA, ROOT, require

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    from extractors.topic import Document
    from newsmon.classifier import build_classifier
    from newsmon.labels import read_labelled, report
    from newsmon.settings import load_settings

    classifier = build_classifier(load_settings(environ={}))
    held_out = read_labelled(ROOT / "seeds" / "labels-heldout.jsonl")
    scores = [s.score for s in classifier.score([e.doc for e in held_out])]
    print("held-out examples (seeds/labels-heldout.jsonl):")
    print(report(held_out, scores, classifier.threshold), end="\n\n")

    path = require(DATA / "topic" / "weak_labels.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    negatives = [r for r in rows if r["label_guess"] == "negative"]
    flags = classifier.score([Document(r.get("title") or "", r["text"]) for r in negatives])
    flagged = Counter(r["category"] for r, s in zip(negatives, flags, strict=True) if s.flag)
    total = sum(flagged.values())
    rate = total / len(negatives)
    print(f"weak-label negatives: {total} of {len(negatives)} flagged ({rate:.2%})")
    for category, count in flagged.most_common():
        print(f"  {category}: {count}")
    for r, s in zip(negatives, flags, strict=True):
        if s.flag:
            print(f"  {s.score:.3f} {r['text'][:110]}")


if __name__ == "__main__":
    main()
