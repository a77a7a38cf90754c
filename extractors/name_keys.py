"""Names that meet across scripts: Galuzin, Галузин, გალუზინი and Գալուզին, Kazan, Казани,
ყაზანიდან and قازان. A name becomes a key of its first three consonants once written in
Latin letters, with the letters transliterations disagree on made one (k, q and c; h and x;
v, w and f; p and b, which Arabic writes alike), so case endings, most of each language's
spelling and Arabic's unwritten vowels fall away; exonyms do not (Tiflis is not Tbilisi), and
German spellings of Russian names (Sacharowa) miss their key. Two reports of one event name the
same people and places; neighbouring events of the same day about the same countries (a
flight to Kutaisi, another to Batumi) name others.

Words count as names where the script writes capitals (Latin, Cyrillic, Armenian) when
capitalised, and not when common in the report's language (a sentence's first word, a month,
a German noun). Georgian and Arabic write no capitals: every word of theirs that is not common
gives an uncertain key, which most often is an ordinary word the language's list lacks (an
inflected Georgian form, an airline, a permit). Hebrew gives no keys.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice

from extractors.words import is_common

# A report's names are read in its title and lead: where it says who and where. Chosen on
# the development reports: 60 and 80 words grouped them best (recall 0.838 and 0.847, 0.810
# with 40); 100 let a neighbouring event's background in (precision 0.969).
LEAD_WORDS = 80
KEY_CONSONANTS = 3
_MIN_LETTERS = 4
# A word at least this frequent in its language (log10; Zipf 4.5, 30 in a million) is a
# common word even capitalised: a sentence's first word, a month, a German noun, most of a
# Georgian sentence. Rarer words are names, and so are the few names this common (Moscow).
_COMMON_LOG = -4.5
# A word's letters, with the marks _ARABIC_MARKS strips from inside it.
_WORD = re.compile(r"(?:[^\W\d_]|[\u064b-\u065f\u0670\u200c])+")
_UNSEEN_NAMES = 2
_UNSEEN = ""  # no word's key
# Georgian, Arabic, Persian and Urdu letters: scripts without capitals.
_UNCASED = re.compile(r"[\u10d0-\u10ff\u1c90-\u1cbf\u0620-\u064a\u066e-\u06d3]")
# Hebrew (its names are spelled too unlike the other scripts' to share keys), Syriac, Thaana,
# N'Ko and the rarer Arabic blocks: no keys.
_OTHER_SCRIPTS = re.compile(r"[\u0590-\u05ff\u0700-\u08ff]")
# Arabic's article and the one-letter words written onto it (and, by, for, like).
_ARABIC_ARTICLE = re.compile(r"^(?:[وفبلك]?ال|لل)(?=\w{3})")
# "In" and "to" written onto a name without the article (لتبليسي, to Tbilisi); a name may
# also begin with that letter (بيسكوف, لافروف), so both readings give a key. لل is "to the"
# (the article's rule). And, so and like attach to verbs more than names, and و is a vowel.
_ARABIC_PREPOSITION = re.compile(r"^(?:ب(?!ال)|ل(?!ال|ل))(?=[\u0620-\u064a\u066e-\u06d3]{4})")
# Vowel signs, the dagger alif and the stretching tatweel, which split or pad Arabic words;
# the zero-width non-joiner inside Persian words.
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640\u200c]")
# Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Kazakh), Georgian, Armenian, Arabic,
# Persian and Urdu letters in Latin ones; "-" (the hard and soft signs) and "" (hamza, ain)
# are no letters and drop out of the key, and Arabic's long vowels are vowels.
_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sh", "ъ": "-", "ы": "y", "ь": "-", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "i", "є": "e", "ґ": "g", "ў": "u", "ј": "j", "љ": "l", "њ": "n", "ћ": "c", "ђ": "d",
    "џ": "j", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q", "შ": "sh", "ჩ": "ch",
    "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h",
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
    "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz",
    "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch",
    "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts", "ւ": "v",
    "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ى": "a", "ة": "a",
    "و": "u", "ي": "i", "ع": "", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "z", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "i", "ۀ": "a", "ٹ": "t", "ڈ": "d",
    "ڑ": "r", "ں": "n", "ھ": "h", "ہ": "h", "ے": "e", "ۃ": "a",
}  # fmt: skip
_DIGRAPHS = (
    ("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "c"), ("zh", "z"), ("ts", "c"), ("tz", "c"),
    ("dz", "z"), ("ph", "f"), ("th", "t"),
)  # fmt: skip
# Letters transliterations trade for one another (Moscow, Moskva; Abkhazia, Abxaziya), and
# those Arabic writes with its nearest letter (Peskov بيسكوف, Lavrov لافروف: p is b, v is f).
_ONE_SOUND = str.maketrans("qcxjwpv", "kkhzfbf")
_VOWELS = frozenset("aeiouyıə")


def name_keys(
    title: str, text: str, language: str = "und"
) -> tuple[frozenset[str], frozenset[str]]:
    """The keys of the names among the first ``LEAD_WORDS`` words of title and text, in
    ``language`` (whose common words are no names): those of capitalised words, and those of
    words in scripts without capitals, which may be names."""
    # Word by word, so that only the lead is read, not the whole text.
    letters = (_ARABIC_MARKS.sub("", m.group()) for m in _WORD.finditer(f"{title}\n{text}"))
    words = list(islice(filter(None, letters), LEAD_WORDS))
    cased: set[str] = set()
    uncased: set[str] = set()
    for word in words:
        if not _is_name(word, language):
            continue
        if not _UNCASED.match(word):
            cased.add(_key(word))
            continue
        uncased.add(_key(word))
        bare = _ARABIC_PREPOSITION.sub("", word)
        if bare != word and _is_name(bare, language):
            uncased.add(_key(bare))
    return frozenset(cased - {""}), frozenset(uncased - {""})


def name_weights(reports: Iterable[frozenset[str]]) -> Callable[[str], float]:
    """Each key's weight among the reports compared: keys most of them name (the topic's own
    countries and capitals) weigh least, a key none gives (``_UNSEEN``) most."""
    reports = list(reports)
    counts = Counter(key for keys in reports for key in keys)
    return lambda key: math.log((len(reports) + 1) / max(counts[key], 1))


def name_overlap(a: frozenset[str], b: frozenset[str], weight: Callable[[str], float]) -> float:
    """The weighted share of the two reports' keys that both name, from 0 to under 1: the
    keys of both count beside ``_UNSEEN_NAMES`` names neither gave, so that two reports
    sharing their one name (a spokeswoman who speaks every week) are less alike than two
    sharing five."""
    union = sum(weight(key) for key in a | b)
    shared = sum(weight(key) for key in a & b)
    return shared / (union + _UNSEEN_NAMES * weight(_UNSEEN)) if union else 0.0


def _is_name(word: str, language: str) -> bool:
    if len(word) < _MIN_LETTERS or _OTHER_SCRIPTS.match(word):
        return False
    if not (word[0].isupper() or _UNCASED.match(word)):
        return False
    return not is_common(word.lower().replace("i̇", "i"), language, _COMMON_LOG)


def _key(word: str) -> str:
    word = _ARABIC_ARTICLE.sub("", word)
    # Armenian writes u with two letters, ո and ւ.
    latin = "".join(_TO_LATIN.get(ch, ch) for ch in word.lower().replace("ու", "u"))
    decomposed = unicodedata.normalize("NFD", latin)
    latin = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for digraph, sound in _DIGRAPHS:
        latin = latin.replace(digraph, sound)
    consonants = [
        ch
        for ch in latin.translate(_ONE_SOUND)
        if ch.isascii() and ch.isalpha() and ch not in _VOWELS
    ]
    skeleton = [ch for i, ch in enumerate(consonants) if i == 0 or consonants[i - 1] != ch]
    return "".join(skeleton[:KEY_CONSONANTS]) if len(skeleton) >= KEY_CONSONANTS else ""
