"""Language identification accuracy: newsmon against bare langdetect, per language, on the
labelled sentences (Leipzig corpora via lingua-py), full sentences and their first 20
characters. Run: .venv/bin/python benchmarks/language.py
"""

from __future__ import annotations

import json
import time
from collections import Counter

from common import DATA, require
from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from extractors.language import detect_language

DESK = ("en", "ru", "ka", "ar", "uk", "tr", "hy", "az", "de", "fr")


def bare(text: str) -> str:
    DetectorFactory.seed = 0
    try:
        return str(detect(text)).split("-")[0]
    except LangDetectException:
        return "und"


def main() -> None:
    path = require(DATA / "langid" / "sentences.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    total: Counter[str] = Counter()
    right = {name: Counter[str]() for name in ("newsmon", "langdetect", "newsmon@20")}
    timing = {"newsmon": 0.0, "langdetect": 0.0}
    for row in rows:
        lang, text = row["lang"], row["text"]
        total[lang] += 1
        started = time.perf_counter()
        right["newsmon"][lang] += detect_language(text).code == lang
        timing["newsmon"] += time.perf_counter() - started
        started = time.perf_counter()
        right["langdetect"][lang] += bare(text) == lang
        timing["langdetect"] += time.perf_counter() - started
        right["newsmon@20"][lang] += detect_language(text[:20]).code == lang
    print(
        f"{len(rows)} sentences, {len(total)} languages; "
        f"ms/sentence: newsmon {1000 * timing['newsmon'] / len(rows):.2f}, "
        f"langdetect {1000 * timing['langdetect'] / len(rows):.2f}"
    )
    print(f"{'lang':6} {'n':>5} {'newsmon':>8} {'langdetect':>10} {'newsmon@20ch':>12}")

    def line(label: str, langs: list[str]) -> str:
        n = sum(total[x] for x in langs)
        cells = [sum(right[name][x] for x in langs) / n for name in right]
        return f"{label:6} {n:5d} " + " ".join(
            f"{c:>{w}.3f}" for c, w in zip(cells, (8, 10, 12), strict=True)
        )

    for lang in DESK:
        print(line(lang, [lang]))
    print(line("desk", list(DESK)))
    others = sorted(set(total) - set(DESK))
    print(line("other", others))
    print(line("all", sorted(total)))
    print("\nother languages, newsmon accuracy:")
    print(", ".join(f"{x} {right['newsmon'][x] / total[x]:.3f}" for x in others))


if __name__ == "__main__":
    main()
