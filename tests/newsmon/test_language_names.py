from __future__ import annotations

from newsmon.language_names import language_name


def test_languages_are_named_and_an_unknown_one_is_said_so() -> None:
    assert [language_name(code) for code in ("ka", "hy", "az", "os")] == [
        "Georgian",
        "Armenian",
        "Azerbaijani",
        "Ossetic",
    ]
    assert language_name("und") == language_name(None) == "language unknown"
    # A code CLDR has no name for is shown as it is.
    assert language_name("xx") == "xx"
