"""`newsmon serve` and `newsmon run` as processes: scheduled polls, stops on one signal, and no
Prefect server or poll outliving the process that started it, however it ends."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from newsmon.serve import MAX_DUE, MISSED, STALE, plan
from newsmon.settings import load_settings
from newsmon.store import Store
from tests.conftest import Mailbox, command_env
from tests.flows.sites import BROKEN_SOURCES, DEMO, config, serve_broken, serve_demo
from tests.processes import alive, descendants

NEWSMON = [sys.executable, "-m", "newsmon.cli"]
SLOW_PAGE = "/civil/wine-exports-record.html"
# A stop must not wait for the poll: the slow page answers long after this.
SLOW_SECONDS = 60


def _env(home: Path, **extra: str) -> dict[str, str]:
    # The test site is on this machine, which fetches may reach only when allowed; no review
    # page (test_web serves one): a fixed port may be taken.
    return command_env(home, NEWSMON_ALLOWED_NETWORKS="127.0.0.1", NEWSMON_WEB_PORT="0", **extra)


@dataclass
class SlowPage:
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def slow_page(httpserver: HTTPServer) -> Iterator[SlowPage]:
    """One demo article page answers only when released (at the latest after SLOW_SECONDS or
    at the test's end; the test server answers one request at a time)."""
    page = SlowPage()
    body = (DEMO / SLOW_PAGE.lstrip("/")).read_bytes()

    def slow(request: Request) -> Response:
        page.reached.set()
        page.released.wait(SLOW_SECONDS)
        return Response(body, content_type="text/html; charset=utf-8")

    # Registered before the demo site, so it answers for that page.
    httpserver.expect_request(SLOW_PAGE).respond_with_handler(slow)
    yield page
    page.released.set()


def _start(
    command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """In a session of its own, as a shell's foreground job: a Ctrl-C goes to its group."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cwd,
        )


def _stopped(process: subprocess.Popen[bytes], log: Path, timeout: float) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"still running {timeout} s after the signal:\n{log.read_text()[-3000:]}")


def test_serve_polls_on_schedule_then_stops_on_sigterm(
    tmp_path: Path, smtp_server: Mailbox, httpserver: HTTPServer
) -> None:
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    env = _env(tmp_path / "home", NEWSMON_SMTP_URL=smtp_server.url, NEWSMON_INTERVAL_SECONDS="5")
    log = tmp_path / "serve.log"
    # The config named as a user in its folder would: the polls run in another directory.
    process = _start([*NEWSMON, "serve", "--config", config_file.name], env, log, tmp_path)
    deadline = time.monotonic() + 240
    while log.read_text().count(" poll: ") < 2 and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    assert _stopped(process, log, timeout=15) == 128 + signal.SIGTERM
    output = log.read_text()
    polls = [line for line in output.splitlines() if " poll: " in line]
    # One line a poll: the first stores and alerts, the next finds nothing new.
    assert "2 of 2 sources ok, 5 new articles" in polls[0], output
    assert "2 flagged; 2 messages sent" in polls[0], output
    assert "0 new articles" in polls[1], output
    assert "Traceback" not in output and "Crash" not in output
    assert output.rstrip().endswith("newsmon: stopped by SIGTERM")
    assert len(smtp_server.messages) == 2
    # Its Prefect server, with the UI it links to, kept state under NEWSMON_HOME and is gone.
    assert (tmp_path / "home" / "prefect" / "server.log").exists()
    ui = re.search(r"Prefect UI at (http://\S+);", output)
    assert ui is not None, output
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{ui.group(1)}/api/health", timeout=2)


def _polls(
    process: subprocess.Popen[bytes],
    log: Path,
    count: int,
    settled: Callable[[], bool] = lambda: True,
) -> list[str]:
    """The first ``count`` poll lines, then (once ``settled``) the process stopped by
    SIGTERM."""
    deadline = time.monotonic() + 240
    while (log.read_text().count(" poll: ") < count or not settled()) and (
        time.monotonic() < deadline
    ):
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    assert _stopped(process, log, timeout=15) == 128 + signal.SIGTERM
    return [line for line in log.read_text().splitlines() if " poll: " in line]


def test_a_serve_with_another_config_polls_by_it_from_its_first_poll(
    tmp_path: Path, smtp_server: Mailbox, httpserver: HTTPServer
) -> None:
    """The first serve leaves polls scheduled with its config file; the next runs none."""
    base = serve_demo(httpserver)
    serve_broken(httpserver)
    first = config(tmp_path / "first.toml", base)
    second = config(tmp_path / "second.toml", base, BROKEN_SOURCES.format(base=base))
    env = _env(tmp_path / "home", NEWSMON_SMTP_URL=smtp_server.url, NEWSMON_INTERVAL_SECONDS="5")
    for path, sources in ((first, "2 of 2 sources ok"), (second, "2 of 4 sources ok")):
        log = tmp_path / f"{path.stem}.log"
        process = _start([*NEWSMON, "serve", "--config", str(path)], env, log)
        polls = _polls(process, log, 1)
        assert sources in polls[0], log.read_text()[-3000:]


def test_a_restarted_serve_makes_one_poll_of_those_it_missed(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Polls come due every 5 s while no serve runs; the next serve makes one poll of them
    (the latest) and cancels the others, where it had run them back to back."""
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    env = _env(tmp_path / "home", NEWSMON_INTERVAL_SECONDS="5")
    command = [*NEWSMON, "serve", "--config", str(config_file)]
    database = tmp_path / "home" / "prefect" / "prefect.db"

    def states() -> list[tuple[str, str | None]]:
        # Read-only, waiting out the serve's writes.
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
            return db.execute(
                "SELECT s.name, s.message FROM flow_run r JOIN flow_run_state s"
                " ON r.state_id = s.id"
            ).fetchall()

    def completed(runs: int) -> Callable[[], bool]:
        # The poll's line is printed inside the run, before its state is Completed.
        return lambda: [name for name, _ in states()].count("Completed") >= runs

    first = tmp_path / "first.log"
    _polls(_start(command, env, first), first, 1, completed(1))
    time.sleep(12)
    second = tmp_path / "second.log"
    _polls(_start(command, env, second), second, 1, completed(2))
    assert [name for name, _ in states()].count("Completed") == 2, states()
    assert ("Cancelled", MISSED) in states(), states()


def test_of_the_runs_due_the_latest_of_this_config_runs_unless_the_batch_is_full() -> None:
    from prefect.client.schemas.objects import FlowRun

    ours, theirs = {"config_file": "c.toml", "announce": True}, {"config_file": "old.toml"}
    start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)

    def due(n: int, parameters: dict[str, object]) -> FlowRun:
        return FlowRun(
            flow_id=uuid4(), parameters=parameters, expected_start_time=start + timedelta(minutes=n)
        )

    runs = [due(0, ours), due(1, theirs), due(2, ours), due(3, theirs)]
    run, cancelled = plan(runs, ours)
    assert run is runs[2]
    assert [(c.expected_start_time, why) for c, why in cancelled] == [
        (runs[0].expected_start_time, MISSED),
        (runs[1].expected_start_time, STALE),
        (runs[3].expected_start_time, STALE),
    ]
    assert plan([runs[1]], ours) == (None, [(runs[1], STALE)])
    # Oldest first, as many as asked for: the batch's latest waits for the next batch.
    full = [due(n, ours) for n in range(MAX_DUE)]
    run, cancelled = plan(full, ours)
    assert run is None and [c for c, _ in cancelled] == full[:-1]


def test_a_poll_that_fails_says_why(tmp_path: Path, httpserver: HTTPServer) -> None:
    """The engine exits 0 for a flow that failed: serve says so from the run's state."""
    head = tmp_path / "head.json"
    head.write_text("not a classifier")
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    env = _env(tmp_path / "home", NEWSMON_CLASSIFIER_FILE=str(head), NEWSMON_INTERVAL_SECONDS="5")
    log = tmp_path / "serve.log"
    process = _start([*NEWSMON, "serve", "--config", str(config_file)], env, log)
    deadline = time.monotonic() + 240
    while "poll failed" not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    assert _stopped(process, log, timeout=15) == 128 + signal.SIGTERM
    assert f"poll failed: Flow run encountered an exception: ConfigError: {head}" in (
        log.read_text()
    )


def test_ctrl_c_during_a_poll_stops_serve_at_once_and_keeps_what_was_stored(
    tmp_path: Path, smtp_server: Mailbox, httpserver: HTTPServer, slow_page: SlowPage
) -> None:
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    env = _env(tmp_path / "home", NEWSMON_SMTP_URL=smtp_server.url, NEWSMON_INTERVAL_SECONDS="5")
    log = tmp_path / "serve.log"
    process = _start([*NEWSMON, "--config", str(config_file), "serve"], env, log)
    assert slow_page.reached.wait(timeout=240), log.read_text()[-3000:]
    started = descendants(process.pid)
    # The terminal's Ctrl-C: SIGINT to the foreground process group.
    os.killpg(process.pid, signal.SIGINT)
    # Well within the 10 s promised; the poll would otherwise wait SLOW_SECONDS for its page.
    assert _stopped(process, log, timeout=12) == 128 + signal.SIGINT
    output = log.read_text()
    assert "Traceback" not in output and "Crash" not in output, output
    assert output.rstrip().endswith("newsmon: stopped by SIGINT"), output
    assert "poll stopped after" in output
    assert not alive(started), "the poll or the Prefect server outlived serve"
    slow_page.released.set()
    # Another poll starts where this one stopped; nothing stored twice, each story alerted once.
    rerun = subprocess.run(
        [*NEWSMON, "--config", str(config_file), "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    status = Store(load_settings(config_file, environ=env).database).status()
    assert status["articles"] == 5 and status["alerts"] == {"sent": 2, "queued": 0}
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize(
    ("signum", "line"), [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "stopped by SIGTERM")]
)
def test_ctrl_c_during_a_one_off_run_is_one_line(
    tmp_path: Path, httpserver: HTTPServer, slow_page: SlowPage, signum: int, line: str
) -> None:
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    log = tmp_path / "run.log"
    env = _env(tmp_path / "home", NEWSMON_TIMEOUT_SECONDS=str(SLOW_SECONDS))
    process = _start([*NEWSMON, "--config", str(config_file), "run"], env, log)
    assert slow_page.reached.wait(timeout=240), log.read_text()[-3000:]
    started = descendants(process.pid)
    os.killpg(process.pid, signum)
    # The page's request is cut short, not waited out: the host is given a minute.
    assert _stopped(process, log, timeout=12) == 128 + signum, log.read_text()[-3000:]
    # Prefect's crash reports of the cancelled tasks stay in its API, not on the terminal.
    assert log.read_text().strip() == f"newsmon: {line}", log.read_text()
    assert not alive(started)
    slow_page.released.set()


def test_a_stopped_backfill_asks_for_no_more_pages(
    tmp_path: Path, httpserver: HTTPServer, slow_page: SlowPage
) -> None:
    """SIGTERM while the first page of a batch is being fetched and the others wait for the
    host's one slot: they are not asked for (the backfill had waited for them all, then
    stored nothing of a batch not fetched whole), and the line says how to go on."""
    base = serve_demo(httpserver)
    urls = tmp_path / "urls.txt"
    others = [p for p in DEMO.rglob("*.html") if "category" not in p.parts]
    pages = [SLOW_PAGE, *("/" + p.relative_to(DEMO).as_posix() for p in others)]
    urls.write_text("".join(f"{base}{page}\n" for page in dict.fromkeys(pages)))
    env = _env(tmp_path / "home", NEWSMON_MAX_WORKERS="4", NEWSMON_HOST_CONCURRENCY="1")
    log = tmp_path / "backfill.log"
    process = _start([*NEWSMON, "backfill", "--urls", str(urls)], env, log)
    assert slow_page.reached.wait(timeout=240), log.read_text()[-3000:]
    asked = len(httpserver.log)
    os.killpg(process.pid, signal.SIGTERM)
    # The test server answers one request at a time: free it for any request still to come.
    slow_page.released.set()
    assert _stopped(process, log, timeout=30) == 128 + signal.SIGTERM, log.read_text()[-3000:]
    assert log.read_text().strip().startswith("newsmon: stopped by SIGTERM; batches stored")
    later = [request.path for request, _ in httpserver.log[asked:]]
    assert later in ([], [SLOW_PAGE]), later


def test_signal_during_start_up_leaves_nothing(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process = _start([*NEWSMON, "serve"], _env(tmp_path / "home"), log)
    # Its Prefect server is starting (it takes seconds to answer).
    deadline = time.monotonic() + 60
    while not descendants(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = descendants(process.pid)
    assert started, log.read_text()
    os.killpg(process.pid, signal.SIGINT)
    assert _stopped(process, log, timeout=12) == 128 + signal.SIGINT
    output = log.read_text()
    assert "Traceback" not in output
    assert output.strip() == "newsmon: stopped by SIGINT"
    assert not alive(started)


def test_kill_9_of_a_run_takes_its_prefect_server_with_it(
    tmp_path: Path, httpserver: HTTPServer, slow_page: SlowPage
) -> None:
    config_file = config(tmp_path / "c.toml", serve_demo(httpserver))
    log = tmp_path / "run.log"
    process = _start([*NEWSMON, "run", "--config", str(config_file)], _env(tmp_path / "home"), log)
    assert slow_page.reached.wait(timeout=240), log.read_text()[-3000:]
    started = descendants(process.pid)
    assert started, "the run started no Prefect server"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(started), "the Prefect server outlived the killed run"
