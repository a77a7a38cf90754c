"""Shared helpers for the benchmarks: data locations, peak memory, article texts."""

from __future__ import annotations

import gzip
import json
import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"benchmark data not found: {path}")
    return path


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scrapinghub_pages() -> list[tuple[str, bytes, str, str]]:
    """(id, raw HTML, URL, ground-truth body) of the 181 benchmark pages."""
    folder = require(DATA / "extraction" / "scrapinghub")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, record in sorted(truth.items()):
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, html, record.get("url", ""), record.get("articleBody") or ""))
    return pages


def keyword_baseline() -> Any:
    """The baseline's rule: Russia, Georgia and a relations word anywhere, in any language of
    the configured topic file. A function of (title, text)."""
    from extractors.terms import find_terms
    from newsmon.classifier import load_terms
    from newsmon.settings import load_settings

    terms = load_terms(load_settings().topic_file)
    core = {"russia", "georgia", "relations"}
    return lambda title, text: core <= find_terms(f"{title}\n{text}", terms).keys()


def bare_model() -> BareModel:
    """The configured model, loaded the plain transformers way in fp32 (the benchmarks'
    yardstick): no gate, no windows, no quantization."""
    from transformers import AutoModel, AutoTokenizer

    from newsmon.models import resolve_model
    from newsmon.settings import load_settings

    settings = load_settings()
    location = resolve_model(settings.model, settings.models_dir)
    return BareModel(
        AutoTokenizer.from_pretrained(location),
        AutoModel.from_pretrained(location).eval(),
        settings.model_prefix,
    )


class BareModel:
    def __init__(self, tokenizer: Any, model: Any, prefix: str) -> None:
        self.tokenizer, self.model, self.prefix = tokenizer, model, prefix

    def forward(self, texts: list[str]) -> int:
        """One forward pass per text, truncated at 256 tokens, one text at a time (as
        newsmon's encoder runs); returns the number of tokens embedded."""
        import torch

        embedded = 0
        with torch.inference_mode():
            for text in texts:
                tokens = self.tokenizer(
                    self.prefix + text, truncation=True, max_length=256, return_tensors="pt"
                )
                self.model(**tokens)
                embedded += int(tokens["attention_mask"].sum())
        return embedded
