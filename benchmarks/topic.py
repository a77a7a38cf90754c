"""Topic classification throughput and peak memory, beside bare model inference.

1,000 articles of typical length (the ScrapingHub benchmark bodies, cycled), each mode in its
own process so peak memory is its own; and 1,000 on-topic articles (the two seed documents,
cycled), where every article has a window worth embedding besides its lead.
Run: .venv/bin/python benchmarks/topic.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from common import DATA, ROOT, bare_model, peak_rss_mib, require, scrapinghub_pages

ARTICLES = 1000
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def texts() -> list[str]:
    bodies = [body for _, _, _, body in scrapinghub_pages() if body]
    return [bodies[i % len(bodies)] for i in range(ARTICLES)]


def on_topic_texts() -> list[str]:
    seeds = sorted(require(DATA.parent / "seeds").glob("0*.txt"))
    bodies = [path.read_text(encoding="utf-8") for path in seeds]
    return [bodies[i % len(bodies)] for i in range(ARTICLES)]


def run_newsmon(bodies: list[str]) -> dict[str, float]:
    from extractors.topic import Document
    from newsmon.classifier import build_classifier
    from newsmon.settings import load_settings

    docs = [Document("", text) for text in bodies]
    classifier = build_classifier(load_settings(environ={}))
    classifier.score(docs[:8])  # load and warm up outside the timing
    started = time.perf_counter()
    for start in range(0, len(docs), 200):
        classifier.score(docs[start : start + 200])
    return {"seconds": time.perf_counter() - started}


def run_bare() -> dict[str, float]:
    """The model alone: one forward pass per article, truncated at 256 tokens."""
    model = bare_model()
    batch_texts = texts()
    started = time.perf_counter()
    model.forward(batch_texts)
    return {"seconds": time.perf_counter() - started}


def child(mode: str) -> None:
    modes = {
        "newsmon": lambda: run_newsmon(texts()),
        "on-topic": lambda: run_newsmon(on_topic_texts()),
        "bare": run_bare,
    }
    result = modes[mode]()
    result["peak_mib"] = peak_rss_mib()
    print(json.dumps(result))


def main() -> None:
    words = sum(len(t.split()) for t in texts()) / ARTICLES
    print(
        f"{ARTICLES} articles, {words:.0f} words on average, "
        f"{os.cpu_count()} cores, torch threads default"
    )
    print(f"{'mode':28} {'articles/s':>10} {'seconds':>8} {'peak MiB':>9}")
    for mode, label in (
        ("newsmon", "newsmon classifier"),
        ("on-topic", "newsmon, on-topic articles"),
        ("bare", "bare model (256 tokens)"),
    ):
        out = (
            subprocess.run(
                [sys.executable, __file__, mode],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(out)
        print(
            f"{label:28} {ARTICLES / result['seconds']:10.1f} {result['seconds']:8.1f} "
            f"{result['peak_mib']:9.0f}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(sys.argv[1])
    else:
        main()
