"""Language identification: langdetect (seeded) plus what it cannot do.

langdetect has no profile for Georgian, Armenian or Azerbaijani and calls Georgian text
Estonian with near certainty, so scripts that belong to one language decide first, a letter
only Azerbaijani uses separates it from Turkish, and short or inconclusive texts fall back to
the page's declared language or to ``und``.
"""

from __future__ import annotations

from collections import Counter

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from extractors.furniture import script_of
from extractors.records import Language

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


def detect_language(text: str, hint: str | None = None) -> Language:
    """Identify the language of ``text``; ``hint`` (page or feed language) is used only when
    the text itself is inconclusive."""
    letters = [ch for ch in text if ch.isalpha()][:_SAMPLE_LETTERS]
    if len(letters) < _MIN_LETTERS:
        return _from_hint(hint, "too little text")
    scripts = Counter(script_of(ch) for ch in letters)
    script, count = scripts.most_common(1)[0]
    share = count / len(letters)
    if script in _SINGLE_LANGUAGE_SCRIPTS:
        return Language(_SINGLE_LANGUAGE_SCRIPTS[script], round(share, 3), "script")
    in_script = "".join(
        ch if ch.isalpha() and script_of(ch) == script else " "
        for ch in text[: _SAMPLE_LETTERS * 2]
    )
    by_letters = _by_distinctive_letters(set(letters), script)
    if by_letters:
        return Language(by_letters, round(share, 3), "letters")
    guess = _langdetect(in_script, _SCRIPT_LANGUAGES.get(script))
    if guess is None:
        return _from_hint(hint, "langdetect found no language")
    code, probability = guess
    if len(letters) >= _SHORT_LETTERS and probability >= _CONFIDENT:
        return Language(code, round(probability, 3), "langdetect")
    hinted = hint.split("-")[0].lower() if hint else None
    if hinted and _script_fits(hinted, script):
        return Language(hinted, round(probability, 3), "hint")
    if probability >= _PLAUSIBLE:
        return Language(code, round(probability, 3), "langdetect (uncertain)")
    return Language(UNDETERMINED, round(probability, 3), "inconclusive")


def _by_distinctive_letters(letters: set[str], script: str) -> str | None:
    if script == "LATIN" and letters & _AZERBAIJANI_ONLY:
        return "az"
    if script == "CYRILLIC":
        ukrainian, russian = letters & _UKRAINIAN_ONLY, letters & _RUSSIAN_ONLY
        if ukrainian and not russian:
            return "uk"
        if russian and not letters & _OTHER_CYRILLIC:
            return "ru"
    return None


def _langdetect(text: str, allowed: tuple[str, ...] | None) -> tuple[str, float] | None:
    # Without a fixed seed langdetect answers differently from run to run.
    DetectorFactory.seed = 0
    try:
        candidates = detect_langs(text)
    except LangDetectException:
        return None
    for candidate in candidates:
        code = candidate.lang.split("-")[0]
        if allowed is None or code in allowed:
            return code, float(candidate.prob)
    return (allowed[0], 0.5) if allowed else None


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
