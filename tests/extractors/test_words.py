import math

import pytest

from extractors.words import Frequencies, fit, spelling_odds, unknown_to

_BUCKETS = 700


def _buckets(words: dict[str, int]) -> list[list[str]]:
    buckets: list[list[str]] = [[] for _ in range(_BUCKETS)]
    for word, index in words.items():
        buckets[index].append(word)
    return buckets


def test_frequencies_give_each_word_its_bucket_common_or_rare() -> None:
    table = Frequencies(_buckets({"и": 150, "же": 270, "удержусь": 681, "простаивает": 652}))
    # Bucket i is -i centibels: log10 frequency -i / 100.
    assert table.get("и", math.nan) == -1.5
    assert table.get("же", math.nan) == -2.7
    assert table.get("удержусь", math.nan) == -6.81
    assert table.get("простаивает", math.nan) == -6.52
    assert "удержусь" in table
    assert "удержаться" not in table
    assert table.get("удержаться", -8.0) == -8.0


def test_a_large_list_knows_words_the_small_one_lacks() -> None:
    # Rarer than one in a million in Russian, and no Ukrainian word.
    assert unknown_to(["простаивает"], "ru") == []
    assert unknown_to(["простаивает"], "uk") == ["простаивает"]
    assert fit(["простаивает"], "ru").known == 1.0
    assert fit(["простаивает"], "uk").known == 0.0


def test_spelling_odds_follow_each_stoplist_s_letters() -> None:
    # Azerbaijani writes the countries' names in -iya, Turkish in -ya; neither stoplist
    # holds these forms, so the odds come from their letters alone.
    assert spelling_odds("braziliyada", "az", "tr") > 5
    assert spelling_odds("brezilyada", "az", "tr") < -5
    assert spelling_odds("braziliyada", "tr", "az") == pytest.approx(
        -spelling_odds("braziliyada", "az", "tr")
    )
