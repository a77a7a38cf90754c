"""Azerbaijani words Turkish's list lacks, told by their stems and endings.

Azerbaijani's stoplist holds a few thousand words; a two-word Azerbaijani title written
without ə, q or x ("Bu tapıntı", "Filosof üç") is mostly words it lacks, which langdetect
reads as Turkish. azstemmer's dictionary of 60,000 Azerbaijani headwords knows their stems.
A word is Azerbaijani evidence when it is such a stem followed by Azerbaijani endings in
vowel harmony, Turkish's list lacks it, and Turkish reads neither the word nor its stem:
Turkish shares most stems (bu, zaman, sonra) and most back-vowel endings (-lar, -da, -ın),
so only a stem Turkish does not write that way tells ("sayt", Turkish site; "sinif", Turkish
sınıf).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Container
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractors.words import WORD, Frequencies, listed_words, ranked_log_frequencies

# Ending templates: A is the two-way vowel, I the four-way one, Q the k of front and q of
# back vowels (Azerbaijani -lıq, -lik), G the ğ or y before a vowel (Azerbaijani -dığı,
# -diyi), D the d or t (Turkish -da, -ta), C the c or ç (-cı, -çı). Inflection and the
# commonest derivations, in no particular order.
_SHARED = (
    "lAr I yI nI In nIn A yA nA DA nDA DAn nDAn lA ylA m Im n mIz ImIz nIz InIz sI lArI "
    "DIr An yAn mIş Ar Ir DI sA mAlI Il Iş lAş lAn mAdAn lI sIz CI CA IcI ntI"
)
_AZERBAIJANI_ONLY = (
    "ki DAkI Am sAn IQ sInIz mAQ mAGA mA Ib ArAQ yArAQ AcAQ AcAGI yAcAQ DIQ DIGI DIQdA lIQ lIGI"
)
_TURKISH_ONLY = (
    "ki DAki sIn Iz sInIz mAk mA mAz Ip yIp ArAk yArAk AcAk AcAGI yAcAk DIk DIGI yor Iyor "
    "IncA ken lIk lIGI AbIl sAl"
)
# Each language's vowel classes: the values of A, I, Q and G within one ending.
_AZERBAIJANI_HARMONY = (
    {"A": "a", "I": "ıu", "Q": "q", "G": "ğ"},
    {"A": "ə", "I": "iü", "Q": "k", "G": "y"},
)
_TURKISH_HARMONY = (
    {"A": "a", "I": "ıu", "Q": "k", "G": "ğ"},
    {"A": "e", "I": "iü", "Q": "k", "G": "ğ"},
)
_CONSONANTS = {"AZ": {"D": "d", "C": "cç"}, "TR": {"D": "dt", "C": "cç"}}
_BACK, _FRONT = frozenset("aıou"), frozenset("əeiöü")
# Turkish writes t and ç for d and c after these (Turkish -ta, -çı; Azerbaijani -da, -çı).
_VOICELESS = frozenset("çfhkpsşt")
# A final q or k is written ğ or y before an ending that starts with a vowel (öndağlığı).
_SOFTENED = {"q": "ğ", "k": "y"}
# The shortest stem a word is read from: two letters fit nearly any word.
_SHORTEST_STEM = 3
# A Turkish word whose Turkish stem is at least this long is Turkish's (güldür-ücü), however
# an Azerbaijani dictionary also lists it.
_TURKISH_STEM = 4
# The most endings read after a stem.
_MOST_ENDINGS = 5
# A Turkish name's case ending after an apostrophe (Ağdam'da): Azerbaijani writes Ağdamda.
_APOSTROPHE_ENDING = re.compile(r"[^\W\d_]['’][^\W\d_]")


@dataclass(frozen=True)
class _Morphology:
    """One language's stems and endings: ``endings`` by their vowel class (None: no vowel)."""

    stems: Container[str]
    # Stems whose final q or k is softened (Azerbaijani only), read before a vowel alone.
    softened: frozenset[str]
    endings: dict[str, frozenset[str] | None]
    harmony: bool  # endings follow the stem's last vowel (read strictly for Azerbaijani)
    voicing: bool  # d/t and c/ç follow the letter before (Turkish)
    longest: int


def azerbaijani_words_outnumber(text: str) -> bool:
    """More of a short text's words are Azerbaijani evidence than are Turkish words that
    neither Azerbaijani's stoplist nor its dictionary with its endings reads. Evidence is
    read from words in lower case only: a capitalised word may be a name, which Turkish news
    prints in Azerbaijan's spelling (Laçın, Nicat), and the dictionary lists Azerbaijani
    names. A name with its ending after an apostrophe is Turkish spelling, and the text no
    evidence."""
    if _APOSTROPHE_ENDING.search(text):
        return False
    written = [word for word in WORD.findall(text) if len(word) == 1 or not word.isupper()]
    turkish = listed_words("tr")
    stoplist = ranked_log_frequencies("az")
    azerbaijani = turkish_only = 0
    for word in written:
        lowered = turkic_lower(word)
        if lowered not in turkish:
            azerbaijani += word[0].islower() and _azerbaijani_only(lowered)
        elif lowered not in stoplist and not _stem(lowered, _azerbaijani(), 2):
            turkish_only += 1
    return azerbaijani > turkish_only


def turkic_lower(word: str) -> str:
    """Lowered as Turkish and Azerbaijani write their capitals: I is ı, İ is i."""
    return word.replace("I", "ı").replace("İ", "i").lower()


def _azerbaijani_only(word: str) -> bool:
    """An Azerbaijani stem with Azerbaijani endings, longer than any Turkish stem the word
    reads from; neither the word nor its stem a Turkish stem of _TURKISH_STEM letters or more
    with Turkish endings (korundu is Turkish koru-n-du, not Azerbaijani korund-u)."""
    stem = _stem(word, _azerbaijani(), _SHORTEST_STEM)
    turkish = _stem(word, _turkish(), _SHORTEST_STEM)  # the longest Turkish stem
    return (
        stem > turkish
        and turkish < _TURKISH_STEM
        and word[:stem] not in _turkish().stems
        and not _stem(word[:stem], _turkish(), _TURKISH_STEM)
    )


def _stem(word: str, morphology: _Morphology, shortest: int) -> int:
    """The length of the longest start of ``word`` that is a stem and whose rest is
    endings; 0 where none is."""
    for length in range(len(word), shortest - 1, -1):
        stem = word[:length]
        known = stem in morphology.stems
        softened = not known and stem in morphology.softened
        if (known or softened) and _endings_fit(
            word, length, morphology, _last_vowel(stem), softened, 0
        ):
            return length
    return 0


def _endings_fit(
    word: str, at: int, morphology: _Morphology, vowel: str, softened: bool, count: int
) -> bool:
    """Whether ``word[at:]`` is a chain of endings, each in the vowel class of the vowel
    before it; after a softened stem the first ending starts with a vowel."""
    if at == len(word):
        return not softened
    if count == _MOST_ENDINGS:
        return False
    for end in range(at + 1, min(len(word), at + morphology.longest) + 1):
        ending = word[at:end]
        if ending not in morphology.endings:
            continue
        if softened and ending[0] not in _BACK | _FRONT:
            continue
        vowels = morphology.endings[ending]
        if morphology.harmony and vowels is not None and vowel and vowel not in vowels:
            continue
        if morphology.voicing and not _voiced_as_turkish(word[at - 1], ending):
            continue
        after = _last_vowel(ending) or vowel
        if _endings_fit(word, end, morphology, after, False, count + 1):
            return True
    return False


def _voiced_as_turkish(before: str, ending: str) -> bool:
    if ending[0] in "tç":
        return before in _VOICELESS
    if ending[0] in "dc":
        return before not in _VOICELESS
    return True


def _last_vowel(text: str) -> str:
    return next((ch for ch in reversed(text) if ch in _BACK or ch in _FRONT), "")


@cache
def _azerbaijani() -> _Morphology:
    headwords = _headwords()
    softened = frozenset(
        word[:-1] + _SOFTENED[word[-1]] for word in headwords if word[-1] in _SOFTENED
    )
    return _morphology(headwords, softened, "AZ")


@cache
def _turkish() -> _Morphology:
    return _morphology(_TurkishStems(listed_words("tr")), frozenset(), "TR")


class _TurkishStems:
    """Turkish's list and the roots of its verbs: the list holds kovmak and kovmuştu but not
    kov, which a form it lacks (kovmuş) is read from."""

    def __init__(self, listed: Frequencies | dict[str, float]) -> None:
        self._listed = listed
        words = listed.keys() if isinstance(listed, dict) else ()  # a small list: a dict
        self._roots = frozenset(
            word[:-3] for word in words if word.endswith(("mak", "mek")) and len(word) > 4
        )

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self._listed or word in self._roots)


def _morphology(stems: Container[str], softened: frozenset[str], language: str) -> _Morphology:
    own = _AZERBAIJANI_ONLY if language == "AZ" else _TURKISH_ONLY
    classes = _AZERBAIJANI_HARMONY if language == "AZ" else _TURKISH_HARMONY
    endings: dict[str, frozenset[str] | None] = {}
    for template in (_SHARED + " " + own).split():
        for letters in classes:
            vowels = _BACK if letters["A"] == "a" else _FRONT
            for ending in _spelled(template, letters | _CONSONANTS[language]):
                endings[ending] = vowels if _last_vowel(ending) else None
    turkish = language == "TR"
    return _Morphology(stems, softened, endings, not turkish, turkish, max(map(len, endings)))


def _spelled(template: str, letters: dict[str, str]) -> list[str]:
    choices = [letters.get(ch, ch) for ch in template]
    return ["".join(spelling) for spelling in itertools.product(*choices)]


@cache
def _headwords() -> frozenset[str]:
    """azstemmer's headwords, read from the package's data, not through its module, which
    imports the deprecated pkg_resources."""
    spec = importlib.util.find_spec("azstemmer")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("azstemmer is not installed: pip install azstemmer")
    path = Path(next(iter(spec.submodule_search_locations))) / "azwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())
