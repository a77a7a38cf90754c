"""Loading and saving the topic classifier named by the settings."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from extractors.terms import TopicTerms, compile_terms
from extractors.topic import Head, TopicClassifier
from newsmon.models import load_encoder
from newsmon.settings import ConfigError, Settings

ARTIFACT_VERSION = 2


def load_terms(path: Path) -> TopicTerms:
    try:
        with path.open("rb") as handle:
            return compile_terms(tomllib.load(handle))
    except FileNotFoundError as exc:
        raise ConfigError(f"topic_file: {path} not found") from exc
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"topic_file: {path}: cannot read it: {exc.strerror}") from exc


def load_head(path: Path, model: str) -> Head:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"classifier_file: {path} not found; create it with "
            "`newsmon train --labels seeds/labels.jsonl`"
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a classifier file: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"classifier_file: {path}: cannot read it: {exc.strerror}") from exc
    if not isinstance(data, dict) or data.get("version") != ARTIFACT_VERSION:
        raise ConfigError(
            f"{path}: not a classifier file of this version ({ARTIFACT_VERSION}); "
            "retrain with `newsmon train`"
        )
    if data.get("model") != model:
        raise ConfigError(
            f"{path}: trained on model {data.get('model')!r} but the config names "
            f"{model!r}; retrain with `newsmon train`"
        )
    layers = tuple(
        (np.asarray(layer["weight"], dtype=np.float64), np.asarray(layer["bias"], dtype=np.float64))
        for layer in data["layers"]
    )
    centroids = {
        language: np.asarray(vector, dtype=np.float64)
        for language, vector in data.get("centroids", {}).items()
    }
    if centroids and (
        "" not in centroids or {v.shape for v in centroids.values()} != {layers[0][0].shape[:1]}
    ):
        raise ConfigError(
            f'{path}: its centroids need one of all languages ("") and the encoder\'s size; '
            "retrain with `newsmon train`"
        )
    return Head(data["model"], layers, float(data["scale"]), float(data["shift"]), centroids)


def save_head(path: Path, head: Head, trained_on: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": ARTIFACT_VERSION,
        "model": head.model,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": trained_on,
        "scale": round(head.scale, 6),
        "shift": round(head.shift, 6),
        "layers": [
            {"weight": np.round(weight, 5).tolist(), "bias": np.round(bias, 5).tolist()}
            for weight, bias in head.layers
        ],
    }
    if head.centroids:
        data["centroids"] = {
            language: np.round(vector, 5).tolist() for language, vector in head.centroids.items()
        }
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def trained_examples(path: Path) -> int | None:
    """How many examples the head at ``path`` was trained on, if it says."""
    try:
        examples = json.loads(path.read_text(encoding="utf-8"))["trained_on"]["examples"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return examples if isinstance(examples, int) else None


def build_classifier(settings: Settings, head: Head | None = None) -> TopicClassifier:
    """The configured classifier; ``head=None`` loads the trained head from its file."""
    terms = load_terms(settings.topic_file)
    chosen = head or load_head(settings.classifier_file, settings.model)
    return TopicClassifier(load_encoder(settings), terms, chosen, settings.threshold)
