"""Word-level evidence for telling close languages apart.

langdetect scores character n-grams, which short sentences share across neighbours
(Russian and Bulgarian, French and Catalan). Whole words settle most of those cases: a
sentence whose words are all common French is French. Frequencies come from wordfreq's
small lists (Wikipedia, subtitles, news and web text: words down to one in a million), and
their large lists, read down to one in ten million, for Russian, Ukrainian, Macedonian and
Arabic, loaded per language on first use.
Where wordfreq has no list (Azerbaijani, Belarusian, Kazakh, Kyrgyz; Afrikaans, Croatian,
Welsh...), jusText's stoplists stand in: each language's most frequent Wikipedia words in
order, from 130 (Tagalog) to 6,000 (Finnish) of them, installed with trafilatura.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

import justext
import numpy as np
import regex
from wordfreq import available_languages, read_cBpack

# Languages with a wordfreq list, by the script they are written in.
LISTED = {
    "LATIN": (
        "en", "fr", "de", "tr", "es", "it", "pt", "nl", "ca", "ro", "pl", "cs", "sk", "sl",
        "hu", "fi", "sv", "da", "nb", "id", "ms", "lt", "lv", "vi", "is",
    ),
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
}  # fmt: skip
# jusText's stoplists by language code: a language without a wordfreq list is weighed
# against a listed one on lists of the same making (Azerbaijani against Turkish).
RANKED = {
    "az": "Azerbaijani", "be": "Belarusian", "kk": "Kazakh", "ky": "Kyrgyz", "tr": "Turkish",
    # Latin-script languages langdetect names that wordfreq has no list for, and the listed
    # languages they are mistaken for.
    "af": "Afrikaans", "cy": "Welsh", "et": "Estonian", "hr": "Croatian", "sq": "Albanian",
    "sw": "Swahili", "tl": "Tagalog",
    "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "en": "English",
    "es": "Spanish", "fi": "Finnish", "fr": "French", "hu": "Hungarian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay",
    "nb": "Norwegian_Bokmal", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "sk": "Slovak", "sl": "Slovenian", "sv": "Swedish", "vi": "Vietnamese",
    # Desk languages decided by their script, whose common words are told from names.
    "ka": "Georgian", "hy": "Armenian",
}  # fmt: skip
# jusText's stoplists read only for their spelling (``spelling_odds``): the Cyrillic languages
# with wordfreq lists, against which a title's words unknown to every list are weighed for
# Belarusian, Kazakh or Kyrgyz.
_SPELLING_ONLY = {
    "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "mk": "Macedonian", "sr": "Serbian",
}  # fmt: skip
# jusText's stoplists of the Latin-script languages newsmon names none of: a text they fit far
# better than the stoplist of the language it was read as is in a language newsmon cannot
# name (Esperanto read as Spanish, Yoruba as Vietnamese). Not Simple English (English), nor
# Serbo-Croatian (Croatian and Serbian as much as Bosnian).
UNNAMED = (
    "Aragonese", "Aromanian", "Asturian", "Basque", "Bosnian", "Breton", "Cebuano",
    "Esperanto", "Galician", "Haitian", "Ido", "Igbo", "Irish", "Javanese", "Kurdish", "Latin",
    "Lombard", "Low_Saxon", "Luxembourgish", "Maltese", "Neapolitan", "Norwegian_Nynorsk",
    "Occitan", "Piedmontese", "Quechua", "Samogitian", "Sicilian", "Sundanese", "Turkmen",
    "Uzbek", "Volapuk", "Walloon", "Waray_Waray", "West_Frisian", "Yoruba",
)  # fmt: skip
# An unnamed language is a close neighbour of a named one when the named language's stoplist
# holds at least this share of its _NEIGHBOUR_TOP commonest words written in lower case:
# Bosnian of Croatian (0.96), Nynorsk of Bokmål (0.59), Galician of Portuguese (0.48). The
# pairs next in share (0.43 and under) are languages apart, or a stoplist of bot-written
# articles' words (Cebuano's, Waray's), which shares a little with every language.
_NEIGHBOUR_SHARE = 0.45
_NEIGHBOUR_TOP = 300
# A neighbour's word is its own against a named language with a wordfreq list when it is
# this much more frequent (log10) by its rank in the neighbour's stoplist than in the named
# language's list: Nynorsk dei, ikkje, ein, frå (1.9 to 2.9 against Bokmål), not the Bokmål
# words Bokmål's stoplist happens to lack (fylke, fjorden, likevel: 1.3 and under). Chosen
# on the development split (docs/decisions.md).
_NEIGHBOUR_GAP = 1.5
# Where a large list tells a title's rarer word of one neighbour from the other's (Russian
# "удержусь", no Ukrainian word). Chosen on the development split of the language benchmark
# (docs/decisions.md); Latin large lists were left out: English's, German's and French's know
# enough Welsh, Albanian and Swahili words to win their sentences.
_LARGE_LISTS = frozenset({"ru", "uk", "mk", "ar"})
# wordfreq's lists give each word its frequency in centibels, rounded: bucket i is -i cB.
_CENTIBELS_PER_LOG = 100
# The small lists' floor: rarer words of a large list are kept as hashes.
_SMALL_LIST_BUCKETS = 600
# Below one in ten million (bucket 700) a large list's words are as often another language's,
# seen in web text (Mongolian шинэ in Russian's), as rare words of its own: they are left out.
_RAREST_BUCKET = 700
_STOPLISTS = Path(justext.__file__).parent / "stoplists"
# Letter sequences of two to this many letters, a word's start and end marked, by which two
# related languages' spellings differ (Azerbaijani Almaniya, yazır; Turkish Almanya, yazıyor).
_SPELLING_LETTERS = 4
# A stoplist word's log10 frequency from its rank (Zipf's law): fitted against wordfreq on
# the Russian, Ukrainian and Turkish stoplists, log10 f = -1.7 - 0.85 log10 rank (residual
# 0.4-0.5).
_ZIPF_AT_RANK_ONE = -1.7
_ZIPF_SLOPE = 0.85
WORD = re.compile(r"[^\W\d_]+")
# A word this frequent in a language (500 in a million: its function words, "так" in
# Ukrainian, "как" in Bulgarian) tells no other language apart from it.
_COMMON_LOG = math.log10(5e-4)
# A stoplist is of one language's encyclopedia: its shortest common words are often another
# language's function words written alike.
_STOPLIST_COMMON_LETTERS = 3
# A word at least this frequent in a language's wordfreq list (one in 100,000) is one of its
# ordinary words, whatever its stoplist lacks.
_COMMON_NEWS_LOG = -5.0
# Words of this many letters or more, at least so many of them, and the share of them a
# language's list knows of its own sentences (short_words_only). Chosen on the development
# split (docs/decisions.md).
_LONG_WORD = 4
_LONG_WORDS = 4
_LONG_KNOWN = 0.2
_FLOOR = 1e-8
# Combining marks: the lists write words without them (harakat, stress marks), and Turkish
# İ lowers to i and a combining dot.
_MARKS = regex.compile(r"\p{M}+")
_FLOOR_LOG = math.log10(_FLOOR)
# A word missing from a list (a sentinel, as a listed word may have any log frequency).
_UNKNOWN = float("nan")


class Frequencies:
    """A word list's log10 frequencies. The rare words of a large list (Russian's has 190,000
    from one in a million to one in ten million) are kept as sorted hashes beside their
    bucket, a tenth of the memory of a dict; the hashes are this process's, and a word off the
    list taking a listed word's hash is a chance of one in 10^13."""

    def __init__(self, buckets: list[list[str]]) -> None:
        self._common = _log_frequency_dict(buckets[:_SMALL_LIST_BUCKETS])
        rare = buckets[_SMALL_LIST_BUCKETS : _RAREST_BUCKET + 1]
        hashes = np.fromiter(
            (hash(word) for bucket in rare for word in bucket),
            dtype=np.int64,
            count=sum(map(len, rare)),
        )
        indexes = np.repeat(
            np.arange(_SMALL_LIST_BUCKETS, _SMALL_LIST_BUCKETS + len(rare), dtype=np.uint16),
            [len(bucket) for bucket in rare],
        )
        order = np.argsort(hashes)
        self._rare_hashes = hashes[order]
        self._rare_buckets = indexes[order]

    def get(self, word: str, default: float) -> float:
        found = self._common.get(word)
        if found is not None:
            return found
        key = hash(word)
        at = int(np.searchsorted(self._rare_hashes, key))
        if at < len(self._rare_hashes) and self._rare_hashes[at] == key:
            return _log_of_bucket(int(self._rare_buckets[at]))
        return default

    def __contains__(self, word: str) -> bool:
        return self.get(word, _UNKNOWN) is not _UNKNOWN

    def __reduce__(self) -> NoReturn:
        # Another process hashes words differently: there the rare words would be unknown.
        raise TypeError("word frequencies are read in each process, not pickled")


def _log_of_bucket(index: int) -> float:
    return max(-index / _CENTIBELS_PER_LOG, _FLOOR_LOG)


@dataclass(frozen=True)
class WordFit:
    """How well a text's words fit one language: mean log10 frequency and the share of
    words the language's list knows."""

    language: str
    log_frequency: float
    known: float


def words_of(text: str) -> list[str]:
    """The words of ``text`` in lower case, without combining marks, which would otherwise
    split a word."""
    return WORD.findall(_without_marks(text.lower()))


def common_words_of(text: str) -> list[str]:
    """The words of ``text`` not written capitalised, in lower case: names left out."""
    words = WORD.findall(_without_marks(text))
    return [word.lower() for word in words if not word[0].isupper()]


def _without_marks(text: str) -> str:
    return text if text.isascii() else _MARKS.sub("", text)


def fit(words: list[str], language: str) -> WordFit:
    return _fit(words, language, _log_frequencies(language))


def ranked_fit(words: list[str], language: str) -> WordFit:
    """How the words fit a language's stoplist (``RANKED``)."""
    return _fit(words, language, ranked_log_frequencies(language))


def unnamed_fit(words: list[str]) -> WordFit:
    """How the words fit the stoplist of ``UNNAMED`` they fit best (its name as language),
    counting only the words it writes in lower case: its names (Maltese's Liverpool and Real
    Madrid, Uzbek's London) are every language's."""
    fits = (_fit(words, name, _ranked_lowercase(name)) for name in UNNAMED)
    return max(fits, key=lambda found: found.log_frequency)


@dataclass(frozen=True)
class OwnWords:
    """A text's words that a close neighbour's stoplist holds and the language's lacks
    (``theirs``: Nynorsk ikkje, frå), and the other way round (``ours``: Bokmål ikke, fra);
    ``confirmed``: those of ``theirs`` the language's wordfreq list finds far rarer (none
    where it has no list)."""

    neighbour: str
    theirs: int
    ours: int
    confirmed: int


def neighbour_words(words: list[str], language: str) -> OwnWords | None:
    """Of the unnamed close neighbours of ``language``, the one with most words of its own
    in the text; None where it has none."""
    if language not in RANKED:
        return None
    own = ranked_log_frequencies(language)
    listed = language in _wordfreq_languages()
    counts = []
    for name in _neighbours(language):
        theirs = [word for word in words if word in _ranked_lowercase(name) and word not in own]
        counts.append(
            OwnWords(
                name,
                len(theirs),
                sum(word in own and word not in _ranked(name) for word in words),
                sum(listed and _far_likelier(word, name, language) for word in theirs),
            )
        )
    return max(counts, key=lambda found: found.theirs, default=None)


def _far_likelier(word: str, neighbour: str, language: str) -> bool:
    """Whether ``word`` is far more frequent in the neighbour (its stoplist) than in the listed
    ``language``, and not the language's own word typed without its accents (Portuguese
    tres, nivel for três, nível, which Galician writes so)."""
    listed = _log_frequencies(language)
    if _ranked_lowercase(neighbour)[word] - listed.get(word, _FLOOR_LOG) < _NEIGHBOUR_GAP:
        return False
    return word not in _accentless_spellings(language)


@cache
def _accentless_spellings(language: str) -> frozenset[str]:
    """The language's ordinary words written with accents or dotless ı, as typed without
    them. Only a small list (a plain dict) is read: the languages with close neighbours, and
    Turkish, have no other."""
    table = _log_frequencies(language)
    listed = table.items() if isinstance(table, dict) else ()
    return frozenset(
        folded
        for word, log in listed
        if log >= _COMMON_NEWS_LOG
        and (folded := _without_marks(unicodedata.normalize("NFD", word)).replace("ı", "i")) != word
        and folded.isascii()
    )


@cache
def _neighbours(language: str) -> tuple[str, ...]:
    own = ranked_log_frequencies(language)
    found = []
    for name in UNNAMED:
        commonest = list(_ranked_lowercase(name))[:_NEIGHBOUR_TOP]
        if sum(word in own for word in commonest) >= _NEIGHBOUR_SHARE * len(commonest):
            found.append(name)
    return tuple(found)


def named_fit(words: list[str], language: str) -> WordFit | None:
    """How the words fit a language newsmon names, on the scale of its stoplist: each word's
    frequency from its stoplist rank, or from its wordfreq list where that holds it as common
    (``_COMMON_NEWS_LOG``; a stoplist of a few hundred words lacks the news's "países" and
    "política"); None where the language has neither list."""
    stoplist = ranked_log_frequencies(language) if language in RANKED else {}
    listed = _log_frequencies(language) if language in _wordfreq_languages() else {}
    if not stoplist and not listed:
        return None
    logs = {
        word: max(stoplist.get(word, _FLOOR_LOG), _common_log(listed.get(word, _FLOOR_LOG)))
        for word in set(words)
    }
    return _fit(words, language, {word: log for word, log in logs.items() if log > _FLOOR_LOG})


def _common_log(log: float) -> float:
    return log if log >= _COMMON_NEWS_LOG else _FLOOR_LOG


def _fit(words: list[str], language: str, table: Frequencies | dict[str, float]) -> WordFit:
    if not words:
        return WordFit(language, _FLOOR_LOG, 0.0)
    logs = [table.get(word, _UNKNOWN) for word in words]
    known = [log for log in logs if log is not _UNKNOWN]
    mean_log = (sum(known) + _FLOOR_LOG * (len(logs) - len(known))) / len(logs)
    return WordFit(language, mean_log, len(known) / len(logs))


def best_fit(words: list[str], script: str) -> tuple[WordFit | None, dict[str, WordFit]]:
    """The listed language of ``script`` the words fit best (None when the script has no
    lists), and every listed language's fit."""
    fits = {language: fit(words, language) for language in LISTED.get(script, ())}
    return max(fits.values(), key=lambda f: f.log_frequency, default=None), fits


def common_in(word: str, language: str) -> bool:
    """Whether the list of ``language`` holds ``word`` as one of the language's commonest
    words: wordfreq's, else its stoplist for words of three letters or more (Belarusian
    але, as Ukrainian's; not Kazakh су, water, where Serbian су is a verb)."""
    if language not in _wordfreq_languages() and len(word) < _STOPLIST_COMMON_LETTERS:
        return False
    return is_common(word, language, _COMMON_LOG)


def is_common(word: str, language: str, log_frequency: float) -> bool:
    """Whether ``word`` (lower case) is at least this frequent in ``language``, by wordfreq's
    list, else by its rank in the language's stoplist; False where it has neither."""
    table: Frequencies | dict[str, float]
    if language in _wordfreq_languages():
        table = _log_frequencies(language)
    elif language in RANKED:
        table = ranked_log_frequencies(language)
    else:
        return False
    return table.get(word, _FLOOR_LOG) >= log_frequency


def has_spelling(language: str) -> bool:
    """Whether ``spelling_odds`` can weigh ``language``: it has a jusText stoplist."""
    return language in RANKED or language in _SPELLING_ONLY


def spelling_odds(word: str, language: str, other: str) -> float:
    """How much likelier (natural log) the word's letter sequences are in ``language``'s
    stoplist than in ``other``'s, counted over each stoplist's words and add-one smoothed:
    lists of the same making, so neither is favoured by its source."""
    mine, mine_total = _letter_sequences(language)
    theirs, theirs_total = _letter_sequences(other)
    seen = _sequences_seen(language, other)
    return sum(
        math.log((mine[s] + 1) / (mine_total + seen))
        - math.log((theirs[s] + 1) / (theirs_total + seen))
        for s in _sequences(word)
    )


def _sequences(word: str) -> list[str]:
    marked = f"^{word}$"
    return [
        marked[i : i + n]
        for n in range(2, _SPELLING_LETTERS + 1)
        for i in range(len(marked) - n + 1)
    ]


@cache
def _letter_sequences(language: str) -> tuple[Counter[str], int]:
    stoplist = _ranked(_SPELLING_ONLY.get(language) or RANKED[language])
    counts = Counter(s for word in stoplist for s in _sequences(word))
    return counts, sum(counts.values())


@cache
def _sequences_seen(language: str, other: str) -> int:
    return len(_letter_sequences(language)[0].keys() | _letter_sequences(other)[0].keys())


def listed_words(language: str) -> Frequencies | dict[str, float]:
    """The words of a language's wordfreq list, to look words up in."""
    return _log_frequencies(language)


def unknown_to(words: list[str], language: str) -> list[str]:
    table = _log_frequencies(language)
    return [word for word in words if word not in table]


def known_typed_plain(words: list[str], language: str) -> bool:
    """Whether one of the words is an ordinary word of the language typed without its marks
    (Turkish "Disisleri aciklamasi": keyboards and sites without Turkish letters)."""
    return any(word in _accentless_spellings(language) for word in words)


def short_words_only(words: list[str], language: str) -> bool:
    """Whether the language's wordfreq list knows little of the words but short ones: under
    ``_LONG_KNOWN`` of those of ``_LONG_WORD`` letters or more (at least ``_LONG_WORDS``),
    and under half of all the words as its ordinary words. A large list holds most two- and
    three-letter strings (Maori te, ki, ka in Indonesian's), so the share of words it knows
    says little; a sentence of the language has its longer words in the list too."""
    table = _log_frequencies(language)
    long = [word for word in words if len(word) >= _LONG_WORD]
    if len(long) < _LONG_WORDS:
        return False
    known_long = sum(word in table for word in long)
    ordinary = sum(table.get(word, _FLOOR_LOG) >= _COMMON_NEWS_LOG for word in words)
    return known_long < _LONG_KNOWN * len(long) and 2 * ordinary < len(words)


@cache
def _log_frequencies(language: str) -> Frequencies | dict[str, float]:
    """The language's list, read once: a text's fit is looked up in up to 29 lists, so a small
    list stays a plain dict, the quickest to look words up in."""
    if language in _LARGE_LISTS:
        return Frequencies(read_cBpack(available_languages("large")[language]))
    return _log_frequency_dict(read_cBpack(available_languages("small")[language]))


def _log_frequency_dict(buckets: list[list[str]]) -> dict[str, float]:
    return {word: _log_of_bucket(index) for index, bucket in enumerate(buckets) for word in bucket}


@cache
def stoplist_letters() -> frozenset[str]:
    """Every letter of the stoplists of RANKED (lower case, marks off, as words_of)."""
    words = "".join(word for code in RANKED for word in ranked_log_frequencies(code))
    return frozenset(ch for ch in _without_marks(words) if ch.isalpha())


@cache
def _wordfreq_languages() -> frozenset[str]:
    return frozenset(available_languages(wordlist="small"))


def ranked_log_frequencies(language: str) -> dict[str, float]:
    """A stoplist's words (lower case, punctuation off) with log10 frequencies from their
    rank, the first occurrence counting."""
    return _ranked(RANKED[language])


@cache
def _ranked(stoplist: str) -> dict[str, float]:
    table: dict[str, float] = {}
    for line in _stoplist(stoplist):
        for word in WORD.findall(line.replace("İ", "i").lower()):
            if word not in table:
                rank = len(table) + 1
                table[word] = _ZIPF_AT_RANK_ONE - _ZIPF_SLOPE * math.log10(rank)
    return table


def ranked_lowercase_words(language: str) -> frozenset[str]:
    """A stoplist's words that it writes in lower case: not names or Roman numerals."""
    return _lowercase_words(RANKED[language])


@cache
def _lowercase_words(stoplist: str) -> frozenset[str]:
    lines = _stoplist(stoplist)
    return frozenset(word for line in lines if line == line.lower() for word in WORD.findall(line))


@cache
def _ranked_lowercase(stoplist: str) -> dict[str, float]:
    lowercase = _lowercase_words(stoplist)
    return {word: log for word, log in _ranked(stoplist).items() if word in lowercase}


@cache
def _stoplist(name: str) -> tuple[str, ...]:
    lines = (_STOPLISTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(lines)
