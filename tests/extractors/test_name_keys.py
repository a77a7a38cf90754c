from __future__ import annotations

import math

import pytest

from extractors.name_keys import LEAD_WORDS, name_keys, name_overlap, name_weights


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (("Galuzin", "Галузина", "გალუზინმა", "Գալուզին", "Galouzine"), "glz"),
        (("Kutaisi", "Кутаиси", "ქუთაისში", "Koutaïssi", "Kutaisi'ye"), "kts"),
        (("Kazan", "Казани", "ყაზანიდან"), "kzn"),
        (("Batumi", "Батуми", "ბათუმში", "Batum"), "btm"),
        (("Abkhazia", "Абхазия", "Abxaziya", "Abhazya", "Աբխազիա"), "bhz"),
        (("Kobakhidze", "Кобахидзе", "კობახიძე", "Kobaxidze"), "kbh"),
        (("Lavrov", "Лавров", "Lawrow", "Լավրով"), "lvr"),
    ],
)
def test_a_name_has_one_key_in_every_script_and_case(forms: tuple[str, ...], key: str) -> None:
    assert [name_keys(form, "") for form in forms] == [frozenset({key})] * len(forms)


def test_names_are_rare_capitalised_words_and_rare_georgian_words() -> None:
    # Lower-case words of cased scripts, short words, words common in the report's language
    # (a month, a German noun, a frequent Georgian word) and Arabic script give no key;
    # Georgian writes no capitals, so its every rarer word does.
    assert name_keys("the railway from Kazan", "a new line to Batumi in November", "en") == {
        "kzn",
        "btm",
    }
    assert name_keys("Parlament in Tiflis", "", "de") == {"tfl"}
    assert name_keys("Parlament in Tiflis", "", "und") == {"prl", "tfl"}
    assert name_keys("გალუზინი წლის", "", "ka") == {"glz"}
    assert name_keys("زاخاروفا: احتجاجات تبليسي", "", "ar") == frozenset()


def test_only_the_title_and_lead_give_names() -> None:
    filler = " ".join(["word"] * LEAD_WORDS)
    assert name_keys("Kazan", f"{filler} Batumi") == {"kzn"}


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
