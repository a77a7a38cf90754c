"""Month and weekday names of a language (CLDR's, as Babel ships them), so that a date printed
in it ("24 Set 2018", "16 ноября 2025", "Cum, 05 Ara 2025") reads as an English one does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError

_ENGLISH = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# English month names and their cuts, which dateutil reads itself: a page in Finnish may
# print "Mar 5, 2025", and "mar" begins Finnish November ("marraskuu").
_ENGLISH_FORMS = {name.casefold()[:length] for name in _ENGLISH for length in (3, 4, len(name))}
# A word standing alone: not glued to digits ("14h30" keeps its Hungarian "h").
_WORD = re.compile(r"(?<!\d)[^\W\d_]+\.?(?!\d)")
# What may stand between a month and its day or year: "05-дек-2025", "5 de dezembro de 2025".
_JOINER = r"(?:[\s./-]|\b(?:de|del)\b)*"
_NUMBER_BEFORE = re.compile(rf"\d{_JOINER}$")
_NUMBER_AFTER = re.compile(rf"^{_JOINER}\d")
# Enough of the text either side of a word to see a number through a joiner.
_AROUND = 12
# Shorter cuts than CLDR's own ("сен" for its "сент.") are read where they begin the names of
# one month only; two letters would be guesses. An inflected form ("დეკემბრის", of
# "დეკემბერი") is read by its first letters, where they begin one month's names only.
_SHORTEST_CUT = 3
_STEM = 5


@dataclass(frozen=True)
class Names:
    months: dict[str, int]  # every written form, lowered, without its dot
    weekdays: frozenset[str]
    # Whether the language abbreviates month names at all (Arabic writes them whole, and its
    # "سبت", Saturday, begins September's name).
    cuts: bool
    turkic: bool  # I lowers to ı, İ to i


def in_english(text: str, language: str | None) -> str:
    """``text`` with the month names of ``language`` written in English and its weekday names
    left out. A name is a month only beside a number ("15 mar 2022"): Italian "mar" is
    Tuesday too, as in "mar, 15 nov 2022"."""
    names = names_of(language)
    if names is None:
        return text

    def english(match: re.Match[str]) -> str:
        key = _lowered(match[0].rstrip("."), names.turkic)
        start, end = match.span()
        beside = bool(
            _NUMBER_BEFORE.search(text[max(start - _AROUND, 0) : start])
            or _NUMBER_AFTER.match(text[end : end + _AROUND])
        )
        if key in names.months and beside:
            return f" {_ENGLISH[names.months[key] - 1]} "
        if key in names.weekdays:
            return " "
        month = _cut(key, names) if beside and key not in _ENGLISH_FORMS else None
        return f" {_ENGLISH[month - 1]} " if month else match[0]

    return _WORD.sub(english, text)


@cache
def names_of(language: str | None) -> Names | None:
    """The names of a language given as a code or tag ("pt", "IT-it", "sr-Latn", "ru_RU");
    None for English, which needs no translation, and for a language CLDR does not know."""
    tag = (language or "").strip().replace("-", "_")
    code = tag.split("_")[0].lower()
    if not code or code in ("en", "und"):
        return None
    locale = _locale(tag) or _locale(code)
    if locale is None:
        return None
    turkic = locale.language in ("tr", "az")
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            for number, name in locale.months[context][width].items():
                months[_lowered(name.rstrip("."), turkic)] = number
            weekdays.update(
                _lowered(name.rstrip("."), turkic) for name in locale.days[context][width].values()
            )
    cuts = locale.months["format"]["abbreviated"] != locale.months["format"]["wide"]
    return Names(months, frozenset(weekdays), cuts, turkic)


def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _lowered(word: str, turkic: bool) -> str:
    if turkic:
        word = word.replace("I", "ı").replace("İ", "i")
    return word.casefold()


def _cut(key: str, names: Names) -> int | None:
    """The month a shortened or inflected form stands for, where only one fits."""
    if not names.cuts or len(key) < _SHORTEST_CUT or key in names.weekdays:
        return None
    begun = {number for name, number in names.months.items() if name.startswith(key)}
    if not begun and len(key) > _STEM:
        begun = {number for name, number in names.months.items() if name[:_STEM] == key[:_STEM]}
    return begun.pop() if len(begun) == 1 else None
