"""Docs that tests keep true: every command and every configuration key is documented."""

from __future__ import annotations

from dataclasses import fields

import typer.main

from newsmon.cli import app
from newsmon.settings import SECTIONS, Source
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def _command_paths() -> list[str]:
    group = typer.main.get_group(app)
    paths = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths += [f"{name} {sub}" for sub in subcommands]
        else:
            paths.append(name)
    return paths


def test_every_command_is_in_the_readme() -> None:
    paths = _command_paths()
    assert len(paths) >= 10
    missing = [p for p in paths if f"`newsmon {p}" not in README]
    assert not missing


def test_every_command_help_has_an_example() -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        for sub in getattr(command, "commands", {name: command}).values():
            assert "Example:" in (sub.help or ""), sub.name


def test_every_config_key_is_documented() -> None:
    keys = [key for section_keys in SECTIONS.values() for key in section_keys]
    keys += [f.name for f in fields(Source)]
    missing = [k for k in keys if f"| `{k}` |" not in CONFIGURATION]
    assert not missing


def test_every_shipped_section_is_documented() -> None:
    assert all(f"`[{section}]`" in CONFIGURATION for section in SECTIONS)


def test_readme_commands_are_the_makefile_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "```sh\nmake demo\n```" in README and "\ndemo: install" in makefile
    assert "```sh\nmake check\n```" in README and "\ncheck: lint test" in makefile
    assert "make check" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
