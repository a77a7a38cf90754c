"""Labelled example files (JSON lines with `text`, `label`, optional `title`, `lang`) and the
evaluation report `newsmon eval` prints."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from extractors.language import detect_language
from extractors.topic import Document
from extractors.training import Labelled, confusion

POSITIVE = {"1", "true", "positive", "pos", "yes"}
NEGATIVE = {"0", "false", "negative", "neg", "no"}
SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Score bands of the calibration table: a calibrated score's band holds about that share of
# positives, in every language.
BANDS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


class LabelError(ValueError):
    pass


def read_labelled(path: Path) -> list[Labelled]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, label = str(row["text"]), str(row["label"]).strip().lower()
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise LabelError(f"{path}:{number}: expected JSON with text and label ({exc})") from exc
        if label not in POSITIVE | NEGATIVE:
            raise LabelError(
                f"{path}:{number}: label must be 1/0, true/false or "
                f"positive/negative, got {row['label']!r}"
            )
        title = str(row.get("title") or "")
        lang = row.get("lang") or detect_language(f"{title}\n{text}").code
        examples.append(Labelled(Document(title, text), label in POSITIVE, lang))
    return examples


def report(
    examples: Sequence[Labelled], scores: Sequence[float], threshold: float, worst: int = 10
) -> str:
    labels = [e.label for e in examples]
    lines = [
        f"{len(examples)} examples, threshold {threshold:.2f}",
        "",
        f"{'lang':6} {'n':>5} {'pos':>5} {'precision':>10} {'recall':>8} {'f1':>6} "
        f"{'best threshold':>14}",
    ]
    by_lang: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_lang[example.lang].append(index)
    for lang, indexes in [*sorted(by_lang.items()), ("all", list(range(len(examples))))]:
        part_scores, part_labels = [scores[i] for i in indexes], [labels[i] for i in indexes]
        counts = confusion(part_scores, part_labels, threshold)
        lines.append(
            f"{lang:6} {len(indexes):5d} {counts.tp + counts.fn:5d} "
            f"{counts.precision:10.3f} {counts.recall:8.3f} {counts.f1:6.3f} "
            f"{_best_threshold(part_scores, part_labels, threshold):14.2f}"
        )
    lines += ["", *_calibration(scores, labels)]
    lines += [
        "",
        "threshold sweep (all languages):",
        f"{'threshold':>9} {'precision':>10} {'recall':>8} {'f1':>6} {'fp':>5} {'fn':>5}",
    ]
    for value in SWEEP:
        c = confusion(scores, labels, value)
        lines.append(
            f"{value:9.2f} {c.precision:10.3f} {c.recall:8.3f} {c.f1:6.3f} {c.fp:5d} {c.fn:5d}"
        )
    mistakes = sorted(
        (
            (score, example)
            for score, example in zip(scores, examples, strict=True)
            if (score >= threshold) != example.label
        ),
        key=lambda pair: abs(pair[0] - pair[1].label),
        reverse=True,
    )[:worst]
    lines += ["", f"worst mistakes ({len(mistakes)} shown):"]
    for score, example in mistakes:
        kind = "missed" if example.label else "false alarm"
        snippet = " ".join(f"{example.doc.title} {example.doc.text}".split())[:140]
        lines.append(f"  {score:.3f} {kind:11} [{example.lang}] {snippet}")
    return "\n".join(lines)


def _best_threshold(scores: Sequence[float], labels: Sequence[bool], current: float) -> float:
    """The swept threshold with the best F1 here, the one nearest the configured on a tie:
    equal across languages when one threshold means the same in all of them."""
    return max(SWEEP, key=lambda t: (confusion(scores, labels, t).f1, -abs(t - current)))


def _calibration(scores: Sequence[float], labels: Sequence[bool]) -> list[str]:
    lines = ["calibration (all languages):", f"{'scores':>11} {'n':>5} {'positive share':>15}"]
    for low, high in pairwise(BANDS):
        inside = [
            y for s, y in zip(scores, labels, strict=True) if low <= s < high or s == high == 1.0
        ]
        share = f"{sum(inside) / len(inside):15.2f}" if inside else f"{'-':>15}"
        lines.append(f"{low:4.1f}–{high:3.1f}    {len(inside):5d} {share}")
    return lines
