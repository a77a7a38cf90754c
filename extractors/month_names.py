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
_WORD = re.compile(r"[^\W\d_]+\.?")
# Shorter cuts than CLDR's own ("сен" for its "сент.") are read where they begin the names of
# one month only; two letters would be guesses.
_SHORTEST_CUT = 3


@dataclass(frozen=True)
class Names:
    months: dict[str, int]  # every written form, casefolded, without its dot
    weekdays: frozenset[str]
    # Whether the language abbreviates month names at all (Arabic writes them whole, and its
    # "سبت", Saturday, begins September's name).
    cuts: bool


def in_english(text: str, language: str | None) -> str:
    """``text`` with the month names of ``language`` written in English and its weekday names
    left out. A name is a month only beside a number ("15 mar 2022"): Italian "mar" is
    Tuesday too, as in "mar, 15 nov 2022"."""
    names = names_of(language)
    if names is None:
        return text

    def english(match: re.Match[str]) -> str:
        key = match[0].rstrip(".").casefold()
        before, after = text[: match.start()].rstrip(" "), text[match.end() :].lstrip(" ")
        month = _month(key, names)
        if month and (before[-1:].isdigit() or after[:1].isdigit()):
            return f" {_ENGLISH[month - 1]} "
        return " " if key in names.weekdays else match[0]

    return _WORD.sub(english, text)


@cache
def names_of(language: str | None) -> Names | None:
    """The names of a language given as a code or tag ("pt", "IT-it", "ru_RU"); None for
    English, which needs no translation, and for a language CLDR does not know."""
    code = (language or "").replace("_", "-").split("-")[0].strip().lower()
    if not code or code in ("en", "und"):
        return None
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            for number, name in locale.months[context][width].items():
                months[name.rstrip(".").casefold()] = number
            weekdays.update(
                name.rstrip(".").casefold() for name in locale.days[context][width].values()
            )
    cuts = locale.months["format"]["abbreviated"] != locale.months["format"]["wide"]
    return Names(months, frozenset(weekdays), cuts)


def _month(key: str, names: Names) -> int | None:
    if key in names.months:
        return names.months[key]
    if not names.cuts or len(key) < _SHORTEST_CUT or key in names.weekdays:
        return None
    begun = {number for name, number in names.months.items() if name.startswith(key)}
    return begun.pop() if len(begun) == 1 else None
