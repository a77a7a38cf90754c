from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from extractors.dates import written_datetime
from extractors.month_names import in_english, names_of

MSK = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("printed", "language", "published"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", "pt", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("Пт, 05 дек 2025 10:15:00 +0300", "ru-RU", datetime(2025, 12, 5, 10, 15, tzinfo=MSK)),
        # Genitive forms, CLDR's own cut ("сент.") and a shorter one that begins one month only.
        ("16 ноября 2025 г., 14:30", "ru", datetime(2025, 11, 16, 14, 30, tzinfo=UTC)),
        ("30 сент. 2025", "ru", datetime(2025, 9, 30, tzinfo=UTC)),
        ("30 сен 2025", "ru", datetime(2025, 9, 30, tzinfo=UTC)),
        ("12 серпня 2025 року, 09:15", "uk", datetime(2025, 8, 12, 9, 15, tzinfo=UTC)),
        ("Cum, 05 Ara 2025 10:00:00 +0300", "tr", datetime(2025, 12, 5, 10, tzinfo=MSK)),
        ("03 Dek 2025 14:05", "az", datetime(2025, 12, 3, 14, 5, tzinfo=UTC)),
        ("05 დეკ 2025", "ka", datetime(2025, 12, 5, tzinfo=UTC)),
        ("السبت 12 أغسطس 2025 - 10:30", "ar", datetime(2025, 8, 12, 10, 30, tzinfo=UTC)),
        # Italian "mar" is Tuesday before a comma and March beside a number.
        (
            "mar, 15 nov 2022 00:38:15 +0100",
            "IT-it",
            datetime(2022, 11, 14, 23, 38, 15, tzinfo=UTC),
        ),
        ("15 mar 2022", "it", datetime(2022, 3, 15, tzinfo=UTC)),
        # An English date on a page in another language is read as before.
        ("Tue 15 Apr 2025 | 08:18 AM", "ar", datetime(2025, 4, 15, 8, 18, tzinfo=UTC)),
    ],
)
def test_a_date_printed_in_the_pages_language(
    printed: str, language: str, published: datetime
) -> None:
    assert written_datetime(printed, language) == published


@pytest.mark.parametrize(
    ("printed", "language"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", "pt"),
        ("16 ноября 2025 г., 14:30", "ru"),
        ("05 დეკ 2025", "ka"),
    ],
)
def test_the_language_is_what_reads_it(printed: str, language: str) -> None:
    # The same text without its language, or in another, is no date.
    assert written_datetime(printed) is None
    assert written_datetime(printed, "de") is None


def test_arabic_writes_months_whole() -> None:
    # "سبت" (Saturday, without its article) begins September's name; Arabic has no cuts.
    assert "September" not in in_english("سبت 12 أغسطس 2025", "ar")
    assert in_english("12 أغسطس 2025", "ar").split() == ["12", "August", "2025"]


def test_a_cut_that_begins_two_months_is_not_read() -> None:
    # Czech "červ" begins both června (June) and července (July); "červn" only June's.
    assert in_english("5 červ 2025", "cs") == "5 červ 2025"
    assert "June" in in_english("5 červn 2025", "cs")
    assert in_english("5 ма 2025", "ru") == "5 ма 2025"  # two letters are no cut


@pytest.mark.parametrize("language", [None, "", "en", "und", "xx", "en-GB"])
def test_languages_without_names_leave_the_text_alone(language: str | None) -> None:
    assert names_of(language) is None
    assert in_english("Tue, 15 mar 2022", language) == "Tue, 15 mar 2022"
