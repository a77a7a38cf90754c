"""Backfill throughput: `newsmon backfill --warc` against a bare loop on the same pages.

Builds a WARC of real pages (the ScrapingHub benchmark's 181 and trafilatura's 110 test
pages, each archived under four URLs: 1,164 records), then in one run, each in its own
process:
- newsmon: the backfill flow on the archive (read, extract, detect language, classify, store
  in SQLite, write the report), after a warm-up backfill of the test archive so Prefect's
  server and the model are up;
- bare: trafilatura.extract + langdetect.detect + one forward pass of the same model
  (256 tokens at most, one text per pass) per page, in a plain loop, model loaded before
  the clock;
- bare, same work: the same loop, but the model embeds exactly the texts newsmon's encoder
  embedded (its windows of the pages its gate let through), so both embed the same tokens.
Run: .venv/bin/python benchmarks/backfill.py
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DATA, ROOT, bare_model, peak_rss_mib, require, scrapinghub_pages
from stages import StageClock

COPIES = 4
# Where the newsmon run leaves the texts its encoder embedded, for the same-work run.
EMBEDDED = "embedded.json"
MODES = (
    ("newsmon", "newsmon backfill"),
    ("bare", "bare loop"),
    ("same-work", "bare loop, same work"),
)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")


def pages() -> list[tuple[str, bytes]]:
    found = [
        (url or f"https://scrapinghub.example/{pid}", html)
        for pid, html, url, _ in scrapinghub_pages()
    ]
    cache = require(DATA / "extraction" / "trafilatura_cache" / "html")
    for path in sorted(cache.iterdir()):
        raw = path.read_bytes()
        html = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        found.append((f"https://{path.name.removesuffix('.html')}.example/", html))
    return found


def build_archive(target: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.warc.build import write_warc

    records = [
        (
            f"{url.rstrip('/')}/copy-{copy}",
            "200 OK",
            [("Content-Type", "text/html")],
            html,
            "2025-06-01T12:00:00Z",
        )
        for copy in range(COPIES)
        for url, html in pages()
    ]
    write_warc(target, records)
    return len(records)


def run_newsmon(archive: Path, home: Path) -> dict[str, Any]:
    os.environ["NEWSMON_HOME"] = str(home)
    from newsmon.prefect_env import configure_prefect
    from newsmon.settings import load_settings

    configure_prefect(load_settings().prefect_home)
    import extractors.analyse
    import flows.backfill
    from extractors.encoder import Encoder
    from flows.backfill import BackfillRequest, backfill
    from flows.runners import task_runner
    from newsmon.store import Store

    run = backfill.with_options(task_runner=task_runner(load_settings()))
    run(BackfillRequest(warcs=(str(ROOT / "tests" / "fixtures" / "warc" / "desk.warc.gz"),)))
    clock, tokens = StageClock(), TokenCount()
    flows.backfill.archived_candidates = clock.timed_iterator(
        "read", flows.backfill.archived_candidates
    )
    extractors.analyse.extract_article = clock.timed("extract", extractors.analyse.extract_article)
    extractors.analyse.detect_language = clock.timed("language", extractors.analyse.detect_language)
    flows.backfill.score_articles = clock.timed("classify", flows.backfill.score_articles)
    Encoder._embed_one = tokens.counting(Encoder._embed_one)  # type: ignore[method-assign]
    for method in ("save", "unseen", "lookup"):
        setattr(Store, method, clock.timed("store", getattr(Store, method)))
    flows.backfill.write_report = clock.timed("report", flows.backfill.write_report)
    started = time.perf_counter()
    summary = run(BackfillRequest(warcs=(str(archive),)))
    ended = time.perf_counter()
    (home.parent / EMBEDDED).write_text(json.dumps(tokens.texts), encoding="utf-8")
    return {
        "seconds": ended - started,
        "pages": summary["analysed"],
        "stored": summary["stored"],
        "flagged": summary["flagged"],
        "tokens": tokens.total,
        "stages": clock.split(started, ended),
    }


class TokenCount:
    """Tokens newsmon's encoder embeds: each window's tokens, counted after the forward pass,
    and the windows themselves (for the bare loop's same-work run)."""

    def __init__(self) -> None:
        self.total = 0
        self.texts: list[str] = []

    def counting(self, embed_one: Any) -> Any:
        def wrapper(encoder: Any, text: str) -> Any:
            self.total += len(encoder._tokenizer(text, truncation=True, max_length=256).input_ids)
            self.texts.append(text)
            return embed_one(encoder, text)

        return wrapper


def run_bare(archive: Path, embed: list[str] | None = None) -> dict[str, Any]:
    """The bare loop; the model embeds every page's text, or ``embed`` (newsmon's windows)."""
    import trafilatura
    from langdetect import DetectorFactory, LangDetectException, detect

    from extractors.warc import read_warc

    DetectorFactory.seed = 0
    model = bare_model()
    clock = StageClock()
    records, extract = (
        clock.timed_iterator("read", read_warc),
        clock.timed("extract", trafilatura.extract),
    )
    language = clock.timed("language", detect)
    started = time.perf_counter()
    texts: list[str] = []
    with archive.open("rb") as stream:
        for record in records(stream, "bare", 10_000_000):
            text = extract(record.page.content, url=record.url) or "" if record.page else ""
            with contextlib.suppress(LangDetectException):  # no letters: no language
                language(text)
            texts.append(text)
    tokens = clock.timed("classify", model.forward)(texts if embed is None else embed)
    ended = time.perf_counter()
    return {
        "seconds": ended - started,
        "pages": len(texts),
        "tokens": tokens,
        "stages": clock.split(started, ended),
    }


def child(mode: str, archive: Path, home: Path) -> None:
    if mode == "newsmon":
        result = run_newsmon(archive, home)
    elif mode == "same-work":
        windows = json.loads((home.parent / EMBEDDED).read_text(encoding="utf-8"))
        result = run_bare(archive, windows)
    else:
        result = run_bare(archive)
    result["peak_mib"] = peak_rss_mib()
    print(json.dumps(result))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as folder:
        archive = Path(folder) / "pages.warc.gz"
        records = build_archive(archive)
        print(f"{records} archived pages ({records // COPIES} distinct), {os.cpu_count()} cores")
        print(f"{'mode':24} {'pages/s':>8} {'seconds':>8} {'peak MiB':>9}")
        rates = {}
        for mode, label in MODES:
            out = (
                subprocess.run(
                    [sys.executable, __file__, mode, str(archive), str(Path(folder) / "home")],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            result = json.loads(out)
            rates[mode] = result["pages"] / result["seconds"]
            print(
                f"{label:24} {rates[mode]:8.1f} {result['seconds']:8.1f} {result['peak_mib']:9.0f}"
                f"  {result['tokens']:,} tokens embedded"
            )
            if mode == "newsmon":
                print(f"  stored {result['stored']}, flagged {result['flagged']}")
            stages = ", ".join(f"{stage} {secs:.1f}" for stage, secs in result["stages"].items())
            print(f"  seconds per stage (summed over threads): {stages}")
        print(f"newsmon / bare: {rates['newsmon'] / rates['bare']:.2f}x")
        same = rates["newsmon"] / rates["same-work"]
        print(f"newsmon / bare, same work: {same:.2f}x (target >= 0.9x)")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
