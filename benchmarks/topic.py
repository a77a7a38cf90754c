"""Topic classification throughput and peak memory: newsmon, the keyword baseline, the
previous classifier (MiniLM head over term features, run from its git revision) and the bare
model, on the same two inputs, each contender in its own process so peak memory is its own.

- stream: 1,000 articles as a desk's feeds bring them: the ScrapingHub benchmark bodies
  (unrelated news, cycled), with 3% on-topic or look-alike texts of seeds/topic/test.jsonl.
- both: 200 whole articles (800 characters or more) of seeds/topic/test.jsonl that name both
  Russia and Georgia (cycled).

Every contender gets the same texts, one at a time, after the same warm-up (8 texts); the
model contenders truncate at 256 tokens.
Run: .venv/bin/python benchmarks/topic.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, bare_model, keyword_baseline, peak_rss_mib, scrapinghub_pages

STREAM, BOTH, WARM_UP = 1000, 200, 8
ARTICLE_CHARS = 800
ON_TOPIC_SHARE = 0.03
PREVIOUS_REVISION = "b6026c2"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

Texts = list[tuple[str, str]]


def _test_rows() -> list[dict[str, str]]:
    path = ROOT / "seeds" / "topic" / "test.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def both_texts() -> Texts:
    from extractors.terms import find_terms
    from newsmon.classifier import load_terms
    from newsmon.settings import load_settings

    terms = load_terms(load_settings().topic_file)
    rows = [
        (r["title"], r["text"])
        for r in _test_rows()
        if len(r["text"]) >= ARTICLE_CHARS
        and {"russia", "georgia"} <= find_terms(f"{r['title']} {r['text']}", terms).keys()
    ]
    return [rows[i % len(rows)] for i in range(BOTH)]


def stream_texts() -> Texts:
    bodies = [("", body) for _, _, _, body in scrapinghub_pages() if body]
    topical = [(r["title"], r["text"]) for r in _test_rows()]
    every = round(1 / ON_TOPIC_SHARE)
    return [
        topical[i // every % len(topical)] if i % every == 0 else bodies[i % len(bodies)]
        for i in range(STREAM)
    ]


def newsmon_scorer() -> Callable[[Texts], None]:
    from extractors.topic import Document
    from newsmon.classifier import build_classifier
    from newsmon.settings import load_settings

    classifier = build_classifier(load_settings())
    return lambda texts: [classifier.score([Document(t, x)]) for t, x in texts] and None


def keyword_scorer() -> Callable[[Texts], None]:
    flags = keyword_baseline()
    return lambda texts: [flags(t, x) for t, x in texts] and None


def previous_scorer() -> Callable[[Texts], None]:
    """The classifier of PREVIOUS_REVISION, imported from its worktree (sys.path first)."""
    from extractors.topic import Document  # type: ignore[attr-defined]
    from newsmon.classifier import build_classifier  # type: ignore[attr-defined]
    from newsmon.settings import load_settings  # type: ignore[attr-defined]

    classifier = build_classifier(load_settings(environ={}))
    return lambda texts: [classifier.score([Document(t, x)]) for t, x in texts] and None


def bare_scorer() -> Callable[[Texts], None]:
    model = bare_model()
    return lambda texts: model.forward([f"{t}\n{x}".strip() for t, x in texts])


SCORERS = {
    "newsmon": newsmon_scorer,
    "keywords": keyword_scorer,
    "previous": previous_scorer,
    "bare": bare_scorer,
}


def child(contender: str, inputs: str) -> None:
    texts = [(t, x) for t, x in json.loads(Path(inputs).read_text(encoding="utf-8"))]
    score = SCORERS[contender]()
    score(texts[:WARM_UP])
    started = time.perf_counter()
    score(texts)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "texts": len(texts), "peak_mib": peak_rss_mib()}))


def run(contender: str, inputs: Path, path: Path | None = None) -> str:
    env = dict(os.environ, PYTHONPATH=str(path)) if path else None
    done = subprocess.run(
        [sys.executable, str((path or ROOT) / "benchmarks" / "topic.py"), contender, str(inputs)],
        capture_output=True,
        text=True,
        cwd=path or ROOT,
        env=env,
    )
    if done.returncode:
        return f"failed: {done.stderr.strip().splitlines()[-1]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rate = result["texts"] / result["seconds"]
    return f"{rate:8.1f} {result['peak_mib']:8.0f}"


def main() -> None:
    print(f"{os.cpu_count()} cores; stream {STREAM} texts, both {BOTH} texts")
    print(f"{'contender':34} {'stream/s':>8} {'MiB':>8}   {'both/s':>8} {'MiB':>8}")
    labels = {
        "newsmon": "newsmon (gate, windows, e5 int8)",
        "keywords": "keyword baseline",
        "bare": "bare e5, fp32, every text",
    }
    with tempfile.TemporaryDirectory() as folder:
        stream, both = Path(folder) / "stream.json", Path(folder) / "both.json"
        stream.write_text(json.dumps(stream_texts()), encoding="utf-8")
        both.write_text(json.dumps(both_texts()), encoding="utf-8")
        for contender, label in labels.items():
            print(f"{label:34} {run(contender, stream)}   {run(contender, both)}")
        tree = Path(folder) / "previous"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), PREVIOUS_REVISION],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for name in ("topic.py", "common.py"):
                (tree / "benchmarks" / name).write_bytes((ROOT / "benchmarks" / name).read_bytes())
            label = f"previous ({PREVIOUS_REVISION}, MiniLM)"
            print(f"{label:34} {run('previous', stream, tree)}   {run('previous', both, tree)}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        child(sys.argv[1], sys.argv[2])
    else:
        main()
