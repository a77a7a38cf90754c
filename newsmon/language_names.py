"""Languages as the desk reads them: "Georgian", not "ka"."""

from __future__ import annotations

from babel import Locale

# CLDR's English names of languages, as Babel ships them.
_NAMES = Locale("en").languages
UNKNOWN = "language unknown"


def language_name(code: str | None) -> str:
    """The English name of a language code ("ka": "Georgian"); the code itself where CLDR
    has no name, and UNKNOWN for no code or ``und``."""
    if not code or code == "und":
        return UNKNOWN
    return str(_NAMES.get(code, code))
