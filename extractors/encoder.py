"""Sentence embeddings from a transformers encoder in a local directory or named by hub id.

Windows are embedded one at a time, mean-pooled and L2-normalized; the Linear
layers run in int8 (torch's dynamic quantization), which keeps the embeddings of the fp32
model (cosine above 0.99) at about 1.5 times its speed on this CPU.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from transformers import AutoConfig, AutoModel, AutoTokenizer
from transformers.utils import logging

MAX_TOKENS = 256
# Embeddings are mean-pooled: models of these kinds load without their unused pooler.
_POOLED = {"bert", "roberta", "xlm-roberta"}


class Encoder:
    """``prefix`` is what the model was trained to see before a text ("query: " for E5)."""

    def __init__(
        self, ref: str, location: str, prefix: str = "", max_tokens: int = MAX_TOKENS
    ) -> None:
        self.ref, self.prefix, self.max_tokens = ref, prefix, max_tokens
        logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self._tokenizer = AutoTokenizer.from_pretrained(location)
        if AutoConfig.from_pretrained(location).model_type in _POOLED:
            model = AutoModel.from_pretrained(location, add_pooling_layer=False).eval()
        else:
            model = AutoModel.from_pretrained(location).eval()
        with warnings.catch_warnings():
            # torch marks its eager quantization deprecated in favour of torchao, which is
            # not a dependency; 2.13 still runs it unchanged.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", "torch.quantize_per_tensor", UserWarning)
            # In place: a copy would hold the fp32 model twice at the peak.
            self._model = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
        self.dimension = int(model.config.hidden_size)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One text per forward pass: dynamic quantization scales activations per batch, so
        padding and batch mates would move a text's embedding; on two cores batching gains
        under 5%."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for index, text in enumerate(texts):
            out[index] = self._embed_one(self.prefix + text)
        return out

    def _embed_one(self, text: str) -> np.ndarray:
        tokens = self._tokenizer(
            [text], truncation=True, max_length=self.max_tokens, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = self._model(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        result: np.ndarray = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return result
