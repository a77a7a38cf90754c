"""Fitting the topic head on labelled documents, and the figures that judge it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from extractors.topic import Document, Head, TopicClassifier

REGULARIZATION_C = 4.0
CALIBRATION_FOLDS = 5


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
    """Train the logistic head over document features, then calibrate it: Platt scaling fitted
    on out-of-fold scores, folded into the weights, so that a score is a probability and not
    the near-certainty a head shows on its own training examples."""
    labels = [example.label for example in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs both positive and negative examples")
    _, matrices = classifier.features([example.doc for example in examples])
    rows, targets = [], []
    for matrix, label in zip(matrices, labels, strict=True):
        if len(matrix):
            rows.append(matrix[0])
            targets.append(label)
    features, y = np.vstack(rows), np.asarray(targets)
    model = LogisticRegression(C=REGULARIZATION_C, class_weight="balanced", max_iter=2000)
    scale, shift = _platt(model, features, y)
    model.fit(features, y)
    return Head(
        model=classifier.encoder.ref,
        coef=tuple(float(c) * scale for c in model.coef_[0]),
        intercept=float(model.intercept_[0]) * scale + shift,
    )


def _platt(model: LogisticRegression, features: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Scale and shift of the logit that calibrate the model, from out-of-fold logits."""
    folds = min(CALIBRATION_FOLDS, int(np.bincount(y.astype(int)).min()))
    if folds < 2:
        return 1.0, 0.0
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    logits = cross_val_predict(model, features, y, cv=splitter, method="decision_function")
    platt = LogisticRegression(max_iter=1000).fit(logits.reshape(-1, 1), y)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Counts:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return Counts(tp=tp, fp=fp, fn=fn, tn=len(labels) - tp - fp - fn)
