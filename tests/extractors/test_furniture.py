from __future__ import annotations

from extractors.furniture import dominant_script, strip_furniture

ARTICLE = """صدى البلد البلد سبورت قناة صدى البلد
Supervisor Samira Adel
Editor in Chief Karim Fawzy
ads
The Kremlin building in Moscow
The Kremlin building in Moscow
Russia remains willing to normalize its relations with Georgia, Peskov said.
Also Read:
Back to top button"""


def test_furniture_lines_are_dropped_and_paragraphs_kept() -> None:
    assert strip_furniture(ARTICLE) == (
        "Russia remains willing to normalize its relations with Georgia, Peskov said."
    )


def test_long_masthead_like_sentence_is_kept() -> None:
    line = "Editor in chief of the paper said the government would not comment on the talks."
    assert strip_furniture(line) == line


def test_dominant_script() -> None:
    assert dominant_script("საქართველოს მთავრობა and a word") == "GEORGIAN"
    assert dominant_script("123") is None
