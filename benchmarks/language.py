"""Language identification: newsmon against lingua and bare langdetect, in one run on the
same texts. The labelled sentences (Leipzig corpora via lingua-py; a test split frozen on
2026-12-02, and a development split), read as sentences, as their first 20 characters and
as their first two words (titles), and as paragraphs of twelve sentences (longer than
newsmon's bounded sample); then the
region-language texts of tests/fixtures/language/ (right, und, wrong neighbour), and the
Serbian, Croatian, Bosnian, Montenegrin and Slovenian texts in Latin letters of seeds/language/
(the split's file).
Prints markdown tables for docs/benchmarks.md.

Run: .venv/bin/python benchmarks/language.py [--per-language N] [--split test|dev]
     (default 200 a language of the test split; 0 = all)
Needs lingua: .venv/bin/pip install -e '.[bench]'   (or: pip install lingua-language-detector)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from common import DATA, ROOT, require
from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from extractors.language import detect_language
from extractors.words import LISTED, RANKED, fit, ranked_fit, words_of

DESK = ("en", "ru", "ka", "ar", "uk", "tr", "hy", "az", "de", "fr")
# Languages around the desk's that the test data has (Kyrgyz, Tajik, Ossetian and Abkhaz
# it has not: tests/fixtures/language/ holds texts written for them).
REGION = ("be", "bg", "kk", "mk", "mn", "sr", "fa", "ur", "he")
FORMS = ("sentence", "title (2 words)", "first 20 characters", "paragraph")
FIXTURES = ROOT / "tests" / "fixtures" / "language"
SEEDS = ROOT / "seeds" / "language"
# Languages of the test data that newsmon has no profile, alphabet table or word list for.
UNKNOWN_TO_NEWSMON = {
    "bs", "eo", "eu", "ga", "la", "lg", "mi", "nn", "sn", "st", "tn", "ts", "xh", "yo", "zu",
}  # fmt: skip

_PARAGRAPH = 12
# Each language's first sentences are the development split (errors were read from them);
# the rest is the test split.
DEV_SIZE = 500


def bare(text: str) -> str:
    DetectorFactory.seed = 0
    try:
        return str(detect(text)).split("-")[0]
    except LangDetectException:
        return "und"


def lingua_identifier() -> Callable[[str], str]:
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError:
        sys.exit(
            "lingua is not installed: .venv/bin/pip install -e '.[bench]' "
            "(or .venv/bin/pip install lingua-language-detector)"
        )
    detector = LanguageDetectorBuilder.from_all_languages().build()

    def identify(text: str) -> str:
        found: Any = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else "und"

    return identify


def forms_of(rows: list[dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    by_language: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_language[row["lang"]].append(row["text"])
    paragraphs = [
        (lang, " ".join(texts[i : i + _PARAGRAPH]))
        for lang, texts in by_language.items()
        for i in range(0, len(texts) - _PARAGRAPH + 1, _PARAGRAPH)
    ]
    return {
        "sentence": [(r["lang"], r["text"]) for r in rows],
        "title (2 words)": [(r["lang"], two_words(r["text"])) for r in rows],
        "first 20 characters": [(r["lang"], r["text"][:20]) for r in rows],
        "paragraph": paragraphs,
    }


def two_words(text: str) -> str:
    """The first two words of a sentence, skipping tokens without a letter (verse numbers,
    dates, dashes), as a two-word title would read."""
    return " ".join([token for token in text.split() if any(c.isalpha() for c in token)][:2])


def load(per_language: int, split: str) -> list[dict[str, str]]:
    """The first ``per_language`` sentences of each language in the split: ``dev`` is each
    language's first 500 in file order, ``test`` the rest (frozen on 2026-12-02)."""
    path = require(DATA / "langid" / "sentences.jsonl")
    rows, seen, taken = [], Counter[str](), Counter[str]()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        position = seen[row["lang"]]
        seen[row["lang"]] += 1
        if (position < DEV_SIZE) != (split == "dev"):
            continue
        if per_language and taken[row["lang"]] >= per_language:
            continue
        taken[row["lang"]] += 1
        rows.append(row)
    return rows


# Right answers and ``und`` answers per identifier and language, seconds per identifier,
# texts per language.
Result = tuple[dict[str, Counter[str]], dict[str, float], Counter[str], dict[str, Counter[str]]]


def run(systems: dict[str, Callable[[str], str]], texts: list[tuple[str, str]]) -> Result:
    right = {name: Counter[str]() for name in systems}
    unds = {name: Counter[str]() for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    total = Counter(lang for lang, _ in texts)
    for name, identify in systems.items():
        started = time.perf_counter()
        for lang, text in texts:
            found = identify(text)
            right[name][lang] += found == lang
            unds[name][lang] += found == "und"
        seconds[name] = time.perf_counter() - started
    return right, seconds, total, unds


def accuracy_table(form: str, result: Result, names: list[str]) -> None:
    right, seconds, total, _ = result
    n_texts = sum(total.values())
    print(f"\n### {form}: accuracy ({n_texts} texts)\n")
    print("| lang | n | " + " | ".join(names) + " |")
    print("| --- | --- |" + " --- |" * len(names))

    def line(label: str, langs: list[str]) -> None:
        n = sum(total[x] for x in langs)
        cells = [sum(right[name][x] for x in langs) / n for name in names]
        print(f"| {label} | {n} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")

    for lang in DESK:
        line(lang, [lang])
    line("**ten desk languages**", list(DESK))
    for lang in REGION:
        line(lang, [lang])
    others = sorted(set(total) - set(DESK))
    line(f"other {len(others)}", others)
    line("all", sorted(total))
    unsupported = unsupported_outcomes(result, names)
    print(f"\nLanguages none of newsmon's tables, profiles or lists know: {unsupported}")
    times = ", ".join(f"{name} {1000 * seconds[name] / n_texts:.2f}" for name in names)
    print(f"\nms per text: {times}")
    worst = {name: _worst(right[name], total, others) for name in names}
    for name in names:
        print(f"\n{name}, other languages below 0.9: {worst[name]}")


def unsupported_outcomes(result: Result, names: list[str]) -> str:
    """For texts in languages newsmon cannot name (Zulu, Basque...): how often each
    identifier answers ``und`` (the wanted answer) rather than another language."""
    _, _, total, unds = result
    langs = [x for x in total if x in UNKNOWN_TO_NEWSMON]
    n = sum(total[x] for x in langs)
    und = {name: sum(unds[name][x] for x in langs) for name in names}
    return f"{n} texts; und: " + ", ".join(f"{name} {und[name] / n:.3f}" for name in names)


def _worst(right: Counter[str], total: Counter[str], langs: list[str]) -> str:
    low = [(right[x] / total[x], x) for x in langs if right[x] / total[x] < 0.9]
    return ", ".join(f"{x} {a:.2f}" for a, x in sorted(low)) or "none"


def shared_titles(texts: list[tuple[str, str]]) -> None:
    """newsmon's wrong answers on the desk languages' two-word titles, and how many of them
    the answered language's word list knows word for word ("Bundan sonra" is Turkish as
    much as Azerbaijani): words cannot tell those apart, so they bound what word evidence can
    win back."""
    wrong, shared = Counter[str](), Counter[str]()
    for lang, text in texts:
        if lang not in DESK or (answer := detect_language(text).code) == lang:
            continue
        wrong[lang] += 1
        words = words_of(text)
        if any(answer in listed for listed in LISTED.values()):
            shared[lang] += bool(words) and fit(words, answer).known == 1
        elif answer in RANKED:
            shared[lang] += bool(words) and ranked_fit(words, answer).known == 1
    cells = ", ".join(f"{lang} {shared[lang]} of {wrong[lang]}" for lang in DESK if wrong[lang])
    print(f"\nnewsmon's wrong two-word titles whose words the answered language knows: {cells}")


def region_table(systems: dict[str, Callable[[str], str]]) -> None:
    """Right / und / wrong counts on the texts written for the region's languages (their
    true language; the tests hold newsmon to ``expected``, which is ``und`` for the few
    texts whose letters and words cannot tell)."""
    cases = []
    for path in sorted(FIXTURES.glob("*.json")):
        cases += [((path.stem,), c["text"], c["language"]) for c in json.loads(path.read_text())]
    heading = f"Region languages, texts of tests/fixtures/language/ ({len(cases)} texts)"
    outcome_table(heading, ("language",), cases, systems)


def serbo_croatian_table(systems: dict[str, Callable[[str], str]], split: str) -> None:
    """Right / und / wrong counts on seeds/language/serbo-croatian-{split}.jsonl: Serbian,
    Croatian, Bosnian, Montenegrin and Slovenian in Latin letters, titles and sentences apart
    (Bosnian and Montenegrin are languages newsmon cannot name: ``und`` is its best)."""
    path = SEEDS / f"serbo-croatian-{split}.jsonl"
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        variety = f" ({case['variety']})" if case["variety"] else ""
        cases.append(((case["language"] + variety, case["form"]), case["text"], case["language"]))
    heading = f"Serbian and its neighbours in Latin letters, {path.name} ({len(cases)} texts)"
    outcome_table(heading, ("language", "form"), cases, systems)


def outcome_table(
    heading: str,
    columns: tuple[str, ...],
    cases: list[tuple[tuple[str, ...], str, str]],
    systems: dict[str, Callable[[str], str]],
) -> None:
    """Per group of ``cases`` (group, text, true language): how many texts each system
    answers right, ``und`` or wrong."""
    print(f"\n### {heading}\n")
    names = list(systems)
    head = " | ".join(columns)
    print(f"| {head} | n | " + " | ".join(f"{n} right / und / wrong" for n in names) + " |")
    print("|" + " --- |" * (len(columns) + 1 + len(names)))
    counts: dict[tuple[str, ...], dict[str, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for group, text, expected in cases:
        for name, identify in systems.items():
            found = identify(text)
            outcome = "right" if found == expected else "und" if found == "und" else "wrong"
            counts[group][name][outcome] += 1
    for group, by_system in sorted(counts.items()):
        n = by_system[names[0]].total()
        cells = ["{right} / {und} / {wrong}".format_map(by_system[name]) for name in names]
        print(f"| {' | '.join(group)} | {n} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-language", type=int, default=200)
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    args = parser.parse_args()
    per_language = args.per_language
    lingua = lingua_identifier()
    systems: dict[str, Callable[[str], str]] = {
        "newsmon": lambda text: detect_language(text).code,
        "lingua": lingua,
        "langdetect": bare,
    }
    rows = load(per_language, args.split)
    print(
        f"Run {date.today().isoformat()}: {len(rows)} labelled sentences "
        f"({per_language or 'all'} per language) of ../shared/data/langid, {args.split} split."
    )
    for form, texts in forms_of(rows).items():
        accuracy_table(form, run(systems, texts), list(systems))
        if form == "title (2 words)":
            shared_titles(texts)
    region_table(systems)
    serbo_croatian_table(systems, args.split)


if __name__ == "__main__":
    main()
