"""Topic scoring: a transformer embedding plus multilingual term evidence, through one
logistic head trained on labelled examples, so one threshold means the same in every language.

The title and lead weigh double in the document embedding; the rest of a long article is cut
into sentence windows rather than truncated: term evidence is read in all of them and the
windows with the most evidence are embedded. The reason given is one sentence: of the chunk
the head scores highest, the sentence with the most topic evidence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from extractors.furniture import strip_furniture
from extractors.records import TopicScore
from extractors.terms import TopicTerms, find_terms, implied_concepts

MAX_CHARS = 30_000
MAX_WINDOWS = 200
# Encoding is the cost: the lead and at most this many windows per document are embedded,
# and a window only when it names one of the core concepts (most news names none).
EMBEDDED_WINDOWS = 1
WINDOW_WORDS = 60
LEAD_WEIGHT = 2.0
MIN_LETTER_SHARE = 0.3
# A text without sentence punctuation is one "sentence": the reason shown is cut to this.
PASSAGE_CHARS = 400
TERM_FEATURES = (
    "russia",
    "georgia",
    "relations",
    "all_in_window",
    "all_in_lead",
    "window_share",
    "us_state",
    "third_in_lead",
)
_CORE = ("russia", "georgia", "relations")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+|\n+")


class Embedder(Protocol):
    ref: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Document:
    title: str
    text: str


@dataclass(frozen=True)
class Head:
    """Logistic-regression weights over [embedding, term features]."""

    model: str
    coef: tuple[float, ...]
    intercept: float

    def probability(self, features: np.ndarray) -> np.ndarray:
        logits = features @ np.asarray(self.coef, dtype=np.float64) + self.intercept
        result: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return result


@dataclass(frozen=True)
class Prepared:
    """A document cut into its lead and the windows worth embedding (``chunks``, each a run of
    sentences), with the concepts found in each chunk and in every window of the text,
    embedded or not."""

    chunks: tuple[tuple[str, ...], ...]
    chunk_hits: tuple[frozenset[str], ...]
    terms: dict[str, list[str]]
    window_hits: tuple[frozenset[str], ...]
    note: str | None


def prepare(doc: Document, terms: TopicTerms) -> Prepared:
    # Texts given raw (classify, eval, pasted pages) would otherwise open on navigation and
    # mastheads instead of their lead; extracted articles are stripped already.
    text = strip_furniture(doc.text[:MAX_CHARS])
    note = "text truncated for scoring" if len(doc.text) > MAX_CHARS else None
    full = f"{doc.title}\n{text}".strip()
    letters = sum(ch.isalpha() for ch in full)
    if letters == 0 or letters / len(full) < MIN_LETTER_SHARE:
        return Prepared((), (), {}, (), "no readable text")
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    lead = tuple(s for s in [doc.title.strip(), *sentences[:2]] if s)
    windows = [lead, *_windows(sentences[2:])]
    implied = implied_concepts(full, terms)
    found = [_with_implied(find_terms(" ".join(window), terms), implied) for window in windows]
    hits = tuple(frozenset(f) for f in found)
    relevant = _most_relevant(hits[1:], EMBEDDED_WINDOWS)
    chosen = [0, *(i + 1 for i in relevant if hits[i + 1] & set(_CORE))]
    merged: dict[str, dict[str, None]] = {}
    for window_terms in found:
        for concept, forms in window_terms.items():
            merged.setdefault(concept, {}).update(dict.fromkeys(forms))
    return Prepared(
        chunks=tuple(windows[i] for i in chosen),
        chunk_hits=tuple(hits[i] for i in chosen),
        terms={concept: list(forms) for concept, forms in merged.items()},
        window_hits=hits,
        note=note,
    )


def term_features(present: Collection[str], window_hits: Sequence[frozenset[str]]) -> np.ndarray:
    """Concepts present, all three in one window, in the lead, the share of windows about
    relations between the two, the US-state marker and a third country named in the lead."""
    core = set(_CORE)
    full_windows = [hits >= core for hits in window_hits]
    related = [len(hits & core) >= 2 and "relations" in hits for hits in window_hits]
    values = [
        *(float(concept in present) for concept in _CORE),
        float(any(full_windows)),
        float(bool(full_windows) and full_windows[0]),
        sum(related) / len(related) if related else 0.0,
        float("us_state" in present),
        float(bool(window_hits) and "third_country" in window_hits[0]),
    ]
    return np.asarray(values, dtype=np.float64)


def document_embedding(chunk_embeddings: np.ndarray) -> np.ndarray:
    weights = np.ones(len(chunk_embeddings))
    weights[0] = LEAD_WEIGHT
    mean = (chunk_embeddings * weights[:, None]).sum(axis=0)
    norm = np.linalg.norm(mean)
    result: np.ndarray = mean / norm if norm else mean
    return result


class TopicClassifier:
    """Scores documents in batches; the encoder is loaded once by the caller."""

    def __init__(self, encoder: Embedder, terms: TopicTerms, head: Head, threshold: float):
        self.encoder, self.terms, self.head, self.threshold = encoder, terms, head, threshold

    def features(self, docs: Sequence[Document]) -> tuple[list[Prepared], list[np.ndarray]]:
        """Per document: its preparation and a matrix whose row 0 is the document's features
        and whose other rows are each chunk's features."""
        prepared = [prepare(doc, self.terms) for doc in docs]
        flat = [" ".join(chunk) for p in prepared for chunk in p.chunks]
        embeddings = self.encoder.embed(flat)
        matrices, start = [], 0
        for p in prepared:
            chunk_emb = embeddings[start : start + len(p.chunks)]
            start += len(p.chunks)
            matrices.append(self._matrix(p, chunk_emb))
        return prepared, matrices

    def score(self, docs: Sequence[Document]) -> list[TopicScore]:
        prepared, matrices = self.features(docs)
        return [self._score(p, m) for p, m in zip(prepared, matrices, strict=True)]

    def _matrix(self, prepared: Prepared, chunk_emb: np.ndarray) -> np.ndarray:
        if not prepared.chunks:
            return np.zeros((0, 0))
        document = term_features(prepared.terms.keys(), prepared.window_hits)
        rows = [np.concatenate([document_embedding(chunk_emb), document])]
        # Each chunk on its own, as if it were a document, to find the passage behind a score.
        for hits, emb in zip(prepared.chunk_hits, chunk_emb, strict=True):
            rows.append(np.concatenate([emb, term_features(hits, (hits,))]))
        return np.vstack(rows)

    def _score(self, prepared: Prepared, matrix: np.ndarray) -> TopicScore:
        if not prepared.chunks:
            return TopicScore(0.0, False, "", (), self.encoder.ref, prepared.note)
        probabilities = self.head.probability(matrix)
        score = float(probabilities[0])
        passage = self._best_sentence(prepared.chunks[int(np.argmax(probabilities[1:]))])
        found = tuple(term for hits in prepared.terms.values() for term in hits)
        return TopicScore(
            round(score, 4),
            score >= self.threshold,
            passage,
            found,
            self.encoder.ref,
            prepared.note,
        )

    def _best_sentence(self, sentences: tuple[str, ...]) -> str:
        """The sentence naming most of the topic's concepts (the first of equals)."""

        def evidence(sentence: str) -> tuple[int, bool]:
            hits = find_terms(sentence, self.terms).keys()
            return (len(hits & set(_CORE)), "relations" in hits)

        best = max(sentences, key=evidence)
        return best if len(best) <= PASSAGE_CHARS else best[: PASSAGE_CHARS - 1] + "…"


def _with_implied(found: dict[str, list[str]], implied: list[str]) -> dict[str, list[str]]:
    """Add the concepts implied by the text's script, unless the window names a third country
    (then its relations are likely that country's)."""
    if "third_country" in found:
        return found
    for concept in implied:
        found.setdefault(concept, []).append(f"({concept} implied by script)")
    return found


def _most_relevant(hits: tuple[frozenset[str], ...], count: int) -> list[int]:
    """Indexes of the windows with the most topic evidence, in text order."""

    def weight(i: int) -> tuple[int, int, int]:
        return (len(hits[i] & set(_CORE)), "relations" in hits[i], -i)

    return sorted(sorted(range(len(hits)), key=weight, reverse=True)[:count])


def _windows(sentences: list[str]) -> list[tuple[str, ...]]:
    windows: list[tuple[str, ...]] = []
    current: list[str] = []
    for sentence in sentences:
        current.append(sentence)
        if sum(len(s.split()) for s in current) >= WINDOW_WORDS or len(current) == 3:
            windows.append(tuple(current))
            current = []
        if len(windows) == MAX_WINDOWS:
            return windows
    if current:
        windows.append(tuple(current))
    return windows
