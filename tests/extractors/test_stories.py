from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from extractors.stories import (
    APART_PER_DAY,
    FLOOR,
    NAMES_EXPECTED,
    NAMES_WEIGHT,
    SAME_EVENT,
    SAME_EVENT_ACROSS_LANGUAGES,
    StoryKey,
    closest_story,
    normalized_title,
    one_event_groups,
    same_copy,
    stories_of_one_event,
    story_key,
    text_share,
)
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
        assert same_copy(wire, copy), (name, text_share(wire, copy))


def test_another_report_on_the_same_subject_is_new_coverage() -> None:
    wire = story_key("Kremlin open to normalization", (STORIES / "tass_like.txt").read_text())
    other = story_key("Kobakhidze: red lines", (STORIES / "other_story.txt").read_text())
    assert not same_copy(wire, other)
    assert text_share(wire, other) < 0.1


def test_short_texts_are_compared_by_title_only() -> None:
    a = story_key("Kremlin ready", "Peskov said Russia is ready.")
    b = story_key("Lavrov speaks", "Peskov said Russia is ready.")
    assert a.signature == () and not same_copy(a, b)
    assert same_copy(a, story_key("Kremlin ready!", "Other words entirely."))


def _lead(cosine: float) -> bytes:
    """A unit vector at this cosine from the first axis."""
    vector = np.zeros(8, dtype=np.float16)
    vector[:2] = cosine, np.sqrt(1 - cosine**2)
    return vector.tobytes()


def _report(
    cosine: float, language: str, title: str = "", names: frozenset[str] = frozenset()
) -> StoryKey:
    return StoryKey(title, (), _lead(cosine), language, names)


def test_a_report_joins_the_story_whose_lead_is_furthest_above_its_bar() -> None:
    """Leads (TopicScore.vector) decide when neither title nor text is shared: across
    languages from SAME_EVENT_ACROSS_LANGUAGES, within one from SAME_EVENT; the story
    furthest above its bar wins, not the first one above it."""
    report = _report(1.0, "en", "peskov ready")
    between = (SAME_EVENT + SAME_EVENT_ACROSS_LANGUAGES) / 2
    assert closest_story(report, [("ka", [_report(between, "ka")])]) == "ka"
    assert closest_story(report, [("en", [_report(between, "en")])]) is None
    # "und" is no language to share: the bar across languages.
    assert closest_story(report, [("und", [_report(between, "und")])]) == "und"
    stories = [
        ("first", [_report(SAME_EVENT_ACROSS_LANGUAGES + 0.01, "ru")]),
        ("furthest", [StoryKey("other title", ()), _report(SAME_EVENT + 0.2, "en")]),
    ]
    assert closest_story(report, stories) == "furthest"
    # A shared title wins over any lead; without a vector only titles and texts count.
    assert closest_story(report, [*stories, ("titled", [StoryKey("peskov ready", ())])]) == (
        "titled"
    )
    assert closest_story(StoryKey("x", (), b"", "en"), stories) is None


def test_a_story_counts_halfway_between_its_nearest_lead_and_their_average() -> None:
    """A neighbouring event's story with one report near this one (it mentions this event)
    and the others far is not joined; a story whose leads are all fairly near is, though its
    nearest is less near than the neighbour's."""
    across = SAME_EVENT_ACROSS_LANGUAGES
    report = _report(1.0, "en")
    neighbour = [
        _report(across + 0.06, "ru"),
        _report(across - 0.15, "ka"),
        _report(across - 0.12, "de"),
    ]
    assert closest_story(report, [("neighbour", neighbour)]) is None
    own = [_report(across + 0.03, "ru"), _report(across - 0.01, "ka")]
    assert closest_story(report, [("neighbour", neighbour), ("own", own)]) == "own"


def test_a_story_is_of_the_same_event_when_its_leads_are_on_average_above_the_bar() -> None:
    """A story split by the order its reports came in has leads near the joined story's on
    average; a neighbouring event's story may have one lead as near, and others far."""
    across = SAME_EVENT_ACROSS_LANGUAGES
    joined = [_report(1.0, "en")]
    split = [StoryKey("title", ()), _report(across + 0.05, "ru"), _report(across - 0.03, "ka")]
    neighbour = [_report(across + 0.05, "ru"), _report(across - 0.15, "ka")]
    stories = [("split", split), ("neighbour", neighbour), ("untold", [StoryKey("t", ())])]
    assert stories_of_one_event(joined, stories) == ["split"]


def _window(
    a_b: float, nearby: float, count: int = 10
) -> tuple[StoryKey, StoryKey, list[StoryKey]]:
    """A Georgian lead A and an English one B at cosine ``a_b``, and ``count`` Russian leads
    each at cosine ``nearby`` from both and further from one another."""
    size = count + 2
    a, b = np.zeros(size), np.zeros(size)
    a[0], b[:2] = 1.0, (a_b, np.sqrt(1 - a_b**2))
    # A neighbour's part along B's own axis makes its cosine with B what it is with A.
    along = nearby * (1 - a_b) / np.sqrt(1 - a_b**2)
    others = []
    for i in range(count):
        vector = np.zeros(size)
        vector[:2] = nearby, along
        vector[2 + i] = np.sqrt(1 - nearby**2 - along**2)
        others.append(StoryKey("", (), vector.astype(np.float16).tobytes(), "ru"))
    return (
        StoryKey("", (), a.astype(np.float16).tobytes(), "ka"),
        StoryKey("", (), b.astype(np.float16).tobytes(), "en"),
        others,
    )


def test_settled_stories_are_one_where_their_leads_are_nearer_than_to_the_rest() -> None:
    """A and B, under the bar across languages by 0.07, are one event where every other
    report of the window is much further from both (the encoder reads their languages as
    far from all), and not where the others are as near as the bar: the same pair, told
    apart by the reports around it."""
    a_b = SAME_EVENT_ACROSS_LANGUAGES - 0.07
    a, b, far = _window(a_b, nearby=0.0)
    assert one_event_groups([("A", [a]), ("B", [b])], far) == [["A", "B"]]
    a, b, near = _window(a_b, nearby=SAME_EVENT_ACROSS_LANGUAGES + 0.03)
    assert one_event_groups([("A", [a]), ("B", [b])], near) == []


def test_settled_stories_further_than_the_floor_stay_apart_however_far_the_rest() -> None:
    """In a window of reports far from one another, the pair relatively nearest is still
    no event unless its leads are within FLOOR of the bar."""
    for below, groups in ((-FLOOR - 0.05, [["A", "B"]]), (-FLOOR + 0.05, [])):
        a, b, far = _window(SAME_EVENT_ACROSS_LANGUAGES - below, nearby=0.0)
        assert one_event_groups([("A", [a]), ("B", [b])], far) == groups, below


def test_settled_stories_weighed_before_are_joined_only_with_a_fresh_one() -> None:
    """Two stories weighed together before are not weighed again as their neighbours
    change; a fresh one of the two is."""
    a, b, far = _window(SAME_EVENT_ACROSS_LANGUAGES - 0.07, nearby=0.0)
    assert one_event_groups([("A", [a]), ("B", [b])], far, fresh=[]) == []
    assert one_event_groups([("A", [a]), ("B", [b])], far, fresh=["B"]) == [["A", "B"]]


def test_names_shared_or_not_move_a_lead_across_its_bar() -> None:
    """Two flights announced the same week: leads this close are one event when they name
    the same places (Kazan, Batumi), not when they name others (Kutaisi, Moscow); without
    names on either side the lead alone decides."""
    flight = frozenset({"kzn", "btm"})
    report = _report(1.0, "en", "kama avia to fly kazan batumi", flight)
    # Sharing two names in a pool of two lifts the cosine by about 0.04, sharing none lowers
    # it by NAMES_WEIGHT * NAMES_EXPECTED (0.025).
    below = SAME_EVENT_ACROSS_LANGUAGES - 0.02
    above = SAME_EVENT_ACROSS_LANGUAGES + NAMES_WEIGHT * NAMES_EXPECTED / 2
    assert closest_story(report, [("same", [_report(below, "ru", names=flight)])]) == "same"
    other = frozenset({"kts", "msk"})
    assert closest_story(report, [("other", [_report(above, "ru", names=other)])]) is None
    assert closest_story(report, [("unnamed", [_report(above, "ru")])]) == "unnamed"
    assert closest_story(report, [("unnamed", [_report(below, "ru")])]) is None


def test_an_uncased_word_is_a_name_where_a_capitalised_one_gives_its_key() -> None:
    """A Georgian report on a Samara flight: its სამარა is a name because a Russian report
    writes Самара, which lifts a lead just under the bar; the ordinary words two Georgian
    airline reports share (permit, airline, regular) are no names, though they would lift
    their leads over the bar if they were."""
    samara = StoryKey("", (), _lead(1.0), "ka", uncertain_names=frozenset({"smr", "nbr"}))
    russian = _report(SAME_EVENT_ACROSS_LANGUAGES - 0.01, "ru", names=frozenset({"smr"}))
    assert closest_story(samara, [("samara", [russian])]) == "samara"
    words = frozenset({"nbr", "vkm", "rgl"})
    report = StoryKey("", (), _lead(1.0), "ka", uncertain_names=words)
    other = replace(_report(SAME_EVENT - 0.02, "ka"), uncertain_names=words)
    assert closest_story(report, [("other", [other])]) is None


def test_leads_days_apart_need_to_be_closer() -> None:
    """A lead just above the bar joins a report of the same day, not one of three days before
    or after (the next release at the boundary line, or a report saved late); a report
    without a known time is compared by its lead alone."""
    morning = datetime(2026, 12, 2, 9, tzinfo=UTC)
    report = replace(_report(1.0, "en"), published=morning)
    lead = _report(SAME_EVENT_ACROSS_LANGUAGES + APART_PER_DAY / 2, "ru")
    for hours in (-10, 3, 11):
        same_day = replace(lead, published=morning + timedelta(hours=hours))
        assert closest_story(report, [("same", [same_day])]) == "same"
    for days in (-3, 3):
        apart = replace(lead, published=morning + timedelta(days=days))
        assert closest_story(report, [("apart", [apart])]) is None
    days_before = replace(lead, published=morning - timedelta(days=3))
    assert closest_story(report, [("untimed", [lead])]) == "untimed"
    assert closest_story(replace(report, published=None), [("earlier", [days_before])]) == (
        "earlier"
    )


def test_a_reports_names_come_from_its_headline_and_lead_in_its_language() -> None:
    """The outlet's part of the title and the language's common words give no names."""
    key = story_key(
        "Kama Avia to fly Kazan–Batumi from March - Agenda.ge",
        "On Monday the Russian carrier said it would fly from Kazan to Batumi.",
        "Agenda.ge",
        language="en",
    )
    assert key.names == {"kzn", "btm"}
