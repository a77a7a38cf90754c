"""Every fixture feed, page and listing against the expected JSON beside it, exactly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.expected import cases, expected_path

CASES = cases()


@pytest.mark.parametrize(("path", "make"), CASES, ids=[p.name for p, _ in CASES])
def test_fixture_matches_expected(path: Path, make: Callable[[Path], dict[str, Any]]) -> None:
    expected = json.loads(expected_path(path).read_text(encoding="utf-8"))
    assert make(path) == expected
