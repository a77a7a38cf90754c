"""Topic scoring: a multilingual transformer reads the article in windows and a trained head
decides; term evidence only gates (a text that does not name both Russia and Georgia, in any
language the topic file lists, is not read) and names the evidence for and against.

Each window is the title followed by a run of sentences, so a window from paragraph three
still knows what the article is about; the first window is the title and lead. The document's
score is its best window's, calibrated: a long piece about something else with one paragraph
on the topic scores below a piece that is about it throughout, because its windows carry a
title about something else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from extractors.furniture import strip_furniture
from extractors.lede import same_as_title
from extractors.records import TopicScore
from extractors.terms import TopicTerms, find_terms, fold_case, implied_concepts

MAX_CHARS = 30_000
# A window holds sentences up to this many characters (about 100-180 tokens in the desk's
# languages, under the encoder's token limit with the title in front).
WINDOW_CHARS = 480
# Windows read beyond the lead, those with most evidence: the encoder is the cost.
EXTRA_WINDOWS = 1
MIN_LETTER_SHARE = 0.3
PASSAGE_CHARS = 400
# Evidence is listed in this order of concepts: what relations the text speaks of says more
# than that it names the two countries, which every text read does.
FOR = ("relations", "russia", "georgia")
AGAINST = ("us_state", "third_country")
# Inflections of one word ("normalize", "normalizing"; "грузии", "грузией") are listed once:
# forms whose words begin alike for this many letters.
STEM_LETTERS = 5
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?؟。։])\s+|\n+")


class Embedder(Protocol):
    ref: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Document:
    """``language`` (detected, ISO 639-1 or "und") picks the centroid a lead is compared
    by (TopicScore.vector); the score does not depend on it."""

    title: str
    text: str
    language: str = "und"


@dataclass(frozen=True)
class Head:
    """A small network over a window's embedding: ReLU hidden layers, then one logit.
    ``scale`` and ``shift`` calibrate the logit into a probability."""

    model: str
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    scale: float = 1.0
    shift: float = 0.0
    # The mean lead-window embedding of the positive training documents in each language
    # ("": all languages): what every report on the topic in that language shares, taken off
    # a lead before stories are compared by it (empty: heads saved without them, whose leads
    # are not compared).
    centroids: dict[str, np.ndarray] = field(default_factory=dict)

    def logits(self, embeddings: np.ndarray) -> np.ndarray:
        x = embeddings.astype(np.float64)
        for index, (weight, bias) in enumerate(self.layers):
            x = x @ weight + bias
            if index < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        result: np.ndarray = x.reshape(-1)
        return result

    def probability(self, logits: np.ndarray) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + np.exp(-(logits * self.scale + self.shift)))
        return result


@dataclass(frozen=True)
class Window:
    """What the encoder reads (``text``: title and sentences) and the sentences alone."""

    text: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    """The windows to read (none: the text does not name both countries), the evidence
    terms found anywhere in the text, for and against (each strongest first), and the title
    (which is never the passage)."""

    windows: tuple[Window, ...]
    evidence_for: tuple[str, ...]
    evidence_against: tuple[str, ...]
    note: str | None
    title: str = ""


def prepare(doc: Document, terms: TopicTerms) -> Prepared:
    # Texts given raw (classify, eval, pasted pages) would otherwise open on navigation and
    # mastheads; extracted articles are stripped already.
    text = strip_furniture(doc.text[:MAX_CHARS])
    note = "text truncated for scoring" if len(doc.text) > MAX_CHARS else None
    title = " ".join(doc.title.split())
    full = f"{title}\n{text}".strip()
    letters = sum(ch.isalpha() for ch in full)
    if letters == 0 or letters / len(full) < MIN_LETTER_SHARE:
        return Prepared((), (), (), "no readable text")
    found = find_terms(full, terms)
    for concept in implied_concepts(full, terms):
        found.setdefault(concept, []).append(f"({concept} implied by script)")
    words = _WORD.findall(fold_case(full))
    evidence_for = tuple(t for c in FOR for t in _ranked(found.get(c, []), words))
    evidence_against = tuple(t for c in AGAINST for t in _ranked(found.get(c, []), words))
    if not {"russia", "georgia"} <= found.keys():
        return Prepared((), evidence_for, evidence_against, note or "does not name both countries")
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    runs = _runs(sentences) or [()]
    chosen = [0, *_most_relevant(runs, terms)]
    windows = tuple(_window(title, runs[i]) for i in chosen)
    return Prepared(windows, evidence_for, evidence_against, note, title)


def _ranked(forms: list[str], words: list[str]) -> list[str]:
    """A concept's matched forms, the most often named first (the first found of equals),
    each word's inflections once, under its most frequent form. A form such as "(georgia
    implied by script)" is named nowhere and comes last."""
    stems: dict[tuple[str, ...], Counter[str]] = {}
    for form in forms:
        stem = tuple(word[:STEM_LETTERS] for word in form.split())
        stems.setdefault(stem, Counter())[form] = _times(form.split(), words)
    ranked = sorted(stems.values(), key=lambda group: -group.total())
    return [group.most_common(1)[0][0] for group in ranked]


def _times(phrase: list[str], words: list[str]) -> int:
    """How often the words of ``phrase`` stand one after another in ``words``."""
    size = len(phrase)
    return sum(words[i : i + size] == phrase for i, w in enumerate(words) if w == phrase[0])


def _window(title: str, sentences: tuple[str, ...]) -> Window:
    body = " ".join(sentences)
    text = f"{title}\n{body}" if title and body else title or body
    return Window(text, sentences)


def _runs(sentences: list[str]) -> list[tuple[str, ...]]:
    """Consecutive sentences grouped up to WINDOW_CHARS; a longer sentence is cut at spaces
    into pieces of that size (a text without punctuation is one long "sentence")."""
    runs: list[tuple[str, ...]] = []
    current: list[str] = []
    for sentence in (piece for s in sentences for piece in _pieces(s)):
        if current and sum(map(len, current)) + len(sentence) > WINDOW_CHARS:
            runs.append(tuple(current))
            current = []
        current.append(sentence)
    if current:
        runs.append(tuple(current))
    return runs


def _pieces(sentence: str) -> list[str]:
    if len(sentence) <= WINDOW_CHARS:
        return [sentence]
    pieces, current = [], ""
    for word in sentence.split(" "):
        if current and len(current) + len(word) >= WINDOW_CHARS:
            pieces.append(current)
            current = ""
        current = f"{current} {word}" if current else word[: WINDOW_CHARS * 2]
    return [*pieces, current] if current else pieces


def _most_relevant(runs: list[tuple[str, ...]], terms: TopicTerms) -> list[int]:
    """Indexes of up to EXTRA_WINDOWS runs after the first that name at least two of Russia,
    Georgia and relations, those naming most first; returned in text order."""
    weights = []
    for index, run in enumerate(runs[1:], start=1):
        hits = find_terms(" ".join(run), terms).keys() & set(FOR)
        if len(hits) >= 2:
            weights.append((len(hits), -index, index))
    return sorted(index for *_, index in sorted(weights, reverse=True)[:EXTRA_WINDOWS])


class TopicClassifier:
    """Scores documents in batches; the encoder is loaded once by the caller."""

    def __init__(self, encoder: Embedder, terms: TopicTerms, head: Head, threshold: float):
        self.encoder, self.terms, self.head, self.threshold = encoder, terms, head, threshold

    def embed(self, docs: Sequence[Document]) -> tuple[list[Prepared], list[np.ndarray]]:
        """Per document: its preparation and the embeddings of its windows (one row each)."""
        prepared = [prepare(doc, self.terms) for doc in docs]
        embeddings = self.encoder.embed([w.text for p in prepared for w in p.windows])
        matrices, start = [], 0
        for p in prepared:
            matrices.append(embeddings[start : start + len(p.windows)])
            start += len(p.windows)
        return prepared, matrices

    def score(self, docs: Sequence[Document]) -> list[TopicScore]:
        """The lead windows first; a document's further window is read only when its lead
        does not already reach the threshold (its score is the best window read)."""
        prepared = [prepare(doc, self.terms) for doc in docs]
        read = [i for i, p in enumerate(prepared) if p.windows]
        vectors = self.encoder.embed([prepared[i].windows[0].text for i in read])
        leads = self.head.logits(vectors)
        logits = {i: [float(v)] for i, v in zip(read, leads, strict=True)}
        languages = [docs[i].language for i in read]
        lead_vectors = dict(zip(read, self._story_vectors(vectors, languages), strict=True))
        below = self.head.probability(leads) < self.threshold
        more = [
            i for i, low in zip(read, below, strict=True) if low and len(prepared[i].windows) > 1
        ]
        texts = [w.text for i in more for w in prepared[i].windows[1:]]
        further = iter(self.head.logits(self.encoder.embed(texts)).tolist())
        for i in more:
            logits[i] += [next(further) for _ in prepared[i].windows[1:]]
        return [
            self._score(p, np.asarray(logits.get(i, [])), lead_vectors.get(i, b""))
            for i, p in enumerate(prepared)
        ]

    def _story_vectors(self, leads: np.ndarray, languages: list[str]) -> list[bytes]:
        """Each lead's embedding less its language's centroid (else all languages'),
        normalized, as float16 bytes; none without centroids."""
        centroids = self.head.centroids
        if "" not in centroids or not languages:
            return [b""] * len(leads)
        rest = leads - np.stack([centroids.get(lang, centroids[""]) for lang in languages])
        rest /= np.maximum(np.linalg.norm(rest, axis=1, keepdims=True), 1e-9)
        return [row.astype(np.float16).tobytes() for row in rest]

    def _score(self, prepared: Prepared, logits: np.ndarray, vector: bytes) -> TopicScore:
        if not len(logits):
            return TopicScore(
                0.0,
                False,
                "",
                prepared.evidence_for,
                self.encoder.ref,
                prepared.note,
                prepared.evidence_against,
            )
        best = int(np.argmax(logits))
        score = float(self.head.probability(logits[best : best + 1])[0])
        return TopicScore(
            round(score, 4),
            score >= self.threshold,
            self._passage(prepared.windows[best].sentences, prepared.title),
            prepared.evidence_for,
            self.encoder.ref,
            prepared.note,
            prepared.evidence_against,
            vector,
        )

    def _passage(self, sentences: tuple[str, ...], title: str) -> str:
        """Of the window the score comes from, the sentence naming most of the topic's
        concepts (the first of equals); never the headline, which the reader has (a text that
        opens by repeating it, or a title read alone, gives no passage of its own)."""
        sentences = tuple(s for s in sentences if not same_as_title(s, title))

        def evidence(sentence: str) -> tuple[int, bool]:
            hits = find_terms(sentence, self.terms).keys()
            return (len(hits & set(FOR)), "relations" in hits)

        best = max(sentences, key=evidence, default="")
        return best if len(best) <= PASSAGE_CHARS else best[: PASSAGE_CHARS - 1] + "…"
