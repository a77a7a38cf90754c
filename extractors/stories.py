"""Which articles are one story: the same report reprinted by several outlets, or carried
under another URL. Two articles are one story when their titles read the same once the
outlet's name and punctuation are gone, or when most of their text's word triples match
(MinHash, so a story is compared by a short signature, not its whole text).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 3
SIGNATURE_SIZE = 64
# Estimated share of shared word triples from which two texts are one story: reprints keep
# the body and change the furniture around it.
SAME_TEXT_SHARE = 0.5
# Shorter texts share triples by chance of wording, not of copying: titles decide alone.
MIN_WORDS = 40
_PRIME = (1 << 31) - 1
_RANDOM = np.random.default_rng(20261201)
_A = _RANDOM.integers(1, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
_B = _RANDOM.integers(0, _PRIME, SIGNATURE_SIZE, dtype=np.uint64)
_WORD = re.compile(r"\w+")
# "Title - Outlet", "Outlet | Title", "Title — Outlet": the outlet's part is dropped.
_OUTLET_SEPARATOR = re.compile(r"\s+[-|–—:]\s+")


@dataclass(frozen=True)
class StoryKey:
    """What an article is compared by: its normalized title and its text's signature
    (empty when the text is too short to compare)."""

    title: str
    signature: tuple[int, ...]


def story_key(title: str, text: str, outlet: str = "") -> StoryKey:
    return StoryKey(normalized_title(title, outlet), signature(text))


def normalized_title(title: str, outlet: str = "") -> str:
    """Lower-case words of the title without the outlet's name part."""
    parts = _OUTLET_SEPARATOR.split(unicodedata.normalize("NFKC", title))
    name = _words(outlet)
    kept = [p for p in parts if not name or _words(p) != name] if len(parts) > 1 else parts
    return " ".join(_words(" ".join(kept)))


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


def same_story(a: StoryKey, b: StoryKey) -> bool:
    if a.title and a.title == b.title:
        return True
    return text_share(a, b) >= SAME_TEXT_SHARE


def text_share(a: StoryKey, b: StoryKey) -> float:
    """Estimated share of word triples the two texts have in common (0 when either is short)."""
    if not a.signature or len(a.signature) != len(b.signature):
        return 0.0
    return sum(x == y for x, y in zip(a.signature, b.signature, strict=True)) / len(a.signature)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _hash32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")
