"""Azerbaijani words Turkish's list lacks, told by their stems and endings.

Azerbaijani's stoplist holds a few thousand words; a two-word Azerbaijani title written
without ə, q or x ("Bu tapıntı", "Filosof üç") is mostly words it lacks, which langdetect
reads as Turkish. azstemmer's dictionary of 60,000 Azerbaijani headwords knows their stems.
A word is Azerbaijani evidence when it is such a stem followed by Azerbaijani endings,
Turkish's list lacks it, and no longer Turkish stem with Turkish endings explains it: Turkish
shares most stems (bu, zaman, sonra) and most back-vowel endings (-lar, -da, -ın), so only a
stem Turkish does not write that way tells ("sayt", Turkish site; "sinif", Turkish sınıf).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Container
from functools import cache
from pathlib import Path

from extractors.words import Frequencies, listed_words, ranked_log_frequencies

# Ending templates: A is the two-way vowel, I the four-way one, Q the k of front and q of
# back vowels (Azerbaijani -lıq, -lik), G the ğ or y before a vowel (Azerbaijani -dığı,
# -diyi), D the d or t (Turkish -da, -ta), C the c or ç (-cı, -çı). Inflection and the
# commonest derivations, in no particular order: a chain of them is read as endings.
_SHARED = (
    "lAr I yI nI In nIn A yA nA DA nDA DAn nDAn lA ylA m Im n mIz ImIz nIz InIz sI lArI "
    "DIr An yAn mIş Ar Ir DI sA mAlI Il Iş lAş lAn mAdAn lI sIz CI CA y"
)
_AZERBAIJANI_ONLY = "ki DAkI Am sAn IQ sInIz mAQ mA Ib ArAQ yArAQ AcAQ yAcAQ DIQ DIGI DIQdA IcI lIQ"
_TURKISH_ONLY = (
    "ki DAki sIn Iz sInIz mAk mA Ip yIp ArAk yArAk AcAk yAcAk DIk DIGI yor Iyor IncA ken lIk"
)
# Each language's vowel classes: the values of A, I, Q and G within one ending, and of D and C.
_AZERBAIJANI_HARMONY = (
    {"A": "a", "I": "ıu", "Q": "q", "G": "ğ"},
    {"A": "ə", "I": "iü", "Q": "k", "G": "y"},
)
_TURKISH_HARMONY = (
    {"A": "a", "I": "ıu", "Q": "k", "G": "ğ"},
    {"A": "e", "I": "iü", "Q": "k", "G": "ğ"},
)
_CONSONANTS = {"AZ": {"D": "d", "C": "cç"}, "TR": {"D": "dt", "C": "cç"}}
_SOFTENED = {"q": "ğ", "k": "y"}
# The shortest stem a word is read from: two letters fit nearly any word.
_SHORTEST_STEM = 3


def azerbaijani_words_outnumber(words: list[str]) -> bool:
    """More of the (lower-case) words are Azerbaijani evidence than are Turkish words that
    neither Azerbaijani's stoplist nor its dictionary with its endings can read."""
    turkish = listed_words("tr")
    stoplist = ranked_log_frequencies("az")
    azerbaijani = turkish_only = 0
    for word in words:
        if word not in turkish:
            azerbaijani += _azerbaijani_only(word)
        elif word not in stoplist and not _stem(word, _headwords(), _endings("AZ"), 2):
            turkish_only += 1
    return azerbaijani > turkish_only


def _azerbaijani_only(word: str) -> bool:
    stem = _stem(word, _headwords(), _endings("AZ"), _SHORTEST_STEM)
    turkish = listed_words("tr")
    return (
        bool(stem)
        and stem > _stem(word, turkish, _endings("TR"), _SHORTEST_STEM)
        and (word[:stem] not in turkish)
    )


def _stem(
    word: str, stems: Container[str] | Frequencies, endings: re.Pattern[str], shortest: int
) -> int:
    """The length of the longest start of ``word`` in ``stems`` whose rest is endings; 0
    where none is."""
    for length in range(len(word), shortest - 1, -1):
        if word[:length] in stems and endings.fullmatch(word, length):
            return length
    return 0


@cache
def _endings(language: str) -> re.Pattern[str]:
    own = _AZERBAIJANI_ONLY if language == "AZ" else _TURKISH_ONLY
    harmony = _AZERBAIJANI_HARMONY if language == "AZ" else _TURKISH_HARMONY
    consonants = _CONSONANTS[language]
    endings = {
        ending
        for template in (_SHARED + " " + own).split()
        for vowels in harmony
        for ending in _spelled(template, vowels | consonants)
    }
    alternatives = "|".join(sorted(endings, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})*")


def _spelled(template: str, letters: dict[str, str]) -> list[str]:
    choices = [letters.get(ch, ch) for ch in template]
    return ["".join(spelling) for spelling in itertools.product(*choices)]


@cache
def _headwords() -> frozenset[str]:
    """azstemmer's headwords, with a final q or k as it is written before a vowel (öndağlıq,
    öndağlığı; çiçək, çiçəyi). Read from the package's data, not through its module, which
    imports the deprecated pkg_resources."""
    spec = importlib.util.find_spec("azstemmer")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("azstemmer is not installed: pip install azstemmer")
    path = Path(next(iter(spec.submodule_search_locations))) / "azwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    words = {line.strip() for line in lines if line.strip()}
    softened = {word[:-1] + _SOFTENED[word[-1]] for word in words if word[-1] in _SOFTENED}
    return frozenset(words | softened)
