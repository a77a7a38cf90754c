"""The lede: sentences split as each language punctuates them, abbreviations and initials
kept whole, the headline never repeated; on the stored texts of the fixture pages."""

from __future__ import annotations

import json

import pytest

from extractors.lede import lede, same_as_title, sentences, shorten
from tests.conftest import FIXTURES


def _page(name: str) -> dict[str, str]:
    """What the pipeline stores for a fixture page (its expected record)."""
    data: dict[str, str] = json.loads((FIXTURES / "pages" / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Abbreviations and initials are no sentence end; the same marks at an end are.
        ("Sanctions by the U.S. were lifted.", ["Sanctions by the U.S. were lifted."]),
        (
            "Sanctions were lifted. The U.S. agreed.",
            ["Sanctions were lifted.", "The U.S. agreed."],
        ),
        ("Vladimir V. Putin spoke. He left.", ["Vladimir V. Putin spoke.", "He left."]),
        ("Gen. Smith and Dr. Jones met in Tbilisi.", ["Gen. Smith and Dr. Jones met in Tbilisi."]),
        ("It rose approx. five percent.", ["It rose approx. five percent."]),
        ("He paused… Then he spoke.", ["He paused…", "Then he spoke."]),
        ("He paused… and spoke.", ["He paused… and spoke."]),
        ('"Is it done?" he asked. Yes.', ['"Is it done?" he asked.', "Yes."]),
        ("Talks resumed. (Reuters) Flights too.", ["Talks resumed.", "(Reuters) Flights too."]),
        # Russian: initials, т.е., г. (year); a capital after a real end.
        (
            "В. В. Путин заявил, что т.е. всё готово. Москва ждёт.",
            ["В. В. Путин заявил, что т.е. всё готово.", "Москва ждёт."],
        ),
        ("В 2008 г. Россия признала Абхазию.", ["В 2008 г. Россия признала Абхазию."]),
        # Georgian has no capitals (Unicode calls its letters lower case): it still splits.
        (
            "რუსეთი მზადაა. კრემლმა ეს განაცხადა. ი. კობახიძე დუმს.",
            ["რუსეთი მზადაა.", "კრემლმა ეს განაცხადა.", "ი. კობახიძე დუმს."],
        ),
        (
            "قال بيسكوف إن روسيا مستعدة. هل تستأنف الرحلات؟ نعم.",
            ["قال بيسكوف إن روسيا مستعدة.", "هل تستأنف الرحلات؟", "نعم."],
        ),
        (
            "Ռուսաստանը պատրաստ է։ Մոսկվան հայտարարեց։",
            ["Ռուսաստանը պատրաստ է։", "Մոսկվան հայտարարեց։"],
        ),
        ("俄罗斯准备关系正常化。克里姆林宫表示。", ["俄罗斯准备关系正常化。", "克里姆林宫表示。"]),
        # A line break ends a paragraph, punctuated or not.
        ("Moscow, June 3\nPeskov  spoke.", ["Moscow, June 3", "Peskov spoke."]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_lede_is_the_first_three_sentences_when_they_fit() -> None:
    text = "One is short. Two is short. Three is short. Four is short."
    assert lede(text) == ("One is short.", "Two is short.", "Three is short.")


def test_lede_is_two_sentences_when_a_third_would_run_long() -> None:
    long = "A third sentence that goes on " + "and on " * 80 + "to the end."
    text = f"First sentence. Second sentence. {long}"
    assert lede(text, budget=500) == ("First sentence.", "Second sentence.")
    assert len(lede(text, budget=2_000)) == 3


def test_lede_skips_the_headline_the_text_repeats() -> None:
    text = "Kremlin ready to normalize ties\nPeskov spoke on Monday. He said Russia is ready."
    assert lede(text, "Kremlin ready to normalize ties.")[0] == "Peskov spoke on Monday."
    assert lede(text, "Another headline")[0] == "Kremlin ready to normalize ties"


def test_lede_of_a_text_without_punctuation_is_cut_at_a_word() -> None:
    text = "word " * 300
    [cut] = lede(text, budget=100)
    assert len(cut) <= 100 and cut.endswith("word…")


@pytest.mark.parametrize(
    ("page", "first_words", "count"),
    [
        ("netgazeti_like_2025_04_15.html.json", "კრემლის სპიკერის", 3),
        ("ria_like_cp1251_2025_04_15.html.json", "Пресс-секретарь президента", 3),
        ("naver_like_ko_2025_04_15.html.json", "(모스크바=연합뉴스)", 3),
        ("portal_br_en_2025_04_15.html.json", "TBILISI, April 15", 3),
    ],
)
def test_lede_of_stored_pages(page: str, first_words: str, count: int) -> None:
    stored = _page(page)
    opening = lede(stored["text"], stored["title"])
    assert len(opening) == count and opening[0].startswith(first_words)
    assert " ".join(opening) in " ".join(stored["text"].split())
    assert not any(same_as_title(s, stored["title"]) for s in opening)


def test_same_as_title_ignores_case_spacing_and_end_marks() -> None:
    assert same_as_title("  KREMLIN ready to  normalize ties. ", "Kremlin ready to normalize ties")
    assert not same_as_title("Kremlin ready to normalize ties with Georgia", "Kremlin ready")
    assert not same_as_title("", "")


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert shorten("short text", 20) == "short text"
    assert shorten("one two three four", 12) == "one two…"
