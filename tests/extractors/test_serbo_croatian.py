import pytest

from extractors.serbo_croatian import CROATIAN, SERBIAN, serbian_or_croatian
from extractors.words import words_of


@pytest.mark.parametrize(
    ("text", "read_as", "told"),
    [
        # The ekavian reflex and Serbian's own words against Croatian's ijekavian ones.
        ("Predsednik je posle sastanka rekao da saradnja ide dobro", "hr", "sr"),
        ("Predsjednik je poslije sastanka rekao da suradnja ide dobro", "hr", None),
        # Typed without its letters (takođe as takodje or takode, sledeće as sledece).
        ("Takodje, vlada ce sledece nedelje usvojiti budzet", "hr", "sr"),
        ("Takode, vlada ce sledece nedelje usvojiti budzet", "hr", "sr"),
        # A modal verb joined to the present with da; Croatian writes the infinitive.
        ("Vlada treba da usvoji budžet", "hr", "sr"),
        ("Vlada treba usvojiti proračun", "hr", None),
        # Slovenian writes "ni treba, da": read as Slovenian, the pair does not count.
        ("Ni treba, da vlada sprejme proračun", "sl", None),
        # Read as Slovenian, words Slovenian writes too count for neither...
        ("Predsednik je posle sestanka", "sl", None),
        # ...but those it does not write do, for either language.
        ("Uhapšen osumnjičeni za ubistvo", "sl", "sr"),
        ("Vlada donijela novi paket mjera", "sl", "hr"),
        # Ijekavian Serbian of Republika Srpska writes both kinds: no answer either way.
        ("Predsjednik Republike Srpske o saradnji", "hr", None),
        # A word Croatian writes too in sport, quoted speech or names counts only beside
        # another Serbian one.
        ("Bogdanović ubacio 25 poena tokom utakmice", "hr", None),
        ("Uhapšen navijač tokom utakmice", "hr", "sr"),
        # Read as Croatian, Croatian words cannot make it Croatian again.
        ("Vlada donijela novi paket mjera", "hr", None),
    ],
)
def test_serbian_or_croatian(text: str, read_as: str, told: str | None) -> None:
    assert serbian_or_croatian(words_of(text), read_as) == told


def test_no_word_is_both_serbian_and_croatian() -> None:
    assert not SERBIAN & CROATIAN
