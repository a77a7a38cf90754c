"""Whole runs under faults, against real servers on 127.0.0.1: the poll killed mid-run and
run again, the database locked by another writer, and secrets kept out of every output.
(Faults of one source are in test_collect.py, of the mail server in tests/newsmon/test_alerts.py,
of a backfill in test_backfill.py.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import ROOT, Mailbox
from tests.flows.sites import DEMO, config, serve_demo

NEWSMON = [sys.executable, "-m", "newsmon.cli"]
SLOW_PAGE = "/civil/wine-exports-record.html"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return {**env, "NEWSMON_HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


def test_poll_killed_mid_run_loses_and_repeats_nothing(
    home: Path, tmp_path: Path, httpserver: HTTPServer, smtp_server: Mailbox
) -> None:
    """The process is killed while it waits for a slow article page; the rerun stores each
    article once and alerts each story once."""
    reached = threading.Event()
    body = (DEMO / SLOW_PAGE.lstrip("/")).read_bytes()

    def slow_once(request: Request) -> Response:
        if not reached.is_set():
            reached.set()
            time.sleep(8)
        return Response(body, content_type="text/html; charset=utf-8")

    # Registered before the demo site, so it answers for that page.
    httpserver.expect_request(SLOW_PAGE).respond_with_handler(slow_once)
    base = serve_demo(httpserver)
    config_file = config(tmp_path / "c.toml", base)
    env = _env(home, NEWSMON_SMTP_URL=smtp_server.url)
    command = [*NEWSMON, "--config", str(config_file), "run"]
    poller = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert reached.wait(timeout=180), "the poll never asked for the slow page"
    finally:
        poller.kill()
        poller.wait(timeout=30)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    status = Store(load_settings(config_file, environ=env).database).status()
    assert status["articles"] == 5 and status["failed_articles"] == 0
    assert status["alerts"] == {"sent": 2, "queued": 0}
    assert len(smtp_server.messages) == 2


@pytest.mark.usefixtures("prefect_api")
def test_poll_waits_out_a_locked_database(
    home: Path,
    tmp_path: Path,
    httpserver: HTTPServer,
    smtp_server: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process takes SQLite's exclusive lock just as the poll starts storing what it
    fetched, and holds it for a few seconds: the poll waits for it rather than failing or
    dropping what it fetched."""
    from flows.poll import poll

    base = serve_demo(httpserver)
    config_file = config(tmp_path / "c.toml", base)
    monkeypatch.setenv("NEWSMON_SMTP_URL", smtp_server.url)
    settings = load_settings(config_file)
    saving, locked, released = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}
    save = Store.save

    def save_under_the_lock(self: Store, articles: Any, *args: Any, **kwargs: Any) -> list[str]:
        if not articles:
            return save(self, articles, *args, **kwargs)
        saving.set()
        assert locked.wait(timeout=30)
        stored = save(self, articles, *args, **kwargs)
        # Returned only once the other writer let go: the lock was in the way.
        seen.setdefault("released_before_save_returned", released.is_set())
        return stored

    def hold_lock() -> None:
        if not saving.wait(timeout=180):
            return
        connection = sqlite3.connect(settings.home / "newsmon.db", isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        seen["stored_before_lock"] = connection.execute("SELECT count(*) FROM articles").fetchone()
        locked.set()
        time.sleep(4)
        released.set()
        connection.execute("COMMIT")
        connection.close()

    monkeypatch.setattr(Store, "save", save_under_the_lock)
    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        summary = poll(config_file=str(config_file))
    finally:
        saving.set()
        holder.join()
    assert seen == {"stored_before_lock": (0,), "released_before_save_returned": True}
    assert (summary["new_articles"], summary["alerts_sent"]) == (5, 2)
    assert summary["source_errors"] == {}
    assert Store(settings.database).status()["articles"] == 5
    assert len(smtp_server.messages) == 2


def test_no_secret_in_outputs_logs_or_store(
    home: Path, tmp_path: Path, httpserver: HTTPServer, smtp_server: Mailbox
) -> None:
    """The SMTP password (from the environment, as it must be) appears in no output, log,
    stored error or message, even when logging in fails."""
    secret = "hunter2-do-not-print"
    base = serve_demo(httpserver)
    config_file = config(tmp_path / "c.toml", base)
    user_url = smtp_server.url.replace("smtp://", "smtp://desk-user@")
    env = _env(home, NEWSMON_SMTP_URL=user_url, NEWSMON_SMTP_PASSWORD=secret)
    outputs = [
        subprocess.run(
            [*NEWSMON, "--config", str(config_file), *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        for command in (["run"], ["status"], ["alerts", "preview", "--out", str(tmp_path / "pre")])
    ]
    # The test server offers no AUTH, so the login fails and the alerts stay queued.
    assert "2 failed (kept queued)" in outputs[0].stdout
    # Each failed alert is named on stderr, as every failure of a command is.
    assert outputs[0].stderr.count("newsmon: alert failed: ") == 2, outputs[0].stderr
    printed = "".join(o.stdout + o.stderr for o in outputs)
    stored = "\n".join(sqlite3.connect(home / "newsmon.db").iterdump())
    files = "".join(
        p.read_text(errors="replace")
        for p in [*home.rglob("*"), *(tmp_path / "pre").rglob("*")]
        if p.is_file() and p.suffix in (".log", ".eml", ".html", ".txt")
    )
    status = Store(load_settings(config_file, environ=env).database).status()
    assert status["alerts"] == {"sent": 0, "queued": 2}
    for where in (printed, stored, files):
        assert secret not in where
