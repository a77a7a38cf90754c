"""Labelled example files (JSON lines with `text`, `label`, optional `title`, `lang`, `kind`)
and the evaluation report `newsmon eval` prints.

`label` may also be `borderline` (kept apart: neither trained on nor counted in F1, its scores
shown), and a file of guesses may name it `label_guess`. Each example belongs to a group, its
source and year where the line says them, so that folds and the frozen test split never cut
one source's items of one period in two."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from extractors.language import detect_language
from extractors.topic import Document
from extractors.training import Labelled, confusion

POSITIVE = {"1", "true", "positive", "pos", "yes"}
NEGATIVE = {"0", "false", "negative", "neg", "no"}
BORDERLINE = {"borderline"}
# One group in this many is the frozen test split of a labelled file (see split()).
TEST_SHARE = 4
SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Score bands of the calibration table: a calibrated score's band holds about that share of
# positives, in every language.
BANDS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


class LabelError(ValueError):
    pass


def document_of(row: object) -> Document | str:
    """A JSON line's title and text, or why it has none: `text` must be a string, and
    `title`, where given, too (null would read as the text "None")."""
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return 'not a JSON object with a "text" string'
    title = row.get("title")
    if title is not None and not isinstance(title, str):
        return '"title" is not a string'
    return Document(title or "", row["text"])


def read_labelled(path: Path) -> list[Labelled]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{number}: not JSON: {exc.msg}") from exc
        doc = document_of(row)
        if isinstance(doc, str):
            raise LabelError(f"{path}:{number}: {doc}")
        if "label" not in row and "label_guess" not in row:
            raise LabelError(f'{path}:{number}: no "label"')
        label = str(row["label"] if "label" in row else row["label_guess"]).strip().lower()
        if label not in POSITIVE | NEGATIVE | BORDERLINE:
            raise LabelError(
                f"{path}:{number}: label must be 1/0, true/false, "
                f"positive/negative or borderline, got {label!r}"
            )
        lang = row.get("lang") or detect_language(f"{doc.title}\n{doc.text}").code
        verdict = None if label in BORDERLINE else label in POSITIVE
        kind = str(row.get("kind") or row.get("category") or "")
        examples.append(Labelled(doc, verdict, lang, kind, _group(row, path, kind)))
    return examples


def _group(row: dict[str, object], path: Path, kind: str) -> str:
    """Source and year where the line names them, else the file and the kind."""
    source = row.get("source")
    if isinstance(source, dict):
        source = f"{source.get('repo')}:{source.get('path')}"
    year = str(row.get("date") or "")[:4]
    return f"{source}:{year}" if source else f"{path.name}:{kind}"


def split(examples: Sequence[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """Training and frozen test examples: a group is in the test split when its hash says
    so, whatever else the file holds, so adding lines never moves an old one across."""
    train: list[Labelled] = []
    test: list[Labelled] = []
    for example in examples:
        digest = hashlib.sha256(example.group.encode()).digest()
        (test if digest[0] % TEST_SHARE == 0 else train).append(example)
    return train, test


def report(
    examples: Sequence[Labelled], scores: Sequence[float], threshold: float, worst: int = 10
) -> str:
    """Borderline examples are left out of every figure but their own line of scores."""
    decided = [(e, s) for e, s in zip(examples, scores, strict=True) if e.label is not None]
    borderline = sorted(s for e, s in zip(examples, scores, strict=True) if e.label is None)
    lines = [
        f"{len(decided)} examples ({sum(bool(e.label) for e, _ in decided)} positive)"
        f"{f' and {len(borderline)} borderline, scored apart' if borderline else ''}, "
        f"threshold {threshold:.2f}",
        "",
        *_table("lang", _by(decided, lambda e: e.lang), threshold, best=True),
        "",
        *_table("kind", _by(decided, lambda e: e.kind or "-"), threshold, best=False),
    ]
    if borderline:
        middle = sum(0.1 <= s < 0.9 for s in borderline)
        lines += [
            "",
            f"borderline: {len(borderline)} examples, median score "
            f"{borderline[len(borderline) // 2]:.3f}, {middle} between 0.1 and 0.9",
        ]
    all_scores = [s for _, s in decided]
    all_labels = [bool(e.label) for e, _ in decided]
    lines += ["", *_calibration(decided)]
    lines += [
        "",
        "threshold sweep (all languages):",
        f"{'threshold':>9} {'precision':>10} {'recall':>8} {'f1':>6} {'fp':>5} {'fn':>5}",
    ]
    for value in SWEEP:
        c = confusion(all_scores, all_labels, value)
        lines.append(
            f"{value:9.2f} {c.precision:10.3f} {c.recall:8.3f} {c.f1:6.3f} {c.fp:5d} {c.fn:5d}"
        )
    mistakes = sorted(
        ((s, e) for e, s in decided if (s >= threshold) != e.label),
        key=lambda pair: abs(pair[0] - bool(pair[1].label)),
        reverse=True,
    )[:worst]
    lines += ["", f"worst mistakes ({len(mistakes)} shown):"]
    for score, example in mistakes:
        kind = "missed" if example.label else "false alarm"
        snippet = " ".join(f"{example.doc.title} {example.doc.text}".split())[:140]
        lines.append(f"  {score:.3f} {kind:11} [{example.lang}] {snippet}")
    return "\n".join(lines)


Scored = tuple[Labelled, float]


def _by(decided: Sequence[Scored], key: Callable[[Labelled], str]) -> dict[str, list[Scored]]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for example, score in decided:
        groups[key(example)].append((example, score))
    return dict(sorted(groups.items()))


def _table(name: str, groups: dict[str, list[Scored]], threshold: float, best: bool) -> list[str]:
    lines = [
        f"{name:24} {'n':>5} {'pos':>5} {'precision':>10} {'recall':>8} {'f1':>6} {'fp':>4} "
        f"{'fn':>4}" + (f" {'best threshold':>14}" if best else "")
    ]
    everything = [pair for pairs in groups.values() for pair in pairs]
    for label, pairs in [*groups.items(), ("all", everything)]:
        part_scores = [s for _, s in pairs]
        part_labels = [bool(e.label) for e, _ in pairs]
        c = confusion(part_scores, part_labels, threshold)
        # A ratio of nothing (none flagged, or none positive) is no figure: "-", not 0.
        precision = f"{c.precision:10.3f}" if c.tp + c.fp else f"{'-':>10}"
        recall = f"{c.recall:8.3f}" if c.tp + c.fn else f"{'-':>8}"
        f1 = f"{c.f1:6.3f}" if c.tp + c.fp and c.tp + c.fn else f"{'-':>6}"
        line = (
            f"{label[:24]:24} {len(pairs):5d} {c.tp + c.fn:5d} {precision} {recall} {f1} "
            f"{c.fp:4d} {c.fn:4d}"
        )
        if best:
            line += f" {_best_threshold(part_scores, part_labels, threshold):14.2f}"
        lines.append(line)
    return lines


def _best_threshold(scores: Sequence[float], labels: Sequence[bool], current: float) -> float:
    """The swept threshold with the best F1 here, the one nearest the configured on a tie."""
    return max(SWEEP, key=lambda t: (confusion(scores, labels, t).f1, -abs(t - current)))


def _calibration(decided: Sequence[Scored]) -> list[str]:
    """Per score band, how many examples and the share of them positive: overall and in each
    language (n/share)."""
    by_lang = _by(decided, lambda e: e.lang)
    header = f"{'scores':>9} {'all':>11}" + "".join(f" {lang:>9}" for lang in by_lang)
    lines = ["reliability (examples, share positive) per score band:", header]
    for low, high in pairwise(BANDS):
        cells = [_band(decided, low, high)] + [
            _band(pairs, low, high) for pairs in by_lang.values()
        ]
        lines.append(
            f"{low:3.1f}–{high:3.1f}  {cells[0]:>11}" + "".join(f" {c:>9}" for c in cells[1:])
        )
    return lines


def _band(pairs: Sequence[Scored], low: float, high: float) -> str:
    inside = [bool(e.label) for e, s in pairs if low <= s < high or s == high == 1.0]
    return f"{len(inside)}/{sum(inside) / len(inside):.2f}" if inside else "-"
