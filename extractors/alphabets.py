"""Which letters each language writes, per script: evidence that needs no statistics.

A Kazakh text with қ or ұ cannot be Russian, a Belarusian one with ў cannot be Ukrainian,
an Urdu one with ے cannot be Persian. ``ALPHABETS`` lists every lowercase letter a language
writes (a letter outside it counts against the language); ``MARKERS`` lists the letters
that show a language and how often they come (per 100 letters of running text), so that
their absence from a long text counts against it too. Languages here that langdetect has
no profile for (Kazakh, Belarusian, Serbian...) are answered from these tables and word
lists; a text whose letters belong to none of them is undetermined, never a neighbour.
Rates are rough, from the letters' place in each alphabet and spelling rules, checked on
texts written for development, never fitted to the benchmark's test data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ARABIC = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
_PERSIAN = "ءآأؤئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیۀةيك"
_HEBREW = "אבגדהוזחטיכךלמםנןסעפףצץקרשת"

ALPHABETS: dict[str, dict[str, frozenset[str]]] = {
    "CYRILLIC": {
        code: frozenset(letters)
        for code, letters in {
            "ru": _RUSSIAN,
            "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
            "be": "абвгґдеёжзійклмнопрстуўфхцчшыьэюя",
            "bg": "абвгдежзийклмнопрстуфхцчшщъьюяѝ",
            "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџшѐѝ",
            "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
            "kk": _RUSSIAN + "әғқңөұүһі",
            "ky": _RUSSIAN + "ңөү",
            "mn": _RUSSIAN + "өү",
            "tg": _RUSSIAN.translate(str.maketrans("", "", "цщыь")) + "ғӣқӯҳҷ",
            "uz": _RUSSIAN.translate(str.maketrans("", "", "щы")) + "ўқғҳ",
            "tt": _RUSSIAN + "әөүҗңһ",
            "ba": _RUSSIAN + "әөүғҡңҙҫһ",
            "cv": _RUSSIAN + "ӑӗҫӳ",
            "os": _RUSSIAN + "ӕ",
            "ab": _RUSSIAN + "әӷӡқҟԥҭҳҵҷҽҿҩџ",
        }.items()
    },
    "ARABIC": {
        "ar": frozenset(_ARABIC),
        "fa": frozenset(_PERSIAN),
        "ur": frozenset("ءآأؤئابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیےۃۂه"),
        "ps": frozenset(_PERSIAN + "ټډړږښځڅګڼېۍ"),
    },
    "HEBREW": {
        "he": frozenset(_HEBREW),
        "yi": frozenset(_HEBREW + "װױײ"),
    },
}

MARKERS: dict[str, dict[str, float]] = {
    "ru": {"ы": 1.9, "э": 0.3},
    "uk": {"і": 5.0, "ї": 0.6, "є": 0.4},
    "be": {"ў": 1.5, "і": 5.0, "ы": 2.0},
    "bg": {"ъ": 1.8},
    "mk": {"ј": 0.8, "њ": 0.5, "ќ": 0.3, "ѓ": 0.1},
    "sr": {"ј": 1.5, "ћ": 0.8, "њ": 0.5, "љ": 0.3, "ђ": 0.2},
    "kk": {"ә": 2.0, "ғ": 1.0, "қ": 2.5, "ң": 1.0, "ө": 1.0, "ұ": 1.0, "ү": 1.0, "і": 3.0},
    "ky": {"ң": 1.5, "ө": 1.5, "ү": 2.0},
    "mn": {"ө": 2.5, "ү": 2.0},
    "tg": {"ҳ": 2.0, "ӣ": 1.2, "ҷ": 0.8, "қ": 0.8, "ғ": 0.6, "ӯ": 0.6},
    "uz": {"ў": 2.5, "қ": 2.0, "ғ": 0.8, "ҳ": 0.8},
    "tt": {"ә": 3.0, "ө": 0.8, "ү": 1.5, "җ": 0.8, "ң": 1.0, "һ": 0.3},
    "ba": {"ә": 3.0, "ө": 0.8, "ү": 1.5, "ғ": 0.8, "ҡ": 1.5, "ң": 1.0, "ҙ": 1.5, "ҫ": 1.0},
    "cv": {"ӑ": 2.5, "ӗ": 2.5, "ҫ": 1.0, "ӳ": 0.3},
    "os": {"ӕ": 5.0},
    "ab": {"ә": 4.0, "ҭ": 1.0, "ҟ": 1.0, "ԥ": 1.5, "ҵ": 0.5, "ӡ": 0.5, "ҩ": 0.3},
    "ar": {"ي": 5.0, "ة": 2.5, "ى": 0.8},
    "fa": {"ی": 6.0, "ک": 3.0, "گ": 0.8, "پ": 0.6, "چ": 0.4},
    "ur": {"ی": 5.0, "ے": 4.0, "ہ": 3.0, "ک": 3.0, "ں": 1.0, "ھ": 1.0, "ٹ": 0.4, "ڑ": 0.3},
    "ps": {"ې": 1.5, "ښ": 0.5, "ړ": 0.8, "ټ": 0.5, "ځ": 0.5},
    "he": {},
    "yi": {"ײ": 1.0, "װ": 0.5},
}

# Letters written the same in two code points: each is read as the first.
LETTER_TWINS = str.maketrans({"ҧ": "ԥ"})
# What one letter outside a language's alphabet costs it, against the expected count of
# its marker letters that a text lacks (natural-log units of a Poisson likelihood).
_FOREIGN_COST = 4.0
# Languages this close to the best on letters stay in the running for words and n-grams.
_MARGIN = 2.0


@dataclass(frozen=True)
class LetterVerdict:
    """The languages of ``script`` the letters leave (best first; empty when they rule out
    every language listed), how many letters no listed language writes, and the languages
    whose alphabets hold the letters, whatever marker letters the text lacks."""

    candidates: tuple[str, ...]
    unknown: int
    writable: tuple[str, ...] = ()


def letter_verdict(letters: Counter[str], script: str) -> LetterVerdict | None:
    """Which listed languages of ``script`` the letter counts leave in the running; None for
    scripts without alphabet tables (Latin, whose letters names and loans blur)."""
    alphabets = ALPHABETS.get(script)
    if alphabets is None:
        return None
    total = sum(letters.values())
    known = frozenset().union(*alphabets.values())
    unknown = sum(n for letter, n in letters.items() if letter not in known)
    if unknown > total // 200:
        return LetterVerdict((), unknown)
    tolerated = total // 50
    scores = {}
    for code, alphabet in alphabets.items():
        foreign = sum(
            n for letter, n in letters.items() if letter not in alphabet and letter in known
        )
        if foreign <= tolerated:
            scores[code] = -_FOREIGN_COST * foreign - _missing_markers(letters, code, total)
    if not scores:
        return LetterVerdict((), unknown)
    best = max(scores.values())
    ranked = sorted(
        (code for code in scores if scores[code] >= best - _MARGIN),
        key=scores.__getitem__,
        reverse=True,
    )
    return LetterVerdict(tuple(ranked), unknown, tuple(scores))


def _missing_markers(letters: Counter[str], code: str, total: int) -> float:
    """Expected count of the language's marker letters the text lacks."""
    return sum(rate / 100 * total for letter, rate in MARKERS[code].items() if not letters[letter])
