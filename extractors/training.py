"""Fitting the topic head on labelled documents, and the figures that judge it.

The head learns from windows: every window of a document the classifier would read carries
the document's label. A document's score is its best window's, so the head is calibrated on
documents: Platt scaling of the best window's logit, fitted on out-of-fold logits from folds
that keep each source's period together (a set that is all one group, such as one file whose
lines name no source or kind, is folded by document: its calibration is less strict).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

from extractors.topic import Document, Head, TopicClassifier

HIDDEN_UNITS = 64
L2_PENALTY = 1e-3
EPOCHS = 300
FOLDS = 5
SEED = 0
# Fewer positive documents in a language make a centroid of those few stories, not of the
# language: such languages are compared by the centroid of all.
CENTROID_DOCUMENTS = 10


@dataclass(frozen=True)
class Labelled:
    """``label`` None is borderline: neither trained on nor counted in F1."""

    doc: Document
    label: bool | None
    lang: str = "und"
    kind: str = ""
    group: str = ""


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


@dataclass(frozen=True)
class Windows:
    """Window embeddings of read documents, the document each came from, and labels."""

    embeddings: np.ndarray
    owner: np.ndarray
    labels: np.ndarray
    groups: list[str]
    languages: list[str]


def window_set(classifier: TopicClassifier, examples: Sequence[Labelled]) -> Windows:
    """The windows of the decided examples that the classifier reads (a document that does
    not name both countries has none: it scores 0 whatever the head)."""
    decided = [e for e in examples if e.label is not None]
    _, matrices = classifier.embed([e.doc for e in decided])
    kept = [(i, m) for i, m in enumerate(matrices) if len(m)]
    embeddings = np.vstack([m for _, m in kept]) if kept else np.zeros((0, 1))
    owner = [doc for doc, (_, m) in enumerate(kept) for _ in range(len(m))]
    return Windows(
        embeddings=embeddings,
        owner=np.asarray(owner, dtype=int),
        labels=np.asarray([bool(decided[i].label) for i, _ in kept]),
        groups=[decided[i].group for i, _ in kept],
        languages=[decided[i].lang for i, _ in kept],
    )


def fit_head(classifier: TopicClassifier, examples: Sequence[Labelled]) -> Head:
    """Train the head on the examples' windows and calibrate it on grouped folds."""
    windows = window_set(classifier, examples)
    if len(set(windows.labels.tolist())) < 2:
        raise ValueError("training needs both positive and negative examples the model reads")
    layers = _fit_layers(windows, np.arange(len(windows.labels)))
    logits = out_of_fold_logits(windows)
    scale, shift = _platt(logits, windows.labels)
    return Head(classifier.encoder.ref, layers, scale, shift, lead_centroids(windows))


def lead_centroids(windows: Windows) -> dict[str, np.ndarray]:
    """The mean first (title and lead) window of the positive documents: of all ("") and of
    each language with at least CENTROID_DOCUMENTS of them."""
    first = np.flatnonzero(np.r_[True, windows.owner[1:] != windows.owner[:-1]])
    positive = [int(row) for row in first if windows.labels[windows.owner[row]]]
    by_language: dict[str, list[int]] = {"": list(positive)}
    for row in positive:
        by_language.setdefault(windows.languages[windows.owner[row]], []).append(row)
    return {
        language: windows.embeddings[rows].mean(axis=0)
        for language, rows in by_language.items()
        if language == "" or len(rows) >= CENTROID_DOCUMENTS
    }


def out_of_fold_logits(windows: Windows, folds: int = FOLDS) -> np.ndarray:
    """Each document's best-window logit from a head that never saw its group."""
    groups = np.asarray(windows.groups)
    if len(set(windows.groups)) < 2:
        # One file whose lines name no source or kind is one group: folds split documents.
        groups = np.arange(len(windows.labels))
    result = np.zeros(len(windows.labels))
    splitter = GroupKFold(n_splits=min(folds, len(set(groups.tolist()))))
    for train_docs, test_docs in splitter.split(windows.labels, groups=groups):
        if len(set(windows.labels[train_docs].tolist())) < 2:
            continue
        head = Head("", _fit_layers(windows, train_docs))
        rows = np.isin(windows.owner, test_docs)
        logits = head.logits(windows.embeddings[rows])
        for doc in test_docs:
            result[doc] = logits[windows.owner[rows] == doc].max()
    return result


def _fit_layers(windows: Windows, docs: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    rows = np.isin(windows.owner, docs)
    x, y = windows.embeddings[rows], windows.labels[windows.owner[rows]]
    # Balanced by repetition: MLPClassifier takes no class weights.
    positives, negatives = np.flatnonzero(y), np.flatnonzero(~y)
    repeat = max(1, round(len(negatives) / max(1, len(positives))))
    order = np.concatenate([np.repeat(positives, repeat), negatives])
    net = MLPClassifier(
        hidden_layer_sizes=(HIDDEN_UNITS,),
        alpha=L2_PENALTY,
        max_iter=EPOCHS,
        early_stopping=False,
        random_state=SEED,
    )
    with warnings.catch_warnings():
        # A fixed number of epochs is the regularization chosen, not a failure to converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(x[order], y[order])
    return tuple(
        (np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
        for w, b in zip(net.coefs_, net.intercepts_, strict=True)
    )


def _platt(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    platt = LogisticRegression(max_iter=1000).fit(logits.reshape(-1, 1), labels)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> Counts:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return Counts(tp=tp, fp=fp, fn=fn, tn=len(labels) - tp - fp - fn)
