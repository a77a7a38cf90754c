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
    # "ок" begins only October's names in Russian, but two letters are no cut.
    assert in_english("5 ок 2025", "ru") == "5 ок 2025"
    assert "October" in in_english("5 окт 2025", "ru")


def test_a_weekday_is_no_cut_of_a_month() -> None:
    # French "mar." is Tuesday (mardi), though it begins "mars".
    assert written_datetime("mar. 5 nov. 2025", "fr") == datetime(2025, 11, 5, tzinfo=UTC)


def test_names_in_every_context_and_case() -> None:
    months = names_of("ru").months  # type: ignore[union-attr]
    assert months["ноября"] == months["ноябрь"] == 11  # the genitive and the name alone
    # Turkish and Azerbaijani capitals lower as their alphabets do (I to ı, İ to i).
    assert written_datetime("05 KASIM 2025", "tr") == datetime(2025, 11, 5, tzinfo=UTC)
    assert written_datetime("05 EKİ 2025", "tr") == datetime(2025, 10, 5, tzinfo=UTC)
    assert written_datetime("5 İyun 2025", "az") == datetime(2025, 6, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("printed", "language", "published"),
    [
        ("5 de dezembro de 2025", "pt", datetime(2025, 12, 5, tzinfo=UTC)),
        ("05-дек-2025", "ru", datetime(2025, 12, 5, tzinfo=UTC)),
        # Georgian inflects the month ("დეკემბრის", of December): its first letters decide.
        ("2025 წლის 5 დეკემბრის", "ka", datetime(2025, 12, 5, tzinfo=UTC)),
        # An English date on a page in another language: Finnish "mar" begins November's
        # name, French "mar" is Tuesday.
        ("Mar 5, 2025", "fi", datetime(2025, 3, 5, tzinfo=UTC)),
        ("Mar 5, 2025", "fr", datetime(2025, 3, 5, tzinfo=UTC)),
        # A letter glued to digits is no weekday (Hungarian "h" is Monday's cut).
        ("2025. december 5. 14h30", "hu", datetime(2025, 12, 5, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates_around_the_names(printed: str, language: str, published: datetime) -> None:
    assert written_datetime(printed, language) == published


@pytest.mark.parametrize(
    ("printed", "language"),
    [
        ("16 ноября, 14:30 · 2024 просмотра", "ru"),
        ("5 დეკ, 14:30 | ნახვები: 2024", "ka"),
        ("16 November, 14:30 · 2024 views", None),
    ],
)
def test_a_count_beside_a_date_is_no_year(printed: str, language: str | None) -> None:
    assert written_datetime(printed, language) is None
    # The same date with its year is read.
    with_year = printed.replace(", 14:30", " 2025, 14:30")
    assert written_datetime(with_year, language) is not None


@pytest.mark.parametrize("language", [None, "", "en", "und", "xx", "en-GB"])
def test_languages_without_names_leave_the_text_alone(language: str | None) -> None:
    assert names_of(language) is None
    assert in_english("Tue, 15 mar 2022", language) == "Tue, 15 mar 2022"
