"""Word-level evidence for telling close languages apart.

langdetect scores character n-grams, which short sentences share across neighbours
(Russian and Bulgarian, French and Catalan). Whole words settle most of those cases: a
sentence whose words are all common French is French. Frequencies come from wordfreq's
small lists (Wikipedia, subtitles, news and web text), loaded per language on first use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from wordfreq import get_frequency_dict

# Languages with a wordfreq list, by the script they are written in.
LISTED = {
    "LATIN": (
        "en", "fr", "de", "tr", "es", "it", "pt", "nl", "ca", "ro", "pl", "cs", "sk", "sl",
        "hu", "fi", "sv", "da", "nb", "id", "ms", "lt", "lv", "vi", "is",
    ),
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+")
_FLOOR = 1e-8


@dataclass(frozen=True)
class WordFit:
    """How well a text's words fit one language: mean log10 frequency and the share of
    words the language's list knows."""

    language: str
    log_frequency: float
    known: float


def words_of(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text)]


def fit(words: list[str], language: str) -> WordFit:
    table = _frequencies(language)
    frequencies = [table.get(word, 0.0) for word in words]
    if not frequencies:
        return WordFit(language, math.log10(_FLOOR), 0.0)
    mean_log = sum(math.log10(max(f, _FLOOR)) for f in frequencies) / len(frequencies)
    known = sum(f > 0 for f in frequencies) / len(frequencies)
    return WordFit(language, mean_log, known)


def best_fit(words: list[str], script: str) -> tuple[WordFit | None, dict[str, WordFit]]:
    """The listed language of ``script`` the words fit best (None when the script has no
    lists), and every listed language's fit."""
    fits = {language: fit(words, language) for language in LISTED.get(script, ())}
    return max(fits.values(), key=lambda f: f.log_frequency, default=None), fits


def unknown_to(words: list[str], language: str) -> list[str]:
    table = _frequencies(language)
    return [word for word in words if word not in table]


@cache
def _frequencies(language: str) -> dict[str, float]:
    return get_frequency_dict(language, wordlist="small")
