import math
import pickle

import pytest

from extractors.words import Frequencies, fit, spelling_odds, unknown_to

_BUCKETS = 720


def _buckets(words: dict[str, int]) -> list[list[str]]:
    buckets: list[list[str]] = [[] for _ in range(_BUCKETS)]
    for word, index in words.items():
        buckets[index].append(word)
    return buckets


def test_frequencies_give_each_word_its_bucket_down_to_one_in_ten_million() -> None:
    words = {"и": 150, "край": 599, "крайний": 600, "удержусь": 681, "простаивает": 700}
    table = Frequencies(_buckets(words | {"шинэ": 701, "жмется": 719}))
    # Bucket i is -i centibels: log10 frequency -i / 100; the dict ends at 599, the hashes
    # begin at 600 and end at 700 (one in ten million).
    for word, index in words.items():
        assert table.get(word, math.nan) == -index / 100
        assert word in table
    for rarer in ("шинэ", "жмется", "удержаться"):
        assert rarer not in table
        assert table.get(rarer, -8.0) == -8.0


def test_frequencies_are_not_pickled_into_another_process() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Frequencies(_buckets({"и": 150})))


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
