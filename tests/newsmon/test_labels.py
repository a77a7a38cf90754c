"""`newsmon eval`'s report of labelled examples."""

from __future__ import annotations

from extractors.topic import Document
from extractors.training import Labelled
from newsmon.labels import report


def _example(label: bool, kind: str) -> Labelled:
    return Labelled(Document("t", "x"), label, "en", kind)


def test_a_kind_with_nothing_to_count_shows_no_figure() -> None:
    """Hard negatives all scored low: nothing flagged, nothing positive, no precision or
    recall to give; a kind with positives gets its figures."""
    examples = [_example(False, "hard negative"), _example(True, "news"), _example(False, "news")]
    lines = report(examples, [0.1, 0.9, 0.8], 0.5).splitlines()
    [negatives] = [line for line in lines if line.startswith("hard negative")]
    assert negatives.split()[4:9] == ["-", "-", "-", "0", "0"]
    [news] = [line for line in lines if line.startswith("news ")]
    assert news.split()[3:6] == ["0.500", "1.000", "0.667"]
