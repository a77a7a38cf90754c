"""Language identification: langdetect (seeded) plus what it cannot do.

langdetect has no profile for Georgian, Armenian or Azerbaijani and calls Georgian text
Estonian with near certainty, so scripts that belong to one language decide first, letters
only Azerbaijani uses separate it from Turkish, whole words settle neighbours that share
character n-grams (Russian and Bulgarian, French and Catalan), and short or inconclusive
texts fall back to the page's declared language or to ``und``.
"""

from __future__ import annotations

import re
from collections import Counter

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from extractors.furniture import script_of
from extractors.records import Language
from extractors.words import LISTED, WORD, best_fit, unknown_to, words_of

UNDETERMINED = "und"
_SAMPLE_LETTERS = 4000
_MIN_LETTERS = 3
_SHORT_LETTERS = 40
_CONFIDENT = 0.9
# Below this langdetect is guessing (its short-text probabilities come in sevenths).
_PLAUSIBLE = 0.5
_SINGLE_LANGUAGE_SCRIPTS = {"GEORGIAN": "ka", "ARMENIAN": "hy"}
# Scripts whose langdetect answers are restricted to languages written in them.
_SCRIPT_LANGUAGES = {
    "ARABIC": ("ar", "fa", "ur"),
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
    "HEBREW": ("he",),
    "GREEK": ("el",),
}
_UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
_RUSSIAN_ONLY = set("ыэЫЭ")
_OTHER_CYRILLIC = set("ўЎјЈљЉњЊџЏђЂћЋѓЃќЌѕЅ") | _UKRAINIAN_ONLY
_AZERBAIJANI_ONLY = set("əƏ")
# Letters of the Azerbaijani Latin alphabet that Turkish does not use.
_NOT_TURKISH = set("qx")
# Turkish prose knows most of its words; Azerbaijani shares about a quarter of them.
_TURKISH_KNOWN = 0.75
# Word evidence overrides langdetect when most words are known to the better-fitting
# language and they are, on average, at least twice as frequent there (log10 units).
_WORDS_KNOWN = 0.6
_WORDS_MARGIN = 0.3
# Latin and Cyrillic letters that look alike: typists and OCR mix them inside words
# (Ukrainian "вiн" with a Latin i; Azerbaijani "bölmә" with a Cyrillic schwa).
_LATIN_TO_CYRILLIC = str.maketrans("aceiopxyAEIOPCXBHKMT", "асеіорхуАЕІОРСХВНКМТ")
_CYRILLIC_TO_LATIN = str.maketrans("асеіорхуәАЕІОРСХӘ", "aceiopxyəAEIOPCXƏ")

_FULLY_LISTED = {
    script
    for script, languages in _SCRIPT_LANGUAGES.items()
    if set(languages) <= set(LISTED.get(script, ()))
}
# A language code, its confidence, and the method that chose it.
Guess = tuple[str, float, str]


def detect_language(text: str, hint: str | None = None) -> Language:
    """Identify the language of ``text``; ``hint`` (page or feed language) is used only when
    the text itself is inconclusive."""
    text = _without_homoglyphs(text[: _SAMPLE_LETTERS * 2])
    letters = [ch for ch in text if ch.isalpha()][:_SAMPLE_LETTERS]
    if len(letters) < _MIN_LETTERS:
        return _from_hint(hint, "too little text")
    scripts = Counter(script_of(ch) for ch in letters)
    script, count = scripts.most_common(1)[0]
    share = count / len(letters)
    if script in _SINGLE_LANGUAGE_SCRIPTS:
        return Language(_SINGLE_LANGUAGE_SCRIPTS[script], round(share, 3), "script")
    in_script = "".join(ch if ch.isalpha() and script_of(ch) == script else " " for ch in text)
    if script == "LATIN" and set(letters) & _AZERBAIJANI_ONLY:
        return Language("az", round(share, 3), "letters")
    cyrillic = _by_cyrillic_letters(set(letters)) if script == "CYRILLIC" else None
    guess = (cyrillic, share, "letters") if cyrillic else _langdetect(in_script, script)
    if guess is None:
        return _from_hint(hint, "langdetect found no language")
    code, probability, method = _by_words(in_script, script, guess)
    conclusive = probability >= _CONFIDENT or method != "langdetect"
    if len(letters) >= _SHORT_LETTERS and conclusive:
        return Language(code, round(probability, 3), method)
    hinted = hint.split("-")[0].lower() if hint else None
    if hinted and _script_fits(hinted, script):
        return Language(hinted, round(probability, 3), "hint")
    if probability >= _PLAUSIBLE:
        return Language(code, round(probability, 3), f"{method} (uncertain)")
    return Language(UNDETERMINED, round(probability, 3), "inconclusive")


def _by_cyrillic_letters(letters: set[str]) -> str | None:
    ukrainian, russian = letters & _UKRAINIAN_ONLY, letters & _RUSSIAN_ONLY
    if ukrainian and not russian:
        return "uk"
    if russian and not letters & _OTHER_CYRILLIC:
        return "ru"
    return None


def _by_words(text: str, script: str, guess: Guess) -> Guess:
    """The guess from letters or langdetect, unless the words say otherwise (a Ukrainian
    phrase quoted in Russian text, a short sentence langdetect reads as a neighbour)."""
    code, probability, method = guess
    words = words_of(text)
    if not words:
        return guess
    best, fits = best_fit(words, script)
    if best is None:
        return guess
    current = fits.get(code)
    # Where every language langdetect could answer has a word list, unknown words (names)
    # weigh the same for all and need not be outnumbered.
    enough = best.known >= _WORDS_KNOWN or script in _FULLY_LISTED
    better = current is None or best.log_frequency > current.log_frequency + _WORDS_MARGIN
    if best.language != code and enough and better:
        code, probability, method = best.language, best.known, "words"
    if code == "tr" and _azerbaijani_words(text, fits["tr"].known):
        return "az", probability, "letters"
    return code, probability, method


def _azerbaijani_words(text: str, known_to_turkish: float) -> bool:
    """Common words written with q or x, which Turkish spells with k and h (qadın, xalq).
    Capitalised words are left out: Turkish text is full of foreign names and brands."""
    if known_to_turkish >= _TURKISH_KNOWN:
        return False
    lower = [word for word in WORD.findall(text) if word[0].islower()]
    return any(set(word) & _NOT_TURKISH for word in unknown_to(lower, "tr"))


def _without_homoglyphs(text: str) -> str:
    """Each word in the alphabet most of its letters belong to."""

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        scripts = Counter(script_of(ch) for ch in word)
        if len(scripts) < 2:
            return word
        table = _LATIN_TO_CYRILLIC if scripts["CYRILLIC"] > scripts["LATIN"] else _CYRILLIC_TO_LATIN
        swapped = word.translate(table)
        # Only a word whose stray letters all have twins is a homoglyph slip; "газаCroatia"
        # is two words run together.
        return swapped if len({script_of(ch) for ch in swapped}) == 1 else word

    return WORD.sub(one, text)


def _langdetect(text: str, script: str) -> Guess | None:
    allowed = _SCRIPT_LANGUAGES.get(script)
    # Without a fixed seed langdetect answers differently from run to run.
    DetectorFactory.seed = 0
    try:
        candidates = detect_langs(text)
    except LangDetectException:
        return None
    for candidate in candidates:
        code = candidate.lang.split("-")[0]
        if allowed is None or code in allowed:
            return code, float(candidate.prob), "langdetect"
    return (allowed[0], 0.5, "langdetect") if allowed else None


def _script_fits(code: str, script: str) -> bool:
    for single_script, language in _SINGLE_LANGUAGE_SCRIPTS.items():
        if code == language:
            return script == single_script
    for multi_script, languages in _SCRIPT_LANGUAGES.items():
        if code in languages:
            return script == multi_script
    return script == "LATIN"


def _from_hint(hint: str | None, why: str) -> Language:
    if hint:
        return Language(hint.split("-")[0].lower(), 0.0, f"hint ({why})")
    return Language(UNDETERMINED, 0.0, why)
