from __future__ import annotations

import math

import pytest

from extractors.name_keys import LEAD_WORDS, name_keys, name_overlap, name_weights


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (("Galuzin", "Галузина", "გალუზინმა", "Գալուզին", "Galouzine", "غالوزين"), "glz"),
        (("Kutaisi", "Кутаиси", "ქუთაისში", "Koutaïssi", "Kutaisi'ye", "كوتايسي"), "kts"),
        (("Kazan", "Казани", "ყაზანიდან", "قازان"), "kzn"),
        (("Batumi", "Батуми", "ბათუმში", "Batum", "باتومي"), "btm"),
        (("Abkhazia", "Абхазия", "Abxaziya", "Abhazya", "Աբխազիա", "أبخازيا"), "bhz"),
        (("Kobakhidze", "Кобахидзе", "კობახიძე", "Kobaxidze", "كوباخيدزه"), "kbh"),
        # Arabic's article, and the one-letter words written onto it, are not the name's.
        (("Kremlin", "Кремль", "الكرملين", "بالكرملين", "للكرملين"), "krm"),
        (("Lavrov", "Лавров", "Lawrow", "Լավրով"), "lfr"),
        # Arabic writes p as b and keeps its vowel signs out of the key.
        (("Putin", "Путин", "بوتين", "بُوتِين", "პუტინი"), "btn"),
    ],
)
def test_a_name_has_one_key_in_every_script_and_case(forms: tuple[str, ...], key: str) -> None:
    assert [frozenset().union(*name_keys(form, "")) for form in forms] == [{key}] * len(forms)


def test_names_are_rare_capitalised_words_and_uncased_words_may_be_names() -> None:
    # Lower-case words of cased scripts, short words and words common in the report's
    # language (a month, a German noun, a frequent Georgian word) give no key; Georgian and
    # Arabic write no capitals, so their every rarer word gives a key that may be a name.
    none: frozenset[str] = frozenset()
    assert name_keys("the railway from Kazan", "a new line to Batumi in November", "en") == (
        {"kzn", "btm"},
        none,
    )
    assert name_keys("Parlament in Tiflis", "", "de") == ({"tfl"}, none)
    assert name_keys("Parlament in Tiflis", "", "und") == ({"brl", "tfl"}, none)
    assert name_keys("გალუზინი წლის", "", "ka") == (none, {"glz"})
    # Zakharova, protests (a word wordfreq's Arabic list ranks below common), Tbilisi.
    assert name_keys("زاخاروفا: احتجاجات تبليسي", "", "ar") == (none, {"zhr", "htz", "tbl"})
    assert name_keys("Кремль: נתניהו", "", "ru") == ({"krm"}, none)
    # Urdu's own letters are written in Latin ones too (Trump).
    assert name_keys("ٹرمپ", "", "und") == (none, {"trm"})


def test_an_arabic_word_may_begin_with_in_or_to_and_gives_a_key_for_both_readings() -> None:
    none: frozenset[str] = frozenset()
    # To Tbilisi; Lavrov, whose l is his own; to the Kremlin, where the article tells.
    assert name_keys("لتبليسي", "", "ar") == (none, {"tbl", "ltb"})
    assert name_keys("لافروف", "", "ar") == (none, {"lfr", "frf"})
    assert name_keys("للكرملين", "", "ar") == (none, {"krm"})
    # With Lavrov: an l after the b may be the name's own, so both readings again.
    assert name_keys("بلافروف", "", "ar") == (none, {"blf", "lfr"})
    # Kobakhidze's k is no preposition: read without it, he would be Abkhazia (bhz).
    assert name_keys("كوباخيدزه", "", "ar") == (none, {"kbh"})


def test_only_the_title_and_lead_give_names() -> None:
    filler = " ".join(["word"] * LEAD_WORDS)
    assert name_keys("Kazan", f"{filler} Batumi") == ({"kzn"}, frozenset())


def test_a_name_every_report_gives_weighs_least_and_more_shared_names_say_more() -> None:
    one, five = frozenset({"zhr"}), frozenset({"zhr", "kzn", "btm", "kts", "glz"})
    reports = [frozenset({"msk", "kzn"}), frozenset({"msk", "kzn"}), frozenset({"msk", "btm"})]
    weight = name_weights([*reports, one, one, five, five])
    assert weight("msk") == pytest.approx(math.log(8 / 3))
    assert weight("kzn") < weight("btm") < weight("")
    # The same names on both sides: five say more than one, and neither is all.
    assert name_overlap(one, one, weight) < name_overlap(five, five, weight) < 1
    assert name_overlap(reports[0], reports[2], weight) < name_overlap(
        reports[0], reports[1], weight
    )
    assert name_overlap(frozenset({"kzn"}), frozenset({"btm"}), weight) == 0.0
