"""Loading and saving the topic classifier named by the settings."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from extractors.encoder import load_encoder
from extractors.terms import TopicTerms, compile_terms
from extractors.topic import Head, TopicClassifier
from newsmon.settings import ConfigError, Settings

ARTIFACT_VERSION = 1


def load_terms(path: Path) -> TopicTerms:
    try:
        with path.open("rb") as handle:
            return compile_terms(tomllib.load(handle))
    except FileNotFoundError as exc:
        raise ConfigError(f"topic_file: {path} not found") from exc
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def load_head(path: Path, model: str) -> Head:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"classifier_file: {path} not found; create it with "
            "`newsmon train --labels seeds/labels.jsonl`"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a classifier file: {exc}") from exc
    if data.get("model") != model:
        raise ConfigError(
            f"{path}: trained on model {data.get('model')!r} but the config names "
            f"{model!r}; retrain with `newsmon train`"
        )
    return Head(model=data["model"], coef=tuple(data["coef"]), intercept=data["intercept"])


def save_head(path: Path, head: Head, trained_on: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": ARTIFACT_VERSION,
        "model": head.model,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "trained_on": trained_on,
        "intercept": round(head.intercept, 6),
        "coef": [round(c, 6) for c in head.coef],
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def build_classifier(settings: Settings, head: Head | None = None) -> TopicClassifier:
    """The configured classifier; ``head=None`` loads the trained head from its file."""
    terms = load_terms(settings.topic_file)
    chosen = head or load_head(settings.classifier_file, settings.model)
    return TopicClassifier(load_encoder(settings.model), terms, chosen, settings.threshold)
