"""An article's lede: its first sentences, split the way its language punctuates them.

Pure functions, text in and value out. A sentence ends at . ! ? … (and the Arabic ؟, the
Armenian ։, the CJK 。！？, the Devanagari । and the Urdu ۔) followed by a space and something
that can begin a sentence, and at every line break (extracted text keeps one paragraph a line).
A full stop after an initial ("V. Putin", "J. R. R."), inside a dotted abbreviation ("U.S.",
"т.е.") or after a listed abbreviation ("Dr.", "Gen.", "г.") does not end a sentence, and
neither does any mark followed by a lower-case letter ("e.g. the", "approx. five").
"""

from __future__ import annotations

import re

# Marks after which a sentence may end; the CJK ones need no space after them.
_ENDS = ".!?…؟։。！？।۔"
_CJK_ENDS = "。！？"
_CLOSERS = "\"'”’»)]›」』）"
_OPENERS = "\"'“‘„«([‹—–-¿¡ "
_BOUNDARY = re.compile(
    rf"[{re.escape(_ENDS)}]+[{re.escape(_CLOSERS)}]*(?:\s+|(?<=[{_CJK_ENDS}])(?=\S))"
)
# Abbreviations that are followed by a capital or a number inside a sentence: titles, ranks,
# months, "No. 5"; Russian "г." (year, city), "им." (named after), "ул." (street). Words
# that usually end a sentence when they are abbreviated ("etc.", "usw.") are not listed.
# fmt: off
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "maj", "capt", "sgt", "adm",
    "gov", "sen", "rep", "pres", "amb", "jr", "sr", "no", "nos", "vs", "inc", "ltd", "co",
    "corp", "dept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "fig", "vol", "nr", "bzw", "vgl", "ca", "hr", "mme", "mlle",
    "г", "гг", "им", "ул", "д", "др", "пр", "проф", "акад", "ген", "зам", "стр", "ст", "тыс",
    "млн", "млрд", "руб", "обл", "респ",
))
# fmt: on
# Georgian letters are lower case to Unicode (Mkhedruli, since 2018) but Georgian writes no
# capitals: a sentence of it begins with an ordinary letter.
_CASELESS = re.compile(r"[\u10d0-\u10ff]")
# "U.S", "т.е", "a.m": letters each followed by a dot (the last dot is the mark).
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


def sentences(text: str) -> list[str]:
    """The text's sentences in order, whitespace inside each collapsed to single spaces."""
    found: list[str] = []
    for line in text.splitlines():
        start = 0
        for boundary in _BOUNDARY.finditer(line):
            if _ends_sentence(line[: boundary.start()], boundary.group(), line[boundary.end() :]):
                found.append(line[start : boundary.end()])
                start = boundary.end()
        found.append(line[start:])
    return [" ".join(s.split()) for s in found if s.strip()]


def lede(text: str, title: str = "", budget: int = 500) -> tuple[str, ...]:
    """The first two sentences, and the third when all three fit in ``budget`` characters;
    sentences that only repeat the headline are skipped, and a sentence longer than
    ``budget`` (a text without punctuation) is cut at a word with "…"."""
    chosen: list[str] = []
    for sentence in _after_headline(sentences(text), title):
        if len(chosen) == 3 or (
            len(chosen) == 2 and sum(map(len, chosen)) + len(sentence) > budget
        ):
            break
        chosen.append(shorten(sentence, budget))
    return tuple(chosen)


def same_as_title(sentence: str, title: str) -> bool:
    """Whether a sentence only repeats the headline (case, spacing and end marks aside)."""
    return bool(title.strip()) and _folded(sentence) == _folded(title)


def shorten(text: str, limit: int) -> str:
    """The text, or as many of its words as fit in ``limit`` characters followed by "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def _after_headline(found: list[str], title: str) -> list[str]:
    while found and same_as_title(found[0], title):
        found = found[1:]
    return found


def _folded(text: str) -> str:
    return " ".join(text.casefold().split()).strip(_ENDS + _CLOSERS + " ")


def _ends_sentence(before: str, mark: str, after: str) -> bool:
    first = after.lstrip(_OPENERS)[:1]
    if first.islower() and not _CASELESS.match(first):
        return False
    if mark.strip().rstrip(_CLOSERS) != ".":
        return True  # ! ? … ... and the other scripts' marks
    words = before.split()
    word = words[-1].lstrip(_OPENERS) if words else ""
    initial = len(word) == 1 and (word.isupper() or bool(_CASELESS.match(word)))
    return not (initial or _DOTTED.match(word) or word.casefold() in ABBREVIATIONS)
