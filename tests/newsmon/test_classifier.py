"""The classifier file: the head and the centroids stories compare leads by."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsmon.classifier import load_head
from newsmon.models import load_encoder
from newsmon.settings import ConfigError, load_settings


def test_centroids_need_one_of_all_languages_and_the_encoders_size(tmp_path: Path) -> None:
    settings = load_settings()
    shipped = json.loads(settings.classifier_file.read_text(encoding="utf-8"))
    head = load_head(settings.classifier_file, settings.model)
    assert {"", "en", "ka", "ru"} <= head.centroids.keys()
    assert {v.shape for v in head.centroids.values()} == {(384,)}
    broken = {
        "no-all": {k: v for k, v in shipped["centroids"].items() if k},
        "short": {**shipped["centroids"], "ka": shipped["centroids"]["ka"][:100]},
    }
    for name, centroids in broken.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({**shipped, "centroids": centroids}), encoding="utf-8")
        with pytest.raises(ConfigError, match="centroids need one of all languages"):
            load_head(path, settings.model)
    # A head saved before centroids loads, and gives no lead to compare (topic.py).
    path = tmp_path / "old.json"
    path.write_text(json.dumps({k: v for k, v in shipped.items() if k != "centroids"}))
    assert load_head(path, settings.model).centroids == {}


def test_a_hub_id_that_cannot_be_loaded_is_a_configuration_error(tmp_path: Path) -> None:
    """Offline (HF_HUB_OFFLINE in the tests) and not cached: one line naming the model."""
    settings = replace(
        load_settings(environ={"NEWSMON_HOME": str(tmp_path)}), model="nosuch-org/nosuch-model"
    )
    with pytest.raises(ConfigError, match="model: nosuch-org/nosuch-model: not a model dir"):
        load_encoder(settings)
