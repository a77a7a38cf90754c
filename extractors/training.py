"""Fitting the topic head on labelled documents, and the figures that judge it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from extractors.topic import Document, Head, TopicClassifier

REGULARIZATION_C = 4.0


@dataclass(frozen=True)
class Labelled:
    doc: Document
    label: bool
    lang: str = "und"


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def fit_head(classifier: TopicClassifier, examples: Sequence[Labelled]) -> Head:
    """Train the logistic head over document features (and each chunk as its own example,
    so that passages are scored on the same scale as documents)."""
    labels = [example.label for example in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs both positive and negative examples")
    _, matrices = classifier.features([example.doc for example in examples])
    rows, targets = [], []
    for matrix, label in zip(matrices, labels, strict=True):
        if len(matrix):
            rows.append(matrix[0])
            targets.append(label)
    model = LogisticRegression(C=REGULARIZATION_C, class_weight="balanced", max_iter=2000)
    model.fit(np.vstack(rows), np.asarray(targets))
    return Head(
        model=classifier.encoder.ref,
        coef=tuple(float(c) for c in model.coef_[0]),
        intercept=float(model.intercept_[0]),
    )


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Counts:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return Counts(tp=tp, fp=fp, fn=fn, tn=len(labels) - tp - fp - fn)
