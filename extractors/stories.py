"""Which articles are one story: the same report reprinted by several outlets, or carried
under another URL, or the same event reported in another language. Two articles are one
story when their titles read the same once the outlet's name and punctuation are gone, when
most of their text's word triples match (MinHash, so a story is compared by a short
signature, not its whole text), or when their leads tell the same: the multilingual
encoder's embeddings of title and lead, each less what every report on the topic in its language
shares (the classifier's centroids), point the same way, and more so where the two name the
same people and places, less where they name others (``name_keys``), and less the further
apart in time they were published. Two stories whose leads are on average that alike are
one: a report that came before the ones nearest to it had begun a story of its own.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

import numpy as np

from extractors.name_keys import name_keys, name_overlap, name_weights

SHINGLE_WORDS = 3
SIGNATURE_SIZE = 64
# Estimated share of shared word triples from which two texts are one story: reprints keep
# the body and change the furniture around it.
SAME_TEXT_SHARE = 0.5
# Shorter texts share triples by chance of wording, not of copying: titles decide alone.
MIN_WORDS = 40
# Cosine of two leads' embeddings, each less its language's centroid, from which they report
# one event. What remains still says more within one language than across two, so two
# languages need less. Chosen on the development reports of seeds/stories/dev*.jsonl (60
# reports of 12 events): bars of 0.45-0.60 within a language and 0.30-0.36 across languages
# grouped them with pairwise F1 0.95-0.99 (docs/benchmarks.md); these are the middles.
SAME_EVENT = 0.50
SAME_EVENT_ACROSS_LANGUAGES = 0.32
# Two leads' names move that cosine by NAMES_WEIGHT times how far their weighted overlap
# (0 to under 1) is above NAMES_EXPECTED. Chosen on the same development reports: weights
# of 0.2-0.3 with 0.1-0.15 gave the same grouping (pairwise F1 0.916 against 0.843 without
# names), higher weights or 0.05 a worse one; the middle weight was taken.
NAMES_WEIGHT = 0.25
NAMES_EXPECTED = 0.1
# Reports of one event come within hours of one another; a report days later that reads
# alike is more often the next event of its kind (another release at the boundary line).
# Each day between two leads' publication beyond SAME_DAY lowers their cosine by
# APART_PER_DAY; SAME_DAY spares a morning's and an evening's report, and a page that gives
# its date as the day alone. Chosen on the development reports, where 0.05-0.1 a day
# beyond half a day grouped them alike (docs/benchmarks.md); near the middle.
APART_PER_DAY = 0.08
SAME_DAY = 0.5
# How many nearest leads a lead's usual margin is read from (``local_margins``). On the
# development reports, pairs of one event stood apart from the rest best with 8 to 12
# (pairwise F1 0.944-0.958 from 5 to 20, 0.898 without); the middle was taken.
NEIGHBOURS = 10
# Stories are joined by local margins only where their leads are on average no further than
# this below the pair's bar: in a window of unrelated reports, the relatively nearest pair
# is still far. On the development reports floors from -0.2 down changed nothing (-0.15 cost
# recall); on the real news of ../shared/data/topic (sparse windows, read as development)
# settling (local bar 0) without a floor joined 128 pairs of reports the joining by arrival
# had not, many of different events (Moscow's Santa Claus wages with mandarin prices), with
# -0.25 76, with -0.2 51, nearly all one developing story.
FLOOR = -0.2
# How far above the two leads' usual margins a pair's local margin must be on average. At 0,
# `test-k` (read as development since) had two pairs of different events joined: the
# Rosselkhoznadzor's ban of one Georgian fruit and its approval of honey producers a day
# later, and two reports that no other report covered. 0.03-0.045 joined none there, at the
# cost of one `test-c` report (recall 1.000 to 0.947) and, from 0.04, some of `test-k`'s
# recall; scored pair by pair, the development reports had stood apart best at 0.042.
LOCAL_BAR = 0.03
_PRIME = (1 << 31) - 1
_RANDOM = np.random.default_rng(20261201)
_A = _RANDOM.integers(1, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
_B = _RANDOM.integers(0, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
_WORD = re.compile(r"\w+")
T = TypeVar("T")
# "Title - Outlet", "Outlet | Title", "Title — Outlet": the outlet's part is dropped.
_OUTLET_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")


@dataclass(frozen=True)
class StoryKey:
    """What an article is compared by: its normalized title, its text's signature (empty
    when the text is too short to compare), its lead's vector (float16 bytes of
    TopicScore.vector; empty when none was made), the names its lead gives, when it was
    published (None: unknown), and the keys of its words that may be names (Georgian and
    Arabic write no capitals to tell)."""

    title: str
    signature: tuple[int, ...]
    vector: bytes = b""
    language: str = "und"
    names: frozenset[str] = frozenset()
    published: datetime | None = None
    uncertain_names: frozenset[str] = frozenset()


def story_key(
    title: str,
    text: str,
    outlet: str = "",
    vector: bytes = b"",
    language: str = "und",
    published: datetime | None = None,
) -> StoryKey:
    names, uncertain = report_names(title, text, outlet, language)
    return StoryKey(
        normalized_title(title, outlet),
        signature(text),
        vector,
        language,
        names,
        published,
        uncertain,
    )


def report_names(
    title: str, text: str, outlet: str, language: str
) -> tuple[frozenset[str], frozenset[str]]:
    """The name keys of a report's headline (its outlet's name left out) and lead, and the
    keys of its words that may be names."""
    return name_keys(_headline(title, outlet), text, language)


def normalized_title(title: str, outlet: str = "") -> str:
    """Lower-case words of the title without the outlet's name part."""
    return " ".join(_words(_headline(title, outlet)))


def _headline(title: str, outlet: str) -> str:
    parts = _OUTLET_SEPARATOR.split(unicodedata.normalize("NFKC", title))
    name = _words(outlet)
    kept = [p for p in parts if not name or _words(p) != name] if len(parts) > 1 else parts
    return " ".join(kept)


def signature(text: str) -> tuple[int, ...]:
    """MinHash of the text's word triples; empty below MIN_WORDS words."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return ()
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    hashes = np.fromiter(
        (_hash32(s) for s in shingles), dtype=np.uint64, count=len(shingles)
    ).reshape(-1, 1)
    permuted = (hashes * _A + _B) % _PRIME
    return tuple(int(v) for v in permuted.min(axis=0))


def same_copy(a: StoryKey, b: StoryKey) -> bool:
    """The same report: the same title, or mostly the same text."""
    if a.title and a.title == b.title:
        return True
    return text_share(a, b) >= SAME_TEXT_SHARE


def lead_margin(
    a: StoryKey, b: StoryKey, weight: Callable[[str], float] = lambda key: 1.0
) -> float:
    """How far the two leads' cosine, moved by the names they share (each name's ``weight``)
    and lowered by the days between them, is above the bar for their languages (negative:
    below it, or either lacks a vector); an undetermined language counts as another
    language."""
    if not a.vector or len(a.vector) != len(b.vector):
        return -1.0
    x = np.frombuffer(a.vector, dtype=np.float16).astype(np.float32)
    y = np.frombuffer(b.vector, dtype=np.float16).astype(np.float32)
    cosine = float(x @ y / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-9))
    one_language = a.language == b.language != "und"
    if a.names and b.names:
        cosine += NAMES_WEIGHT * (name_overlap(a.names, b.names, weight) - NAMES_EXPECTED)
    if a.published and b.published:
        days = abs((a.published - b.published).total_seconds()) / 86400
        cosine -= APART_PER_DAY * max(days - SAME_DAY, 0.0)
    return cosine - (SAME_EVENT if one_language else SAME_EVENT_ACROSS_LANGUAGES)


def closest_story(key: StoryKey, stories: Sequence[tuple[T, Sequence[StoryKey]]]) -> T | None:
    """Of the stories (each with the keys of its articles), the first that shares the key's
    title or text, else the one whose leads are furthest above their bars, counted halfway
    between the nearest lead and the leads' average; names weigh by how few of these
    articles give them. A word that may be a name (Georgian,
    Arabic) is one where a capitalised word of any of these articles gives its key: სამარა
    where a report writes Samara or Самара, not the word for a permit two Georgian reports
    share; a story's Georgian report whose Kazan is confirmed so is told from a Samara one."""
    for story, keys in stories:
        if any(same_copy(key, k) for k in keys):
            return story
    named, weight = _names_read([key], stories)
    report = _with_names(key, named)
    leads = [[_with_names(k, named) for k in keys if k.vector] for _, keys in stories]
    margin, index = max(
        ((_story_margin(report, mine, weight), i) for i, mine in enumerate(leads) if mine),
        default=(-1.0, -1),
    )
    return stories[index][0] if margin >= 0 else None


def _story_margin(
    report: StoryKey, leads: Sequence[StoryKey], weight: Callable[[str], float]
) -> float:
    """Halfway between the report's margin to the story's nearest lead and its average
    margin to the story's leads: a report of another event near one of the story's (one that
    mentions this event, or reads alike by chance) does not carry it into the story."""
    margins = [lead_margin(report, lead, weight) for lead in leads]
    return (max(margins) + sum(margins) / len(margins)) / 2


def stories_of_one_event(
    keys: Sequence[StoryKey], stories: Sequence[tuple[T, Sequence[StoryKey]]]
) -> list[T]:
    """Of the other stories, those whose leads are on average as near the leads of ``keys``
    (a story that has just gained a report) as the bar asks of one pair: a story split by
    the order its reports came in, where a report that came before the ones nearest to it
    began a story of its own. The average, not the nearest pair: a neighbouring event of the
    same day has a report or two near this story's, not all of them."""
    named, weight = _names_read(keys, stories)
    mine = [_with_names(k, named) for k in keys if k.vector]
    found = []
    for story, others in stories:
        theirs = [_with_names(k, named) for k in others if k.vector]
        margins = [lead_margin(a, b, weight) for a in mine for b in theirs]
        if margins and sum(margins) / len(margins) >= 0:
            found.append(story)
    return found


def pair_margins(
    leads: Sequence[StoryKey], weight: Callable[[str], float], rows: int | None = None
) -> np.ndarray:
    """``lead_margin`` of each of the first ``rows`` leads (all by default) with every lead,
    0 with itself; a margin that is no number (a broken vector) counts as -1."""
    count = len(leads)
    rows = count if rows is None else rows
    margins = np.zeros((rows, count))
    for i in range(rows):
        for j in range(i + 1, count):
            margin = lead_margin(leads[i], leads[j], weight)
            margins[i, j] = margin if math.isfinite(margin) else -1.0
            if j < rows:
                margins[j, i] = margins[i, j]
    return margins


def local_margins(margins: np.ndarray) -> np.ndarray:
    """The margins among the leads of the rows (whose first columns are those leads), each
    less the mean of the two leads' usual margins (a lead's NEIGHBOURS highest margins to
    all the others, summed over NEIGHBOURS: with fewer others, the missing count as 0).
    The encoder reads some reports as alike to every report on the topic and others (in a
    language it knows less) as alike to none; a pair is one event when it is more alike
    than its two reports usually are to their nearest ones (the local scaling that
    cross-language nearest-neighbour retrieval uses against such hubs)."""
    rows = len(margins)
    others = margins.copy()
    others[np.arange(rows), np.arange(rows)] = -np.inf
    nearest = -np.sort(-others, axis=1)[:, :NEIGHBOURS]
    usual: np.ndarray = np.where(np.isfinite(nearest), nearest, 0.0).sum(axis=1) / NEIGHBOURS
    scaled: np.ndarray = margins[:, :rows] - (usual[:, None] + usual[None, :]) / 2
    return scaled


def one_event_groups(
    settled: Sequence[tuple[T, Sequence[StoryKey]]],
    unsettled: Sequence[StoryKey],
    fresh: Collection[T] | None = None,
) -> list[list[T]]:
    """The groups of two or more settled stories (each with its articles' keys) that report
    one event: from the stories as they are, the two groups whose leads' local margins are
    highest on average are joined, as long as that average is at or above LOCAL_BAR and their
    own margins' average at or above FLOOR (average linkage), and one of the two holds a
    ``fresh`` story (default: all), one not weighed before: stories weighed together once
    are not weighed again as their neighbours change. The leads of stories not settled yet
    count only in each lead's usual margin; names weigh by how few of all these leads give
    them."""
    leads = [[k for k in keys if k.vector] for _, keys in settled]
    named, weight = _names_read(
        unsettled, [(story, keys) for (story, _), keys in zip(settled, leads, strict=True)]
    )
    mine = [k for keys in leads for k in keys]
    pool = [_with_names(k, named) for k in (*mine, *unsettled)]
    rows = pair_margins(pool, weight, len(mine))
    local, own = local_margins(rows), rows[:, : len(mine)]
    ends = np.cumsum([0, *(len(keys) for keys in leads)])
    new = [fresh is None or story in fresh for story, _ in settled]
    groups = [[i] for i, keys in enumerate(leads) if keys]
    while len(groups) > 1:
        membership = np.zeros((len(mine), len(groups)))
        for g, stories in enumerate(groups):
            for i in stories:
                membership[ends[i] : ends[i + 1], g] = 1
        pairs = np.outer(*(2 * [membership.sum(axis=0)]))
        average = membership.T @ local @ membership / pairs
        average[membership.T @ own @ membership / pairs < FLOOR] = -np.inf
        weighed = np.array([any(new[i] for i in stories) for stories in groups])
        average[~(weighed[:, None] | weighed[None, :])] = -np.inf
        np.fill_diagonal(average, -np.inf)
        a, b = sorted(np.unravel_index(int(np.argmax(average)), average.shape))
        if not average[a, b] >= LOCAL_BAR:
            break
        groups[a] += groups.pop(b)
    return [[settled[i][0] for i in stories] for stories in groups if len(stories) > 1]


def _names_read(
    keys: Sequence[StoryKey], stories: Sequence[tuple[T, Sequence[StoryKey]]]
) -> tuple[frozenset[str], Callable[[str], float]]:
    """The names the keys and the stories' leads give, and the weight of each name among
    those leads."""
    leads = [*keys, *(k for _, others in stories for k in others if k.vector)]
    named = frozenset().union(*(k.names for k in leads))
    return named, name_weights(_with_names(k, named).names for k in leads)


def _with_names(key: StoryKey, named: frozenset[str]) -> StoryKey:
    """The key with those of its uncertain names that ``named`` holds among its names."""
    return replace(key, names=key.names | (key.uncertain_names & named))


def text_share(a: StoryKey, b: StoryKey) -> float:
    """Estimated share of word triples the two texts have in common (0 when either is short)."""
    if not a.signature or len(a.signature) != len(b.signature):
        return 0.0
    return sum(x == y for x, y in zip(a.signature, b.signature, strict=True)) / len(a.signature)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _hash32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")
