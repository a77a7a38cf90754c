"""What every command shares: the --config option, settings, errors as one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from newsmon.settings import ConfigError, Settings, load_settings

T = TypeVar("T")

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", envvar="NEWSMON_CONFIG", help="A TOML file overriding the shipped config."
    ),
]


def main(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Every command honours NEWSMON_HOME (data directory) and NEWSMON_* settings."""
    ctx.obj = config


def config_file(ctx: typer.Context) -> str | None:
    """The user's config file as a flow parameter."""
    root = ctx.find_root()
    return str(root.obj) if root.obj else None


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    return guarded(lambda: load_settings(root.obj))


def guarded(call: Callable[[], T]) -> T:
    """Run ``call``; a configuration error becomes one line and exit code 2."""
    try:
        return call()
    except ConfigError as exc:
        fail(f"configuration error: {exc}")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"newsmon: {message}", err=True)
    raise typer.Exit(code)


def prepare_prefect(current: Settings) -> None:
    """Prefect reads its settings when first imported: call before importing flows."""
    from newsmon.prefect_env import configure_prefect

    configure_prefect(current.prefect_home)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


def batches(lines: list[str], size: int) -> Iterator[list[str]]:
    """Non-blank lines in groups of ``size``."""
    kept = [line for line in lines if line.strip()]
    for start in range(0, len(kept), size):
        yield kept[start : start + size]
