from __future__ import annotations

from extractors.stories import normalized_title, same_story, story_key, text_share
from tests.conftest import FIXTURES

STORIES = FIXTURES / "stories"


def _key(name: str, title: str = "") -> object:
    return story_key(title, (STORIES / name).read_text(encoding="utf-8"))


def test_outlet_name_and_punctuation_do_not_make_another_title() -> None:
    assert normalized_title("Kremlin: ready to normalize ties — Agenda.ge", "Agenda.ge") == (
        "kremlin ready to normalize ties"
    )
    assert normalized_title("Civil.ge | Kremlin ready to normalize ties!", "Civil.ge") == (
        "kremlin ready to normalize ties"
    )
    # A colon inside the headline is the headline's own.
    assert normalized_title("Peskov: no timeline", "TASS") == "peskov no timeline"


def test_reprints_with_other_furniture_are_one_story() -> None:
    wire = story_key("Kremlin open to normalization", (STORIES / "tass_like.txt").read_text())
    for name, title in (("agenda_like.txt", "Peskov on Georgia"), ("see_like.txt", "Kremlin")):
        copy = story_key(title, (STORIES / name).read_text(encoding="utf-8"))
        assert same_story(wire, copy), (name, text_share(wire, copy))


def test_another_report_on_the_same_subject_is_new_coverage() -> None:
    wire = story_key("Kremlin open to normalization", (STORIES / "tass_like.txt").read_text())
    other = story_key("Kobakhidze: red lines", (STORIES / "other_story.txt").read_text())
    assert not same_story(wire, other)
    assert text_share(wire, other) < 0.1


def test_short_texts_are_compared_by_title_only() -> None:
    a = story_key("Kremlin ready", "Peskov said Russia is ready.")
    b = story_key("Lavrov speaks", "Peskov said Russia is ready.")
    assert a.signature == () and not same_story(a, b)
    assert same_story(a, story_key("Kremlin ready!", "Other words entirely."))
