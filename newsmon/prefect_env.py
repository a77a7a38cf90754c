"""Prefect's environment: its state under NEWSMON_HOME, telemetry off.

Prefect reads these when it is first imported, so the CLI calls this before importing flows.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path


def prefect_environment(prefect_home: Path) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(prefect_home),
        # Without these every run tries to reach the internet and logs an error.
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        # A local ephemeral server can take a while to start on a busy 2-core machine.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "TOKENIZERS_PARALLELISM": "false",
        # newsmon prints its own summary and one line for each failure; Prefect's records
        # (and its crash reports of tasks a Ctrl-C cancelled) stay in its API and UI.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    }


def configure_prefect(prefect_home: Path, environ: MutableMapping[str, str] = os.environ) -> None:
    """Point Prefect at ``prefect_home`` unless the user already chose a Prefect home or API."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    for name, value in prefect_environment(prefect_home).items():
        environ.setdefault(name, value)
