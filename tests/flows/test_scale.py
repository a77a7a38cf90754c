"""Past one machine, for real on 127.0.0.1: a Prefect server (on PostgreSQL where CI has it),
a work pool with two workers running poll runs at once, and a backfill on a Dask cluster."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from newsmon.server import LocalPrefectServer
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import FIXTURES, POSTGRES_URL, ROOT, Mailbox, _drop_tables, free_port
from tests.flows.sites import config, serve_demo

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect server process; its database is PostgreSQL when .ci/run made one."""
    database = os.environ.get("NEWSMON_TEST_PREFECT_DATABASE_URL")
    saved = os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")
    if database:
        os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = database
    try:
        with LocalPrefectServer(tmp_path_factory.mktemp("prefect"), scheduling=True) as server:
            yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
        if saved is not None:
            os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = saved


@pytest.fixture(autouse=True)
def _empty_postgres_store() -> None:
    """The processes these tests start share the PostgreSQL store when there is one."""
    if POSTGRES_URL:
        _drop_tables(POSTGRES_URL)


def _env(home: Path, api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {
        **env,
        "PREFECT_API_URL": api_url,
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "NEWSMON_HOME": str(home),
        "NEWSMON_DATABASE_URL": POSTGRES_URL or f"sqlite:///{home / 'newsmon.db'}",
        **extra,
    }


def _flow_runs(api_url: str, ids: list[str]) -> list[dict[str, Any]]:
    wanted = {"flow_runs": {"id": {"any_": ids}}}
    response = httpx.post(f"{api_url}/flow_runs/filter", json=wanted, timeout=10)
    response.raise_for_status()
    return list(response.json())


def _polls_on_workers(
    env: dict[str, str], tmp_path: Path, api_url: str, workers: int, polls: int
) -> list[dict[str, Any]]:
    """``polls`` runs of the deployment, made before ``workers`` workers start (as runs wait
    for a worker that was away); the runs once all have ended."""
    ids = []
    for _ in range(polls):
        started = subprocess.run(
            [str(BIN / "prefect"), "deployment", "run", "newsmon-poll/newsmon-poll"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert started.returncode == 0, started.stdout + started.stderr
        ids += re.findall(r"UUID: ([0-9a-f-]{36})", started.stdout)
    # A worker keeps flow code in $TMPDIR/runner_storage and leaves it there: give it its own.
    (tmp_path / "worker-tmp").mkdir()
    started_workers = [
        subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", "desk", "--name", f"box-{n}"],
            env={**env, "TMPDIR": str(tmp_path / "worker-tmp")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        for n in range(workers)
    ]
    runs: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = _flow_runs(api_url, ids)
            if len(runs) == polls and all(
                r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in runs
            ):
                break
            time.sleep(1)
    finally:
        for worker in started_workers:
            worker.terminate()
        for worker in started_workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                # Its runs have ended; a worker still shutting down is not what is tested.
                worker.kill()
                worker.wait()
    return runs


def _deployed(
    home: Path, tmp_path: Path, httpserver: HTTPServer, smtp_url: str, api_url: str, *options: str
) -> tuple[Path, dict[str, str]]:
    """The demo's sites served, and the poll deployed (paused) with their config: the config
    file and the environment of the commands."""
    config_file = config(tmp_path / "newsmon.toml", serve_demo(httpserver))
    env = _env(home, api_url, NEWSMON_SMTP_URL=smtp_url)
    command = [str(BIN / "newsmon"), "--config", str(config_file), "deploy", "--paused"]
    deployed = subprocess.run(
        [*command, "--pool", "desk", *options],
        env=env,
        capture_output=True,
        text=True,
    )
    assert deployed.returncode == 0, deployed.stderr[-2000:]
    return config_file, env


def test_two_workers_run_polls_at_once_and_alert_once(
    home: Path, tmp_path: Path, httpserver: HTTPServer, smtp_server: Mailbox, prefect_server: str
) -> None:
    config_file, env = _deployed(
        home, tmp_path, httpserver, smtp_server.url, prefect_server, "--at-once", "2"
    )
    runs = _polls_on_workers(env, tmp_path, prefect_server, workers=2, polls=2)
    assert sorted(r["state_type"] for r in runs) == ["COMPLETED", "COMPLETED"]
    # The two polls overlapped in time: two pollers at once, not one after the other.
    assert max(r["start_time"] for r in runs) < min(r["end_time"] for r in runs)
    settings = load_settings(config_file, environ=env)
    status = Store(settings.database).status()
    assert status["articles"] == 5
    assert status["alerts"] == {"sent": 2, "queued": 0}
    assert len(smtp_server.messages) == 2


def test_a_poll_due_while_one_runs_is_cancelled(
    home: Path, tmp_path: Path, httpserver: HTTPServer, smtp_server: Mailbox, prefect_server: str
) -> None:
    # As when a worker comes back after an outage to every poll it missed: one runs.
    _, env = _deployed(home, tmp_path, httpserver, smtp_server.url, prefect_server)
    runs = _polls_on_workers(env, tmp_path, prefect_server, workers=2, polls=3)
    assert sorted(r["state_type"] for r in runs) == ["CANCELLED", "CANCELLED", "COMPLETED"]
    assert len(smtp_server.messages) == 2


def test_backfill_on_a_dask_cluster(home: Path, tmp_path: Path, prefect_server: str) -> None:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _env(home, prefect_server, NEWSMON_TASK_RUNNER="dask", NEWSMON_DASK_ADDRESS=address)
    # The cluster's own scratch space, which its processes would leave in the temp folder.
    cluster_env = {**env, "DASK_TEMPORARY_DIRECTORY": str(tmp_path / "dask")}
    dask = shutil.which("dask", path=str(BIN)) or "dask"
    cluster = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=cluster_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        cluster += [
            subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--name", f"w{n}"],
                env=cluster_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in (1, 2)
        ]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            warc = FIXTURES / "warc" / "desk.warc.gz"
            result = subprocess.run(
                [str(BIN / "newsmon"), "backfill", "--warc", str(warc)],
                env={**env, "NEWSMON_BACKFILL_BATCH": "2"},
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stderr[-3000:]
            assert "7 stored (4 flagged)" in result.stdout
            # The batches ran on the cluster's workers, not in the backfill's process.
            ran = client.run_on_scheduler(
                lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
            )
    finally:
        for process in reversed(cluster):
            process.terminate()
        for process in cluster:
            process.wait(timeout=30)
    assert "analyse_batch" in ran


def test_backfill_starts_its_own_local_dask_cluster(home: Path, prefect_server: str) -> None:
    """task_runner = "dask" without an address: a cluster of this machine's cores."""
    env = _env(home, prefect_server, NEWSMON_TASK_RUNNER="dask", NEWSMON_BACKFILL_BATCH="3")
    # Prefect's INFO lines (the cluster it creates) are not shown unless asked for.
    env["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    warc = FIXTURES / "warc" / "desk.warc.gz"
    result = subprocess.run(
        [str(BIN / "newsmon"), "backfill", "--warc", str(warc)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "7 stored (4 flagged)" in result.stdout
    assert "Creating a new Dask cluster" in result.stderr
