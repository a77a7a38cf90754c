"""Language identification: langdetect (seeded) plus what it cannot do.

langdetect has no profile for Georgian, Armenian, Azerbaijani, Kazakh, Belarusian, Serbian
and the other languages around the desk's, and answers their texts with a neighbour. So
scripts that belong to one language decide first; in Cyrillic, Arabic and Hebrew text the
letters narrow the languages the text can be in (``extractors.alphabets``: a Kazakh қ rules
out Russian, a letter no listed language writes rules out all of them and the answer is
``und``); words that occur in only one of the remaining languages settle short texts
(``extractors.telltale_words``); langdetect and word frequencies (wordfreq's lists, and
jusText's stoplists where wordfreq has none) decide between the rest.
Letters only Azerbaijani uses separate it from Turkish; short or inconclusive texts fall
back to the page's declared language or to ``und``. Only a bounded sample of a long text is
read: its start and its middle.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

from extractors.alphabets import ALPHABETS, LETTER_TWINS, letter_verdict
from extractors.furniture import script_of
from extractors.records import Language
from extractors.serbo_croatian import serbian_or_croatian
from extractors.stems import azerbaijani_words_outnumber, turkic_lower
from extractors.telltale_words import telltale_counts
from extractors.words import (
    LISTED,
    RANKED,
    WORD,
    WordFit,
    best_fit,
    common_words_of,
    fit,
    has_spelling,
    known_typed_plain,
    named_fit,
    neighbour_words,
    ranked_fit,
    ranked_lowercase_words,
    short_words_only,
    spelling_odds,
    stoplist_letters,
    unknown_to,
    unnamed_fit,
    words_of,
)

UNDETERMINED = "und"
# A long text is read from its start (title, lead) and its middle (the body, past any
# navigation left at the top): enough for n-grams and words, a fixed cost per article.
_SAMPLE_HEAD = 400
_SAMPLE_MIDDLE = 800
# Word evidence is looked up in up to 29 frequency lists: the first words are enough.
_WORD_SAMPLE = 80
_MIN_LETTERS = 3
_SHORT_LETTERS = 40
# langdetect on a text longer than this reads its first _LANGDETECT_CHARS characters in
# _LONG_TRIALS trials: on the 181 bodies of the extraction benchmark the same answers as
# all of the sample in seven trials, in two thirds of the time.
_LANGDETECT_LONG = 400
_LANGDETECT_CHARS = 600
_LONG_TRIALS = 3
_CONFIDENT = 0.9
# Below this langdetect is guessing (its short-text probabilities come in sevenths).
_PLAUSIBLE = 0.5
_SINGLE_LANGUAGE_SCRIPTS = {"GEORGIAN": "ka", "ARMENIAN": "hy"}
_EAST_ASIAN = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")
# Katakana alone makes Han text Japanese from this share on (Chinese quotes a Japanese name
# in katakana; Japanese headlines write loanwords in it).
_KATAKANA_SHARE = 1 / 3
# Languages langdetect has a profile for, by script (its answers are restricted to them).
_LANGDETECT = {
    "ARABIC": ("ar", "fa", "ur"),
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
    "HEBREW": ("he",),
    "GREEK": ("el",),
}
# langdetect's Norwegian profile is of Bokmål, which wordfreq lists as "nb"; a page
# declaring "no" is read the same way.
_LANGDETECT_CODES = {"no": "nb"}
_PROFILE_CODES = {code: profile for profile, code in _LANGDETECT_CODES.items()}
# A letter beyond a-z is a language's own where its profile has it once in a thousand
# letters or more (Finnish ä 0.028, Polish ł 0.013, Spanish ñ 0.002; English é 0.0002).
_OWN_LETTER = 0.001
# wordfreq lists for languages of the tabled scripts; Serbian is read in its Latin spelling.
_WORD_LISTS = {
    "ru": "ru", "uk": "uk", "bg": "bg", "mk": "mk", "sr": "sh",
    "ar": "ar", "fa": "fa", "ur": "ur", "he": "he",
}  # fmt: skip
# Languages of the tabled scripts with only a jusText stoplist.
_STOPLIST_ONLY = ("be", "kk", "ky")
# The language whose loanwords and names the others of the Cyrillic script share.
_LOANS_FROM = "ru"
_SERBIAN_TO_LATIN = str.maketrans(
    {"ђ": "đ", "ж": "ž", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "ć", "ч": "č", "џ": "dž",
     "ш": "š", "ц": "c", "х": "h"}
    | dict(zip("абвгдезиклмнопрстуф", "abvgdeziklmnoprstuf", strict=True))
)  # fmt: skip
# Letters that are not letters of any alphabet: the Arabic elongation mark.
_NOT_LETTERS = {"\u0640"}
_AZERBAIJANI_ONLY = set("əƏ")
_TURKIC_ONLY = set("ığİĞ")
_TURKIC_LETTERS = set("ığşçöü")


@dataclass(frozen=True)
class UnnamedBars:
    """When a stoplist of a language newsmon cannot name rules out the answer."""

    words: int
    known: float
    margin: float


# What langdetect and the word lists make of Serbian and Croatian in Latin letters.
_SERBO_CROATIAN_READ_AS = ("hr", "sl")
# Pages declaring these keep their texts from turning Serbian on a word.
_NOT_SERBIAN_PAGES = ("hr", "sl", "bs", "cnr")
# The desk's languages (config/topic): ties in short texts go to them.
_DESK = ("en", "ru", "ka", "ar", "uk", "tr", "hy", "az", "de", "fr")
# Latin desk languages whose telltale words settle a title; those with word lists.
_LATIN_TELLTALE = ("en", "de", "fr", "tr", "az")
_LATIN_DESK = ("en", "de", "fr", "tr")
# Letters of the Azerbaijani Latin alphabet that Turkish does not use.
_NOT_TURKISH = set("qx")
# Latin text with this many words, and this share of its words, written with a letter no
# language newsmon names writes (Esperanto's ĉ and ŝ): one such word, or a few in a long
# text, may be names or quoted terms.
_FOREIGN_LETTER_WORDS = 2
_FOREIGN_LETTER_SHARE = 0.1
# A Latin or Cyrillic text of at least this many words, of which under this share is known
# to the list of the language answered (wordfreq's; a jusText stoplist's, 130 to 6,000
# words, where wordfreq has none), is in a language newsmon cannot name.
_UNKNOWN_WORDS_MIN = 8
_KNOWN_SHARE = 0.45
_STOPLIST_KNOWN = 0.2
# The reason such a text, or a short one no list knows a word of, is given.
_UNLISTED_WHY = "unknown to the languages listed"
# Telltale words that name a language without a list where the letters had left only a
# listed one: a sentence of names, which that one's list does not know either, can hold one.
_LISTLESS_TELLTALES = 2
# Russian writes ъ only before a vowel (объявил) or, in a name, last (Коммерсантъ); Bulgarian
# writes it as a vowel (Търговото, договорът).
_NOT_RUSSIAN = re.compile(r"ъ[бвгджзйклмнпрстфхцчшщ]", re.IGNORECASE)
# Belarusian ў is a non-syllabic u after a vowel (паўднёвы); Uzbek ў is a vowel written after
# consonants (бўлди, кўп), first in a word (ўз, the initial Ў.) and after its prefixes бе-
# and но- (беўхшов): ў after any other vowel is not Uzbek.
_NOT_UZBEK = re.compile(r"(?:(?<!\bб)(?<!\bн)[ео]|[аёіуыэюя])ў", re.IGNORECASE)
# The language each spelling rules out, where others are left.
_RULED_OUT_BY = (("ru", _NOT_RUSSIAN), ("uz", _NOT_UZBEK))
# A short Cyrillic text's words are Belarusian's, Kazakh's or Kyrgyz's by spelling when they
# are this much likelier (natural log) spelled as its stoplist's words are than as each other
# candidate's, in lower case and with the capitalised ones (``_by_spelling``). At 5 (the
# Azerbaijani bar) one new or rare Ukrainian word with дз or -ерка was enough (дзенькання,
# гедзі: 8.6 to 16.9); 20 keeps 13 of the 17 Belarusian titles gained at 5 on the development
# split, and lost none.
_STOPLIST_SPELLING = 20.0
# Mongolian case and verb endings with a long vowel, in a word of five letters or more: the
# ablative -аас, the comitative -тэй, the past -жээ, -лээ, -гээ. Not the instrumental -аар
# (Kyrgyz writes its future participle so: болоор), the past -чээ (Kyrgyz кечээ, yesterday)
# or the genitive -ийн, which ends the Mongolian full names other languages print.
_MONGOLIAN_ENDING = re.compile(r"^\w{2,}(?:аас|ээс|оос|өөс|тэй|гээ|лээ|жээ)$")
# Brackets and quotation marks, closed or cut off, hold glosses, native spellings of names
# and quoted words; a quote mark after a letter is an apostrophe (Putin's).
_BRACKETED = re.compile(
    r"\([^)]*\)?|\[[^\]]*\]?|«[^»]*»?|“[^”]*”?|„[^“”]*[“”]?|\"[^\"]*\"?|(?<!\w)['‘][^'’]*['’]?"
)
# A word written with an apostrophe (Ukrainian кав'ярні, Belarusian з'ява) is two pieces to
# the word lists, which know neither: the pieces do not count as words no list knows.
_APOSTROPHED = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)+")
# A Latin text of at least so many words is in a language newsmon cannot name when the
# stoplist of such a language (``UNNAMED``) knows such a share of them and fits them so much
# better (mean log10 frequency) than the stoplist of the language answered; a short text
# (under _SHORT_LETTERS letters, a title) needs more. Chosen on the development split
# (docs/decisions.md): the bars at which no right answer of a named language, sentence or
# first 20 characters, turned ``und``.
_UNNAMED_WHY = "of a language newsmon cannot name"
# ...or, of a close neighbour it cannot name, the text has at least so many words the
# neighbour writes its own way, and twice as many as the language answered does. Chosen on
# the development split (docs/decisions.md).
_NEIGHBOUR_WHY = "written as a neighbour newsmon cannot name writes them"
_NEIGHBOUR_WORDS = 3
# ...or two, where the language answered has a wordfreq list that finds them far rarer.
_CONFIRMED_NEIGHBOUR_WORDS = 2
_UNNAMED_TEXT = UnnamedBars(4, 0.4, 1.0)
_UNNAMED_TITLE = UnnamedBars(5, 0.5, 2.5)
# ...or a desk language's list knows this share of its words not capitalised, at least
# this many of them.
_NAMES_KNOWN = 0.8
_NAMES_COMMON_WORDS = 3
_TURKISH_MISREAD = str.maketrans("ýþðÝÞÐ", "ışğİŞĞ")
_ORDINAL_ENDING = re.compile(r"\d-(?:ci|cı|cu|cü)\b")
# A short text with a word Turkish's list lacks is Azerbaijani when its words' letter sequences
# together are this much likelier (natural log) in Azerbaijani's stoplist than in Turkish's: the
# whole text, as a Turkish headline's -ov surname (Bayramov) is outweighed by its Turkish words.
# On the development split a bar of 5 lost one Turkish title and no Turkish text cut at 20
# characters (lower bars lost up to 6 and 5); higher bars gained fewer Azerbaijani ones.
_AZERBAIJANI_SPELLING = 5.0
# Turkish prose knows most of its words; Azerbaijani shares about a quarter of them.
_TURKISH_KNOWN = 0.75
# Word evidence overrides langdetect when most words are known to the better-fitting
# language and they are, on average, at least twice as frequent there (log10 units).
_WORDS_KNOWN = 0.6
_WORDS_MARGIN = 0.3
# Latin and Cyrillic letters that look alike: typists and OCR mix them inside words
# (Ukrainian "вiн" with a Latin i; Azerbaijani "bölmә" with a Cyrillic schwa). Ossetian is
# often typed with the Latin ligature æ for its Cyrillic ӕ.
_LATIN_TO_CYRILLIC = str.maketrans("aceiopxyAEIOPCXBHKMT", "асеіорхуАЕІОРСХВНКМТ")
_OSSETIAN_LIGATURE = str.maketrans("æÆ", "ӕӔ")
# A word with a Latin letter beside a Cyrillic one: the only words the tables can mend
# (most texts have none, and looking at every word was a tenth of the time).
_LATIN_LETTER = "A-Za-z\u00c0-\u024f"
_CYRILLIC_LETTER = "\u0400-\u052f"
_MIXED_WORD = re.compile(
    rf"[^\W\d_]*(?:[{_LATIN_LETTER}][{_CYRILLIC_LETTER}]|[{_CYRILLIC_LETTER}][{_LATIN_LETTER}])"
    r"[^\W\d_]*"
)
_CYRILLIC_TO_LATIN = str.maketrans("асеіорхуәАЕІОРСХӘ", "aceiopxyəAEIOPCXƏ")

_FULLY_LISTED = {
    script
    for script, languages in _LANGDETECT.items()
    if set(languages) <= set(LISTED.get(script, ()))
}
# A language code, its confidence, and the method that chose it.
Guess = tuple[str, float, str]


def detect_language(text: str, hint: str | None = None) -> Language:
    """Identify the language of ``text``; ``hint`` (page or feed language) is used when the
    text itself is inconclusive, and keeps a page declaring Croatian, Slovenian, Bosnian or
    Montenegrin from turning Serbian on its words."""
    # Composed, so that an accent typed as a separate mark stays part of its letter.
    text = _without_homoglyphs(unicodedata.normalize("NFC", bounded_sample(text)))
    letters = [ch for ch in text if ch.isalpha() and ch not in _NOT_LETTERS]
    if len(letters) < _MIN_LETTERS:
        return _from_hint(hint, "too little text")
    scripts = Counter(script_of(ch) for ch in letters)
    script, count = scripts.most_common(1)[0]
    share = round(count / len(letters), 3)
    if script not in _SINGLE_LANGUAGE_SCRIPTS and len(letters) < _SHORT_LETTERS:
        # A Georgian or Armenian word or case ending in a short text ("Samsung-ը եւ",
        # "Deep Purple-ის") is written by no other language's outlets; nor, beside Latin
        # brands and names, is a Cyrillic, Arabic or Hebrew word ("Новый iPhone").
        single = [s for s in scripts if s in _SINGLE_LANGUAGE_SCRIPTS]
        if not single and script == "LATIN":
            single = _beside_latin_brands(text)
        script = max(single, key=scripts.__getitem__, default=script)
    if script in _EAST_ASIAN:
        return _east_asian(scripts, hint)
    if script in _SINGLE_LANGUAGE_SCRIPTS:
        return Language(_SINGLE_LANGUAGE_SCRIPTS[script], share, "script")
    in_script = _in_script(text, script)
    if script == "LATIN" and _misread_turkish(in_script):
        text, in_script = text.translate(_TURKISH_MISREAD), in_script.translate(_TURKISH_MISREAD)
    if script in ALPHABETS:
        return _by_alphabets(in_script, text, script, share, hint)
    if script == "LATIN" and set(letters) & _AZERBAIJANI_ONLY:
        return Language("az", share, "letters")
    if script == "LATIN" and _in_foreign_letters(in_script):
        return Language(UNDETERMINED, share, "letters (no language known)")
    guess = _langdetect(in_script, script, _LANGDETECT.get(script))
    if guess is None:
        return _from_hint(hint, "langdetect found no language")
    words = words_of(in_script)[:_WORD_SAMPLE]
    best, fits = best_fit(words, script)
    long = len(letters) >= _SHORT_LETTERS
    guess = _by_words(in_script, words, best, fits, script, guess, long)
    if script == "LATIN" and len(letters) < _SHORT_LETTERS:
        words = words_of(in_script.replace("İ", "i"))
        turkic = bool(_TURKIC_ONLY & set(in_script))
        guess = _desk_prior(words, _latin_title(words, guess, turkic), _LATIN_DESK, _latin_fit)
        # A numeral's ordinal ending after a hyphen (2008-ci) is Azerbaijani whatever the
        # words; Turkish writes 2008'de.
        if _ORDINAL_ENDING.search(text) or (guess[0] == "tr" and _azerbaijani_spelling(text)):
            guess = "az", guess[1], "letters"
        elif guess[0] == "tr" and _azerbaijani_title(in_script, text):
            guess = "az", guess[1], "words"
        elif (bar := _unnamed_bar(words, guess[0], _UNNAMED_TITLE)) is not None:
            guess = _instead_of_unknown(in_script, words, guess, hint, bar)
    elif script == "LATIN":
        guess = _unless_unknown_words(in_script, words, guess, hint)
    if script == "LATIN" and _no_word_known(in_script, words, guess, fits, long):
        guess = _instead_of_unknown(in_script, words, guess, hint, None)
    if script == "LATIN":
        guess = _serbian_or_croatian(words, guess, hint)
    return _settle(guess, len(letters), hint, lambda code: _script_fits(code, script))


def _serbian_or_croatian(words: list[str], guess: Guess, hint: str | None) -> Guess:
    """A Latin text read as Croatian or Slovenian, whose words are Serbian's or Croatian's
    (``serbian_or_croatian``), is that language; not Serbian where the page declares
    Croatian, Slovenian, Bosnian or Montenegrin."""
    if guess[0] not in _SERBO_CROATIAN_READ_AS:
        return guess
    told = serbian_or_croatian(words, guess[0])
    if told is None or (told == "sr" and _primary(hint) in _NOT_SERBIAN_PAGES):
        return guess
    return told, guess[1], "words (Serbian or Croatian)"


def _beside_latin_brands(text: str) -> list[str]:
    """The Cyrillic, Arabic or Hebrew script of a short text whose Latin words are all brands,
    names and acronyms (each with a capital or a digit: "Новый iPhone", "Starlink працює"),
    where that script has three letters or more in whole words outside brackets and quotes.
    Not a Latin-script headline quoting or glossing a word ("Russischer Begriff 'дача'",
    "Putin (Путин)"), nor mojibake, whose stray Cyrillic sits inside Latin words (MbappГ©:
    a word of both scripts, which the homoglyphs left mixed)."""
    letters = Counter[str]()
    for word in WORD.findall(_BRACKETED.sub(" ", text)):
        found = {script_of(ch) for ch in word}
        if "LATIN" in found and (len(found) > 1 or word == word.lower()):
            return []
        if len(found) == 1 and (script := found.pop()) in ALPHABETS:
            letters[script] += len(word)
    return [script for script, count in letters.items() if count >= _MIN_LETTERS]


def _east_asian(scripts: Counter[str], hint: str | None) -> Language:
    """Hangul is Korean, hiragana Japanese, and so is katakana making a third of the text;
    Han characters otherwise are Chinese, unless the page declares Japanese or Korean (a
    headline in kanji alone)."""
    han, hiragana, katakana, hangul = (scripts[name] for name in _EAST_ASIAN)
    share = round((han + hiragana + katakana + hangul) / scripts.total(), 3)
    if hangul > hiragana + katakana:
        return Language("ko", share, "script")
    if hiragana or katakana >= _KATAKANA_SHARE * (han + katakana):
        return Language("ja", share, "script")
    hinted = _primary(hint)
    if hinted in ("ja", "ko"):
        return Language(hinted, share, "hint")
    return Language("zh", share, "script")


def _in_script(text: str, script: str) -> str:
    """The text's letters of ``script``, anything else a space; the script's vowel signs and
    other marks stay with their letters (Devanagari, Arabic harakat), and stray marks of
    other scripts are dropped rather than splitting a word."""
    kept = []
    for ch in text:
        if ch.isalpha():
            kept.append(ch if ch not in _NOT_LETTERS and script_of(ch) == script else " ")
        elif unicodedata.category(ch)[0] == "M":
            if script_of(ch) == script:
                kept.append(ch)
        else:
            kept.append(" ")
    return "".join(kept)


def bounded_sample(text: str) -> str:
    """The start and the middle of a long text (cut at spaces), or all of a short one."""
    if len(text) <= _SAMPLE_HEAD + _SAMPLE_MIDDLE:
        return text
    cut = text.find(" ", _SAMPLE_HEAD, _SAMPLE_HEAD + _SAMPLE_MIDDLE)
    head = text[: cut if cut > 0 else _SAMPLE_HEAD]
    middle_start = len(text) // 2 - _SAMPLE_MIDDLE // 2
    middle = text[middle_start : middle_start + _SAMPLE_MIDDLE]
    return f"{head}\n{middle.split(' ', 1)[-1].rsplit(' ', 1)[0]}"


def _by_alphabets(text: str, written: str, script: str, share: float, hint: str | None) -> Language:
    """Cyrillic, Arabic and Hebrew text (``written`` as it came, with its punctuation): the
    letters narrow the languages, then telltale words, langdetect and word frequencies
    choose among what is left."""
    letters = Counter(ch.lower() for ch in text.translate(LETTER_TWINS) if ch.isalpha())
    verdict = letter_verdict(letters, script)
    candidates, writable = (verdict.candidates, verdict.writable) if verdict else ((), ())
    for ruled_out, pattern in _RULED_OUT_BY:
        if len(candidates) > 1 and pattern.search(text):
            candidates = tuple(code for code in candidates if code != ruled_out)
    if not candidates:
        return Language(UNDETERMINED, share, "letters (no language known)")
    words = words_of(text)[:_WORD_SAMPLE]
    if len(candidates) == 1:
        # The marker letters a sentence lacks can rule out its own language (Mongolian
        # written without ө and ү): where the one language left has a list that does not
        # know the words, two telltale words name a language without a list whose alphabet
        # holds the letters. A list of names stays as the letters read it, whatever the
        # page declares.
        if script == "CYRILLIC" and _unknown_to_its_list(text, words, candidates[0]):
            named = _by_listless(words, writable, share, None, _LISTLESS_TELLTALES)
            if named is not None:
                return _settle(named, letters.total(), hint, writable.__contains__)
        return Language(candidates[0], share, "letters")
    # In longer text letters, n-grams and word frequencies outweigh a few telltale words
    # (where any of the languages left has n-gram profiles or word lists).
    short = letters.total() < _SHORT_LETTERS
    unlisted = not any(code in _WORD_LISTS for code in candidates)
    guess = _by_telltales(words, candidates, share) if short or unlisted else None
    if guess is None and short:
        guess = _by_spelling(text, written, words, candidates, share)
    if guess is None and short and _unknown_to_listed(words, candidates):
        unknown = UNDETERMINED, share, f"words ({_UNLISTED_WHY})"
        guess = _by_mongolian_ending(text, words, candidates, share) or unknown
    if guess is None:
        allowed = tuple(code for code in candidates if code in _LANGDETECT.get(script, ()))
        guess = _langdetect(text, script, allowed) if allowed else None
        guess = _by_listed_words(words, candidates, guess or (candidates[0], share, "letters"))
        if short:
            desk = tuple(code for code in candidates if code in _DESK and code in _WORD_LISTS)
            guess = _desk_prior(words, guess, desk, _fit)
        elif script == "CYRILLIC" and _unknown_to_its_list(text, words, guess[0]):
            unknown = UNDETERMINED, share, f"words ({_UNLISTED_WHY})"
            guess = _by_listless(words, candidates, share, hint) or unknown
    return _settle(guess, letters.total(), hint, candidates.__contains__)


def _by_spelling(
    text: str, written: str, words: list[str], candidates: tuple[str, ...], share: float
) -> Guess | None:
    """A short text of Belarusian, Kazakh or Kyrgyz, whose few thousand stoplist words miss
    most of a title's, told by spelling: words of three letters or more written in lower case
    that no candidate's wordfreq list knows, spelled likelier as the language's stoplist
    spells (not a known word spelled so: Ukrainian камікадзе), and all the words spelled far
    likelier so than as any other candidate's (Belarusian "Дачнікі скардзяцца" against
    Ukrainian). Words in lower case make the case, as names are spelled as their own language
    spells them (Georgian Кобахідзе in a Ukrainian title); with the capitalised ones they
    must still make it, as a title's first word is mostly not a name (Ukrainian "Відома
    снайперка": a new word's -ерка reads as Belarusian). Only where every candidate has a
    stoplist: Mongolian, without one, writes э and ы too."""
    if not all(has_spelling(code) for code in candidates):
        return None
    common = common_words_of(text)
    listed = [code for code in candidates if code in _WORD_LISTS]
    whole = set(words_of(_APOSTROPHED.sub(" ", written)))
    unknown = [
        word
        for word in common
        if len(word) > 2 and word in whole and all(_fit([word], c).known == 0 for c in listed)
    ]
    if not unknown:
        return None
    for code in candidates:
        if code in _STOPLIST_ONLY and all(
            _spelled_as(unknown, code, other, 0.0)
            and _spelled_as(common, code, other, _STOPLIST_SPELLING)
            and _spelled_as(words, code, other, _STOPLIST_SPELLING)
            for other in candidates
            if other != code
        ):
            return code, share, "spelling"
    return None


def _by_mongolian_ending(
    text: str, words: list[str], candidates: tuple[str, ...], share: float
) -> Guess | None:
    """A short text whose words no candidate's list knows is Mongolian where a word ends as
    only Mongolian's do ("Путинтэй уулзав"), and a word is written in lower case. Names keep
    their endings in other languages' text: where the lists know the other words (Russian
    "Пожары в аймаке Хэнтэй"), or there are none (Japanese "Хотэй Томоясу")."""
    if "mn" not in candidates or not common_words_of(text):
        return None
    if any(_MONGOLIAN_ENDING.match(word) for word in words):
        return "mn", share, "words"
    return None


def _spelled_as(words: list[str], code: str, other: str, bar: float) -> bool:
    """Whether the words are more than ``bar`` likelier spelled as ``code``'s than as
    ``other``'s (``spelling_odds``, natural log)."""
    return sum(spelling_odds(word, code, other) for word in words) > bar


def _unknown_to_its_list(text: str, words: list[str], code: str) -> bool:
    """Whether the list of ``code`` (a listed language the letters left in the running)
    does not know the text's words (``_list_knows``)."""
    return code in _WORD_LISTS and _list_knows(text, words, code, _fit, _KNOWN_SHARE) is False


def _by_listless(
    words: list[str], candidates: tuple[str, ...], share: float, hint: str | None, least: int = 1
) -> Guess | None:
    """A Cyrillic sentence the chosen language's list does not know is in a candidate
    without a list (Mongolian written without ө and ү) that ``least`` telltale words or the
    page's declared language name; None where nothing does."""
    listless = tuple(code for code in candidates if not _has_list(code))
    hinted = _primary(hint)
    if hinted in listless:
        return hinted, share, f"hint (words {_UNLISTED_WHY})"
    return _by_telltales(words, listless, share, least)


def _unknown_to_listed(words: list[str], candidates: tuple[str, ...]) -> bool:
    """A short text of several words that no word list of the candidates knows, while the
    letters also allow a language without a list (Mongolian, Tatar): not safely Russian.
    A stoplist, a few thousand words, misses too many to rule its language out: it counts
    only when it knows most of the words, or half of those longer than two letters
    (Belarusian "Вялікая перамога": the Belarusian stoplist has вялікая)."""
    full = [code for code in candidates if code in _WORD_LISTS]
    if len(words) < 2 or not full or len(full) == len(candidates):
        return False
    stoplists = [code for code in candidates if code in _STOPLIST_ONLY]
    return all(_fit(words, code).known == 0 for code in full) and all(
        _fit(words, code).known < _WORDS_KNOWN and not _long_words_known(words, code)
        for code in stoplists
    )


def _by_telltales(
    words: list[str], candidates: tuple[str, ...], share: float, least: int = 1
) -> Guess | None:
    """The candidate that clearly more words belong to only (two to none, or twice as many
    as the next), and at least ``least`` of them."""
    counts = telltale_counts(words, candidates).most_common(2)
    if not counts:
        return None
    runner_up = counts[1][1] if len(counts) > 1 else 0
    if counts[0][1] >= max(least, 2 * runner_up + (runner_up == 0)):
        return counts[0][0], share, "words"
    return None


def _by_listed_words(words: list[str], candidates: tuple[str, ...], guess: Guess) -> Guess:
    """The guess unless the words are much more frequent in another candidate's word list;
    where they are much more frequent in the guess's list than in any other, the words
    settle it however unsure langdetect was ("Этот подвал"). Where only the letters chose
    the guess (no n-gram profile is left: the Kazakh қ rules Russian out), a list that knows
    half the words longer than two letters outweighs languages without one (Kazakh "Қар
    жауды" had been Abkhaz, first by its letters)."""
    if not words:
        return guess
    fits = {code: _fit(words, code) for code in candidates if _has_list(code)}
    best = max(fits.values(), key=lambda f: f.log_frequency, default=None)
    code = guess[0]
    if best is None:
        return guess
    if best.language == code:
        return (code, best.known, "words") if _words_confirm(guess, best, fits) else guess
    # Two languages with lists are weighed on the same words; against one without a list,
    # words unknown to the better one may be the other's, unless only the letters chose.
    enough = (
        best.known >= _WORDS_KNOWN
        or code in fits
        or set(candidates) <= set(fits)
        or (guess[2] == "letters" and _long_words_known(words, best.language))
    )
    if _outweighs(best, fits.get(code), enough):
        return best.language, best.known, "words"
    return guess


def _long_words_known(words: list[str], code: str) -> bool:
    """Whether the list of ``code`` knows half the words longer than two letters that
    Russian's list lacks: words of one or two letters are written alike in unrelated
    languages (Mongolian би is in Kazakh's stoplist), and the region's languages all write
    the loanwords and names Russian's list has (республика, президент, Татарстан)."""
    long = unknown_to([word for word in words if len(word) > 2], _LOANS_FROM)
    return bool(long) and _fit(long, code).known >= _PLAUSIBLE


def _words_confirm(guess: Guess, best: WordFit, fits: dict[str, WordFit]) -> bool:
    """Whether langdetect was unsure of its answer, ``best``, and the words settle it: most
    of them known to its list and ``_WORDS_MARGIN`` more frequent there than in any other."""
    if guess[2] != "langdetect" or guess[1] >= _CONFIDENT:
        return False
    others = [fit for fit in fits.values() if fit.language != best.language]
    runner_up = max(others, key=lambda f: f.log_frequency, default=None)
    return best.known >= _WORDS_KNOWN and _outweighs(best, runner_up, True)


def _outweighs(best: WordFit, current: WordFit | None, enough: bool) -> bool:
    """Whether the words say ``best`` rather than the language chosen (``current``, None
    when it has no word list): enough of them known, and ``_WORDS_MARGIN`` more frequent."""
    better = current is None or best.log_frequency > current.log_frequency + _WORDS_MARGIN
    return enough and better


def _unless_unknown_words(text: str, words: list[str], guess: Guess, hint: str | None) -> Guess:
    """``und`` for a Latin text whose words the list of the language answered does not know
    (Basque read as Spanish, Irish as English, Zulu as Swahili: the nearest n-gram profile):
    most words of a real text of a language are in its wordfreq list, longer words as well as
    short ones, and a fifth or more in its stoplist; or whose words are far likelier a
    language's newsmon cannot name (``_unnamed_bar``), or written as a close neighbour's.
    Languages with no list (Somali) keep langdetect's answer unless that rules it out. The
    page's declared language stands in for ``und`` when no list can check it (a page
    declaring Zulu) or its list knows the words."""
    if _known_to(text, words, guess[0]) is False:
        return _instead_of_unknown(text, words, guess, hint, None)
    bar = _unnamed_bar(words, guess[0], _UNNAMED_TEXT)
    if bar is not None:
        return _instead_of_unknown(text, words, guess, hint, bar)
    if _in_neighbours_words(words, guess[0]):
        return _instead_of_unknown(text, words, guess, hint, None, _NEIGHBOUR_WHY)
    return guess


def _no_word_known(
    text: str, words: list[str], guess: Guess, fits: dict[str, WordFit], long: bool
) -> bool:
    """Whether langdetect's answer to a text of two words or more is not to be trusted (below) and
    no Latin word list, nor the stoplist of the language answered, knows a single word: the
    nearest n-gram profile (Zulu's "Izimvula zidale umonakalo" as Swahili) is then all there is,
    and the languages newsmon names have their common words listed. A sure answer stands where
    the text is long, the language answered is the desk's (its new words, names and words typed
    without their letters: Buergergeld), or it has no wordfreq list (Welsh, Somali and Estonian
    titles have words only their short stoplists or none would know); langdetect is sure of most
    short texts on a few n-grams (Zulu "Nkosi yethu" as Finnish), so another short one stands
    only on a letter the language writes. A lone word stands too (a German compound,
    Regierungskrise; a name)."""
    code, probability, method = guess
    if method != "langdetect" or len(words) < 2:
        return False
    sure = probability >= _CONFIDENT and (
        long or code in _DESK or code not in LISTED["LATIN"] or _writes_its_letter(words, code)
    )
    if sure:
        return False
    if code in RANKED and ranked_fit(words, code).known:
        return False
    if any(found.known for found in fits.values()):
        return False
    # Turkish in capitals lowers I to ı (MISIR: mısır), and is often typed without its
    # letters (Disisleri aciklamasi).
    return not fit(words_of(turkic_lower(text)), "tr").known and not known_typed_plain(words, "tr")


def _writes_its_letter(words: list[str], code: str) -> bool:
    """Whether a (lower-case) word has a letter beyond a-z that makes up a share of
    ``_OWN_LETTER`` or more of the letters in langdetect's profile of ``code`` (Finnish ä,
    Polish ł, Turkish ğ), which the languages newsmon cannot name seldom share. Letters the
    profiles fold into one (Vietnamese's, and Yoruba ẹ and ọ with them) are no evidence."""
    factory = _detector_factory()
    profile = _PROFILE_CODES.get(code, code)
    if profile not in factory.langlist:
        return False
    index = factory.langlist.index(profile)
    unigrams = factory.word_lang_prob_map
    letters = {
        ch for word in words for ch in word if not ch.isascii() and NGram.normalize(ch) == ch
    }
    return any(letter in unigrams and unigrams[letter][index] >= _OWN_LETTER for letter in letters)


def _in_neighbours_words(words: list[str], code: str) -> bool:
    """Whether a text read as ``code`` writes its words the way a close neighbour newsmon
    cannot name does (Nynorsk read as Bokmål, Bosnian as Croatian): the two share most
    words, and only those each writes its own way tell them apart: three such words, by the
    two stoplists, or two where the wordfreq list of ``code`` also finds them far rarer than
    the neighbour's stoplist does (Bokmål's or Portuguese's, against Nynorsk ikkje, frå or
    Galician unha); Croatian has no such list."""
    own = neighbour_words(words, code)
    if own is None:
        return False
    told = own.theirs >= _NEIGHBOUR_WORDS and own.theirs >= 2 * own.ours
    return told or (own.confirmed >= _CONFIRMED_NEIGHBOUR_WORDS and own.confirmed >= 2 * own.ours)


def _instead_of_unknown(
    text: str,
    words: list[str],
    guess: Guess,
    hint: str | None,
    bar: float | None,
    why: str | None = None,
) -> Guess:
    """What a Latin text in a language newsmon cannot name is answered: the page's declared
    language where no list can check it, or its list knows the words and, when a language
    newsmon cannot name was found (its ``_unnamed_bar``), reaches that bar; else ``und``."""
    why = why or (_UNLISTED_WHY if bar is None else _UNNAMED_WHY)
    hinted = _primary(hint)
    if hinted and _script_fits(hinted, "LATIN") and _known_to(text, words, hinted) is not False:
        ruled_out = bar is not None and _falls_short(words, hinted, bar)
        if not ruled_out:
            return hinted, guess[1], f"hint (words {why})"
    return UNDETERMINED, guess[1], f"words ({why})"


def _unnamed_bar(words: list[str], code: str, bars: UnnamedBars) -> float | None:
    """Where a stoplist of a language newsmon cannot name knows enough of the words and fits
    them far better than ``code`` does (any, when ``code`` has no list; Esperanto's "la",
    "estas", "kaj" against Spanish's "la", "está"): the mean log10 frequency another language
    must reach to hold against it. None where ``code`` stands."""
    if len(words) < bars.words or code == UNDETERMINED:
        return None
    unnamed = unnamed_fit(words)
    if unnamed.known < bars.known:
        return None
    bar = unnamed.log_frequency - bars.margin
    return None if _falls_short(words, code, bar) is False else bar


def _falls_short(words: list[str], code: str, bar: float) -> bool | None:
    """Whether the words' mean log10 frequency in ``code`` is under ``bar`` (None: no list)."""
    own = named_fit(words, code)
    return None if own is None else own.log_frequency < bar


def _misread_turkish(text: str) -> bool:
    """Turkish decoded as Windows-1252 (ý þ ð for ı ş ğ: "Eðer yýl"): Turkish's list knows
    at least ``_KNOWN_SHARE`` of the mended words, and more of them than the listed language
    the text as written fits best knows of it (Icelandic writes þ and ð, Czech ý)."""
    mended = text.translate(_TURKISH_MISREAD)
    if mended == text:
        return False
    turkish = fit(words_of(mended)[:_WORD_SAMPLE], "tr").known
    if turkish < _KNOWN_SHARE:
        return False
    best, _ = best_fit(words_of(text)[:_WORD_SAMPLE], "LATIN")
    return best is None or turkish > best.known


def _known_to(text: str, words: list[str], code: str) -> bool | None:
    """Whether the list of the Latin-script language ``code`` knows enough of the text's
    words (None when it has no list, or the text is too short to judge)."""
    if code in LISTED["LATIN"]:
        if len(words) >= _UNKNOWN_WORDS_MIN and short_words_only(words, code):
            return _names_known(text, code, fit)
        return _list_knows(text, words, code, fit, _KNOWN_SHARE)
    if code in RANKED:
        return _list_knows(text, words, code, ranked_fit, _STOPLIST_KNOWN)
    return None


def _list_knows(
    text: str,
    words: list[str],
    code: str,
    fitter: Callable[[list[str], str], WordFit],
    share: float,
) -> bool | None:
    """Whether a list knows ``share`` of the ``words`` (the first of ``text``) of a text of
    eight words or more, or, for a desk language, nearly all of those not capitalised (a
    sentence listing the region's leaders); None for a shorter text."""
    if len(words) < _UNKNOWN_WORDS_MIN:
        return None
    return fitter(words, code).known >= share or _names_known(text, code, fitter)


def _names_known(text: str, code: str, fitter: Callable[[list[str], str], WordFit]) -> bool:
    """Whether ``code`` is a desk language whose list knows nearly all of the text's words
    not capitalised: a sentence listing the region's leaders is the desk's."""
    common = common_words_of(text)[:_WORD_SAMPLE]
    enough = len(common) >= _NAMES_COMMON_WORDS
    return code in _DESK and enough and fitter(common, code).known >= _NAMES_KNOWN


def _latin_fit(words: list[str], code: str) -> WordFit:
    if code not in LISTED["LATIN"]:
        raise KeyError(code)
    return fit(words, code)


def _has_list(code: str) -> bool:
    return code in _WORD_LISTS or code in _STOPLIST_ONLY


def _fit(words: list[str], code: str) -> WordFit:
    if code in _STOPLIST_ONLY:
        return ranked_fit(words, code)
    if code == "sr":
        words = [word.translate(_SERBIAN_TO_LATIN) for word in words]
    found = fit(words, _WORD_LISTS[code])
    return WordFit(code, found.log_frequency, found.known)


def _settle(guess: Guess, letters: int, hint: str | None, fits: Callable[[str], bool]) -> Language:
    """A conclusive guess as it is; an inconclusive one yields to a hint the script allows,
    then stands if plausible, else ``und``."""
    code, probability, method = guess
    conclusive = probability >= _CONFIDENT or method != "langdetect"
    if letters >= _SHORT_LETTERS and conclusive:
        return Language(code, round(probability, 3), method)
    hinted = _primary(hint)
    if hinted and fits(hinted):
        return Language(hinted, round(probability, 3), "hint")
    if probability >= _PLAUSIBLE or method != "langdetect":
        return Language(code, round(probability, 3), f"{method} (uncertain)")
    return Language(UNDETERMINED, round(probability, 3), "inconclusive")


def _by_words(
    text: str,
    words: list[str],
    best: WordFit | None,
    fits: dict[str, WordFit],
    script: str,
    guess: Guess,
    long: bool,
) -> Guess:
    """The guess from letters or langdetect, unless the words (``fits``: how they fit each
    listed language of the script, ``best`` the best of them) say otherwise (a Ukrainian
    phrase quoted in Russian text, a short sentence langdetect reads as a neighbour)."""
    code, probability, method = guess
    if best is None:
        return guess
    # Where every language langdetect could answer has a word list, unknown words (names)
    # weigh the same for all and need not be outnumbered.
    enough = best.known >= _WORDS_KNOWN or script in _FULLY_LISTED
    current = fits.get(code)
    if long and current is None and code in RANKED and best.language in RANKED:
        # Only stoplists know both (Afrikaans and Dutch): a sentence is weighed on those (a
        # title's rarer words are in neither).
        best, current = ranked_fit(words, best.language), ranked_fit(words, code)
    if best.language != code and _outweighs(best, current, enough):
        code, probability, method = best.language, best.known, "words"
    elif best.language == code and _words_confirm(guess, best, fits):
        probability, method = best.known, "words"
    if code == "tr" and _azerbaijani_words(text, fits["tr"].known):
        return "az", probability, "letters"
    return code, probability, method


def _latin_title(words: list[str], guess: Guess, turkic: bool) -> Guess:
    """A short Latin text: dotless ı and ğ are Turkish or Azerbaijani; a telltale word of a
    desk language outweighs langdetect's n-grams, unless the word is common in the language
    langdetect chose too (Czech "ve")."""
    code = guess[0]
    if code not in ("tr", "az") and turkic:
        code, guess = "tr", ("tr", guess[1], "letters")
    candidates = ("tr", "az") if code in ("tr", "az") else _LATIN_TELLTALE
    told = _by_telltales(words, candidates, guess[1])
    if told is None or told[0] == code:
        return guess
    telling = [word for word in words if telltale_counts([word], (told[0],))]
    if code in LISTED["LATIN"] and told[0] in LISTED["LATIN"]:
        rarer = [fit([w], told[0]).log_frequency - fit([w], code).log_frequency for w in telling]
        if max(rarer) < 1:
            return guess
    return told


def _desk_prior(
    words: list[str], guess: Guess, desk: tuple[str, ...], fitter: Callable[..., WordFit]
) -> Guess:
    """A short text (where langdetect's confidence means little) whose words a desk language
    knows as well as the language chosen is read in the desk language: two-word titles
    and names-only titles are the desk's far more often than a neighbour's."""
    code = guess[0]
    if code in _DESK or not words or not desk:
        return guess
    best = max((fitter(words, language) for language in desk), key=lambda f: f.log_frequency)
    try:
        current: WordFit | None = fitter(words, code)
    except KeyError:
        current = None
    if best.known >= _PLAUSIBLE and (
        current is None or best.log_frequency >= current.log_frequency - _WORDS_MARGIN
    ):
        return best.language, best.known, "words (desk language first)"
    return guess


def _azerbaijani_spelling(text: str) -> bool:
    """A word of a short text with q or x that Turkish does not know, written in lowercase
    (vaxt, hüquq) or beside the Turkic letters (Qirş, yuxarı): Turkish writes k and h there,
    and its foreign names with q or x are capitalised and have no ı, ş or ğ."""
    written = {word.lower(): word for word in WORD.findall(text.replace("İ", "i"))}
    return any(
        set(word) & _NOT_TURKISH and (written[word][0].islower() or set(word) & _TURKIC_LETTERS)
        for word in unknown_to(list(written), "tr")
    )


def _azerbaijani_title(text: str, written: str) -> bool:
    """A short text read as Turkish whose words say Azerbaijani: a word Turkish's list lacks
    that Azerbaijani's stoplist has in lower case (cür, aprel); more words written with
    Azerbaijani's stems and endings than Turkish words Azerbaijani cannot read (Bu tapıntı); a
    word Turkish's list lacks, in a text whose words together are spelled as Azerbaijani's
    are (Almaniyadakı bayram); or
    words all in Azerbaijani's stoplist and more frequent there than in Turkish's, a stoplist
    of the same making.
    Words in capitals are left out: lowered, a Turkish I reads as i (MISIR as misir).
    ``written`` is the text with its punctuation (Turkish Ağdam'da)."""
    words = [
        word.lower()
        for word in WORD.findall(text.replace("İ", "i"))
        if len(word) == 1 or not word.isupper()
    ]
    if not words:
        return False
    lowercase = ranked_lowercase_words("az")
    unknown = unknown_to(words, "tr")
    if any(word in lowercase for word in unknown) or azerbaijani_words_outnumber(written):
        return True
    if unknown and sum(spelling_odds(word, "az", "tr") for word in words) > _AZERBAIJANI_SPELLING:
        return True
    # One common word (bütün, bu) is written the same in both: frequencies need two.
    words = [word for word in words if len(word) > 1]
    azerbaijani, turkish = ranked_fit(words, "az"), ranked_fit(words, "tr")
    return (
        len(words) > 1
        and azerbaijani.known == 1
        and (azerbaijani.log_frequency > turkish.log_frequency + _WORDS_MARGIN)
    )


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
        if scripts["CYRILLIC"] and ("æ" in word or "Æ" in word):
            word = word.translate(_OSSETIAN_LIGATURE)
            scripts = Counter(script_of(ch) for ch in word)
        if len(scripts) < 2:
            return word
        table = _LATIN_TO_CYRILLIC if scripts["CYRILLIC"] > scripts["LATIN"] else _CYRILLIC_TO_LATIN
        swapped = word.translate(table)
        # Only a word whose stray letters all have twins is a homoglyph slip; "газаCroatia"
        # is two words run together.
        return swapped if len({script_of(ch) for ch in swapped}) == 1 else word

    return _MIXED_WORD.sub(one, text)


def _langdetect(text: str, script: str, allowed: tuple[str, ...] | None) -> Guess | None:
    if sum(ch.isupper() for ch in text) > sum(ch.islower() for ch in text):
        # langdetect's profiles are of lowercase text; a headline in capitals reads as noise.
        text = text.replace("İ", "i").lower()
    detector = _detector_factory().create()
    if len(text) > _LANGDETECT_LONG:
        # A long text's n-grams agree from the first trials on; a short one needs all seven.
        detector.n_trial = _LONG_TRIALS
        detector.set_max_text_length(_LANGDETECT_CHARS)
    detector.append(text)
    try:
        candidates = detector.get_probabilities()
    except LangDetectException:
        return None
    for candidate in candidates:
        code = _LANGDETECT_CODES.get(candidate.lang, candidate.lang.split("-")[0])
        if allowed is None or code in allowed:
            return code, float(candidate.prob), "langdetect"
    return (allowed[0], 0.5, "langdetect") if allowed else None


def _in_foreign_letters(text: str) -> bool:
    """Whether enough words of a Latin text have a Latin letter that neither langdetect's
    profiles (after its own folding: Vietnamese letters are one there) nor the stoplists
    newsmon reads write; compatibility forms are folded first (Afrikaans ŉ is 'n)."""
    words = words_of(unicodedata.normalize("NFKC", text))
    foreign = sum(any(_foreign_letter(ch) for ch in word) for word in words)
    return foreign >= max(_FOREIGN_LETTER_WORDS, _FOREIGN_LETTER_SHARE * len(words))


@cache
def _foreign_letter(letter: str) -> bool:
    # The profiles are loaded already; the stoplists are read only for a letter they lack.
    if script_of(letter) != "LATIN":
        return False
    if NGram.normalize(letter) in _detector_factory().word_lang_prob_map:
        return False
    return letter not in stoplist_letters()


@cache
def _detector_factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    # Without a fixed seed langdetect answers differently from run to run.
    factory.set_seed(0)
    return factory


def _script_fits(code: str, script: str) -> bool:
    for single_script, language in _SINGLE_LANGUAGE_SCRIPTS.items():
        if code == language:
            return script == single_script
    for multi_script, languages in {**_LANGDETECT, **ALPHABETS}.items():
        if code in languages:
            return script == multi_script
    return script == "LATIN"


def _from_hint(hint: str | None, why: str) -> Language:
    hinted = _primary(hint)
    return Language(hinted, 0.0, f"hint ({why})") if hinted else Language(UNDETERMINED, 0.0, why)


def _primary(hint: str | None) -> str | None:
    """A declared language's primary subtag, lower case ("pt-BR": "pt"; "no" is "nb")."""
    if not hint:
        return None
    primary = hint.split("-")[0].lower()
    return _LANGDETECT_CODES.get(primary, primary)
