"""Article extraction quality and speed: newsmon's extractor against trafilatura's defaults,
on the same pages in one run.

- ScrapingHub article-extraction benchmark (181 pages, human-written article bodies):
  precision, recall and F1 over word tokens, per page and averaged over pages; pages that
  lost more than half of their body (recall below 0.5); pages more than 0.1 of F1 below
  trafilatura's defaults; time of extraction (newsmon's ``extract_article`` against
  trafilatura's defaults alone, same pages, one run each, alternated over three rounds; and
  newsmon's extraction followed by its language identification, as every page gets);
  and the same figures as a markdown table for docs/benchmarks.md.
- trafilatura's own annotations (110 pages): share of must-contain snippets found and of
  must-not-contain snippets kept out.
- newspaper4k's test pages (23 article pages with an expected text, 10 of them in Arabic,
  Burmese, Chinese, Japanese, Latvian, Spanish and Thai): the same token scores, with each
  character a token in scripts written without spaces; and the language newsmon detects
  for each page against the page's language.

Run: .venv/bin/python benchmarks/extraction.py
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from statistics import mean

import trafilatura
from common import DATA, require, scrapinghub_pages

from extractors.article import Unparseable, extract_article
from extractors.language import detect_language

# Han, kana, Thai, Lao, Myanmar and Khmer are written without spaces between words: each
# character is a token there (a whole line would otherwise be one "word").
_UNSPACED = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
)
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
Extractor = Callable[[bytes, str], str]


def newsmon(html: bytes, url: str) -> str:
    try:
        return extract_article(html, url).text
    except Unparseable:
        return ""


def newsmon_with_language(html: bytes, url: str) -> str:
    """What newsmon does with every page: extraction, then language on the title and text
    (the same text as ``newsmon``; only its time is reported)."""
    try:
        article = extract_article(html, url)
    except Unparseable:
        return ""
    detect_language(f"{article.title}\n{article.text}", article.html_lang)
    return article.text


def trafilatura_default(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Extractor] = {
    "newsmon": newsmon,
    "newsmon + language": newsmon_with_language,
    "trafilatura": trafilatura_default,
}


def token_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted words against the true ones (multisets)."""
    got, want = Counter(_WORD.findall(predicted)), Counter(_WORD.findall(truth))
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def timed(extractor: Extractor, pages: list[tuple[bytes, str]]) -> tuple[list[str], float]:
    started = time.perf_counter()
    texts = [extractor(html, url) for html, url in pages]
    return texts, 1000 * (time.perf_counter() - started) / len(pages)


Page = tuple[str, bytes, str, str]  # id, raw HTML, URL, true body
Scores = dict[str, list[tuple[float, float, float]]]


def compare(title: str, pages: list[Page]) -> Scores:
    """Every extractor on the same pages, alternated over three rounds so machine noise hits
    them alike; prints the summary and markdown table, returns each page's scores."""
    inputs = [(html, url) for _, html, url, _ in pages]
    for extractor in EXTRACTORS.values():  # warm caches and lazy imports before timing
        extractor(*inputs[0])
    times: dict[str, list[float]] = {name: [] for name in EXTRACTORS}
    outputs: dict[str, list[str]] = {}
    for _ in range(3):
        for name, extractor in EXTRACTORS.items():
            outputs[name], ms = timed(extractor, inputs)
            times[name].append(ms)
    scores = {
        name: [token_scores(text, page[3]) for text, page in zip(texts, pages, strict=True)]
        for name, texts in outputs.items()
    }
    print(f"{title}: {len(pages)} pages, word tokens, mean over pages")
    print(
        f"{'extractor':12} {'precision':>9} {'recall':>7} {'F1':>6} {'micro F1':>8} "
        f"{'lost half':>9} {'ms/page':>8}"
    )
    rows = []
    for name in EXTRACTORS:
        precision, recall, f1 = (mean(column) for column in zip(*scores[name], strict=True))
        pooled = token_scores("\n".join(outputs[name]), "\n".join(page[3] for page in pages))
        lost = sum(page_recall < 0.5 for _, page_recall, _ in scores[name])
        best = min(times[name])
        rows.append((name, precision, recall, f1, pooled[2], lost, best))
        print(
            f"{name:12} {precision:9.3f} {recall:7.3f} {f1:6.3f} {pooled[2]:8.3f} "
            f"{lost:9d} {best:8.1f}"
        )
    behind = sum(
        ours[2] < theirs[2] - 0.1
        for ours, theirs in zip(scores["newsmon"], scores["trafilatura"], strict=True)
    )
    ratio = min(times["newsmon"]) / min(times["trafilatura"])
    with_language = min(times["newsmon + language"]) / min(times["trafilatura"])
    print(f"pages where newsmon's F1 is more than 0.1 below trafilatura's defaults: {behind}")
    print(f"newsmon time / trafilatura time: {ratio:.2f} (best of 3 rounds each)")
    print(f"newsmon + language time / trafilatura time: {with_language:.2f} (target <= 1.2)\n")
    print(markdown_table(rows, len(pages), ratio))
    return scores


def scrapinghub() -> None:
    compare("ScrapingHub benchmark", scrapinghub_pages())


# The language of a page newspaper4k's metadata does not give, from its file's name.
_NAMED_LANGUAGES = {
    "arabic": "ar",
    "burmese": "my",
    "chinese": "zh",
    "japanese": "ja",
    "latvian": "lv",
    "spanish": "es",
    "thai": "th",
}


def newspaper4k() -> None:
    """newspaper4k's test pages that have an expected text (its own extraction, checked by
    its authors: a reference, not a human-written body)."""
    folder = require(DATA / "feeds" / "article_html" / "newspaper4k")
    pages: list[Page] = []
    languages: list[str | None] = []
    for path in sorted((folder / "html").glob("*.html")):
        expected = folder / "txt" / f"{path.stem}.txt"
        if not expected.exists():
            continue
        meta_path = folder / "metadata" / f"{path.stem}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        named = _NAMED_LANGUAGES.get(path.stem.split("_")[0])
        languages.append(meta.get("language") or named or None)
        truth = expected.read_text(encoding="utf-8")
        pages.append((path.stem, path.read_bytes(), meta.get("url", ""), truth))
    scores = compare("newspaper4k's test pages", pages)
    print(f"{'page':22} {'lang':>4} {'newsmon':>7} {'trafilatura':>11}  detected")
    right = 0
    for (page_id, html, url, _), language, ours, theirs in zip(
        pages, languages, scores["newsmon"], scores["trafilatura"], strict=True
    ):
        detected = page_language(html, url)
        right += detected == language
        print(f"{page_id:22} {language or '?':>4} {ours[2]:7.3f} {theirs[2]:11.3f}  {detected}")
    labelled = sum(language is not None for language in languages)
    print(f"language right on {right} of {labelled} labelled pages\n")


def page_language(html: bytes, url: str) -> str:
    """The language newsmon stores for a page: detected on its title and text, the page's
    declared language as a hint (region subtags such as zh-cn read as their language)."""
    try:
        article = extract_article(html, url)
    except Unparseable:
        return "(unreadable)"
    code = detect_language(f"{article.title}\n{article.text}", article.html_lang).code
    return code.split("-")[0]


def markdown_table(
    rows: list[tuple[str, float, float, float, float, int, float]], pages: int, ratio: float
) -> str:
    """The figures as a markdown table for docs/benchmarks.md."""
    lines = [
        f"| extractor ({pages} pages) | precision | recall | F1 (mean) | F1 (pooled) "
        "| lost > half the body | ms/page |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {
        "newsmon": "newsmon `extract_article`",
        "newsmon + language": "newsmon `extract_article` + `detect_language` (same text)",
        "trafilatura": "trafilatura defaults",
    }
    for name, precision, recall, f1, pooled, lost, ms in rows:
        lines.append(
            f"| {names.get(name, name)} | {precision:.3f} | {recall:.3f} | {f1:.3f} "
            f"| {pooled:.3f} | {lost} | {ms:.1f} |"
        )
    lines.append(f"\nnewsmon's time / trafilatura's defaults: {ratio:.2f}\n")
    return "\n".join(lines)


def snippets() -> None:
    folder = require(DATA / "extraction" / "trafilatura_cache")
    cases = json.loads((folder / "evaldata_full.json").read_text(encoding="utf-8"))
    print("trafilatura's annotated pages: snippets found (with) and kept out (without)")
    for name, extractor in EXTRACTORS.items():
        found = wanted = kept_out = unwanted = pages = 0
        for url, case in cases.items():
            path = folder / "html" / case["file"]
            if not path.exists():
                continue
            pages += 1
            text = " ".join(extractor(path.read_bytes(), url).split())
            with_ = [" ".join(s.split()) for s in case.get("with", [])]
            without = [" ".join(s.split()) for s in case.get("without", [])]
            found += sum(s in text for s in with_)
            wanted += len(with_)
            kept_out += sum(s not in text for s in without)
            unwanted += len(without)
        print(
            f"{name:12} {pages} pages: with {found}/{wanted} ({found / wanted:.3f}), "
            f"without {kept_out}/{unwanted} ({kept_out / unwanted:.3f})"
        )


if __name__ == "__main__":
    scrapinghub()
    newspaper4k()
    snippets()
