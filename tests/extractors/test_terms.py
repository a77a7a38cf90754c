from __future__ import annotations

import tomllib

import pytest

from extractors.terms import compile_terms, find_terms, implied_concepts
from tests.conftest import ROOT

TERMS = compile_terms(
    tomllib.loads((ROOT / "config" / "topics" / "russia-georgia.toml").read_text(encoding="utf-8"))
)


@pytest.mark.parametrize(
    "text",
    [
        "Россия готова к восстановлению дипломатических отношений с Грузией",
        "რუსეთი მზადაა საქართველოსთან ურთიერთობების ნორმალიზებისთვის",
        "أكد الكرملين استعداد روسيا لتطبيع العلاقات مع جورجيا",
        "Kremlin reaffirms readiness to normalize ties with Georgia",
        "Росія готова нормалізувати відносини з Грузією",
        "Rusya Gürcistan ile ilişkileri normalleştirmeye hazır",
        "Ռուսաստանը պատրաստ է Վրաստանի հետ հարաբերությունների կարգավորմանը",
        "Rusiya Gürcüstanla münasibətləri normallaşdırmağa hazırdır",
        "Russland ist zur Normalisierung der Beziehungen zu Georgien bereit",
        "La Russie est prête à normaliser ses relations avec la Géorgie",
    ],
)
def test_all_three_concepts_found_in_every_desk_language(text: str) -> None:
    assert {"russia", "georgia", "relations"} <= set(find_terms(text, TERMS))


def test_inflections_and_clitics() -> None:
    found = find_terms("والتطبيع مع جورجيا", TERMS)
    assert found["relations"] == ["والتطبيع"]
    assert find_terms("с Грузией", TERMS)["georgia"] == ["грузией"]


def test_rapprochement_in_georgian_is_not_approximately() -> None:
    """დაახლოებით, "approximately", is the instrumental case of დაახლოება, "rapprochement":
    one Georgian sentence in sixty of general news has it, and it says nothing of relations."""
    assert find_terms("მოსკოვთან დაახლოების კურსი", TERMS)["relations"] == ["დაახლოების"]
    assert find_terms("რუსეთთან დაახლოებას აკრიტიკებს", TERMS)["relations"] == ["დაახლოებას"]
    assert "relations" not in find_terms("რიგში დაახლოებით 900 სატვირთო დგას", TERMS)


def test_us_state_markers() -> None:
    assert "us_state" in find_terms("Atlanta, Georgia: Governor Brian Kemp", TERMS)


def test_word_start_only() -> None:
    assert "russia" not in find_terms("prussian history", TERMS)
    # Rustavi and Rustaveli are Georgian, not Russian.
    assert "russia" not in find_terms("რუსთავის აქცია რუსთაველის გამზირზე", TERMS)


@pytest.mark.parametrize(
    ("text", "russia"),
    [
        # Spanish rusa and rusas, not Indonesian rusak (broken).
        ("la delegación rusa", True),
        ("las tropas rusas", True),
        ("jalan rusak di Georgia", False),
    ],
)
def test_a_term_marked_whole_matches_only_the_whole_word(text: str, russia: bool) -> None:
    assert ("russia" in find_terms(text, TERMS)) is russia


@pytest.mark.parametrize(
    ("text", "russia"),
    [
        # Arabic: Russia, the Russians, Rosneft; not Rustaveli Avenue nor Rustavi, in Tbilisi
        # protest news, which begin as the Persian term for the Russians (روس) does.
        ("روسيا وجورجيا", True),
        ("شركة روسنفت", True),
        ("احتجاجات في شارع روستافيلي في تبليسي", False),
        ("مصنع في روستافي", False),
        # Persian: the Russians (before the plural's ZWNJ too), not a village or a headscarf.
        ("روس‌ها", True),
        ("روستای مرزی", False),
        ("روسری", False),
    ],
)
def test_words_a_concept_excepts_do_not_count_for_it(text: str, russia: bool) -> None:
    assert ("russia" in find_terms(text, TERMS)) is russia


def test_loading_is_not_georgia() -> None:
    assert "georgia" not in find_terms("Компания грузит зерно, вагоны грузили всю ночь", TERMS)
    assert find_terms("Грузия и грузинские вина", TERMS)["georgia"] == ["грузия", "грузинские"]


def test_georgian_script_implies_georgia_and_others_do_not() -> None:
    assert implied_concepts("ოპოზიცია ხელისუფლებას აკრიტიკებს", TERMS) == ["georgia"]
    assert implied_concepts("Опозиция критикует власти", TERMS) == []
    # A Georgian quote inside an English article does not make the article Georgian.
    assert implied_concepts("The banner read 'თავისუფლება' outside parliament.", TERMS) == []


def test_third_countries_are_found() -> None:
    found = find_terms("Армения и Азербайджан обсудили нормализацию в Москве", TERMS)
    assert {"third_country", "relations", "russia"} <= set(found)


def test_bad_script_class_is_rejected() -> None:
    with pytest.raises(ValueError, match="implied_by_script"):
        compile_terms({"concepts": {"a": {"en": ["x"]}}, "implied_by_script": {"a": "z-a"}})


def test_bad_topic_file_is_rejected() -> None:
    with pytest.raises(ValueError, match="concepts"):
        compile_terms({"name": "x"})
    with pytest.raises(ValueError, match="non-empty"):
        compile_terms({"concepts": {"a": {"en": [""]}}})
