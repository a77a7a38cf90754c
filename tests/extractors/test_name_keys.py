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
    ],
)
def test_a_name_has_one_key_in_every_script_and_case(forms: tuple[str, ...], key: str) -> None:
    assert [name_keys(form, "") for form in forms] == [frozenset({key})] * len(forms)


def test_names_are_capitalised_words_and_every_georgian_word() -> None:
    # Lower-case words of cased scripts, short words and Arabic script give no key; Georgian
    # writes no capitals, so its every word does.
    assert name_keys("the railway from Kazan", "a new line to Batumi, said Kama") == {
        "kzn",
        "btm",
    }
    assert name_keys("რკინიგზა", "") == {"rkn"}
    assert name_keys("زاخاروفا: احتجاجات تبليسي", "") == frozenset()


def test_only_the_title_and_lead_give_names() -> None:
    filler = " ".join(["word"] * LEAD_WORDS)
    assert name_keys("Kazan", f"{filler} Batumi") == {"kzn"}


def test_a_name_every_report_gives_weighs_least() -> None:
    reports = [frozenset({"msk", "kzn"}), frozenset({"msk", "kzn"}), frozenset({"msk", "btm"})]
    weight = name_weights(reports)
    assert weight("msk") == pytest.approx(math.log(4 / 3))
    assert weight("kzn") > weight("msk") and weight("btm") > weight("kzn")
    assert name_overlap(reports[0], reports[1], weight) == 1.0
    # Sharing Moscow alone is a small part of what the two name.
    assert 0 < name_overlap(reports[0], reports[2], weight) < 0.2
    assert name_overlap(frozenset({"kzn"}), frozenset({"btm"}), weight) == 0.0
