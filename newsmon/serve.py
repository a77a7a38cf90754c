"""`newsmon serve`: polls on a Prefect server's schedule, one at a time, stopped by one signal.

The poll deployment's interval schedule lives on the Prefect server (its scheduler creates the
runs; its UI shows them). This loop is the worker: it takes the latest run that is due (the
others due with it are cancelled as missed) and runs it with Prefect's engine in a child
process that this process owns (its own session, so a Ctrl-C reaches only `serve`; the
parent-death signal, so it cannot outlive `serve`). On the first
SIGINT or SIGTERM no new run starts, the running poll gets GRACE_SECONDS to finish and is then
killed (its stored articles are committed one transaction at a time, and an alert killed
mid-send is resent with the same Message-ID), and `serve` exits 128 + the signal.
A second signal kills everything at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from newsmon.server import die_with_parent
from newsmon.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.objects import FlowRun

    from newsmon.server import LocalPrefectServer

GRACE_SECONDS = 6.0
CHECK_SECONDS = 2.0
DEPLOYMENT = "newsmon-poll"
STALE = "scheduled by an earlier serve with another config file"
MISSED = "missed: a later poll was due"
# Due runs read at a time; more are read on the next turn of the loop.
MAX_DUE = 100


@dataclass
class Stop:
    """Which signal asked to stop, and what to kill when a second one comes."""

    signum: int | None = None
    event: asyncio.Event = field(default_factory=asyncio.Event)
    poll: subprocess.Popen[bytes] | None = None
    server: LocalPrefectServer | None = None

    def on_signal(self, signum: int) -> None:
        if self.signum is not None:
            self.kill_all()
            os._exit(128 + self.signum)
        self.signum = signum
        self.event.set()

    def kill_all(self) -> None:
        if self.poll and self.poll.poll() is None:
            self.poll.kill()
        if self.server:
            self.server.kill()


def serve(
    interval_seconds: int,
    config_file: str | None,
    log_path: Path,
    server: LocalPrefectServer | None,
    say: Callable[[str], None],
) -> int:
    """Serve until a signal, with the review page beside the polls; the exit code (128 +
    the signal). ServerError when the page cannot start (its port is in use, or it is to be
    reached from elsewhere without a token)."""
    stop = Stop(server=server)
    with review_page(config_file, say):
        return asyncio.run(_serve(interval_seconds, config_file, log_path, stop, say))


@contextlib.contextmanager
def review_page(config_file: str | None, say: Callable[[str], None]) -> Iterator[None]:
    """The review page in a thread of this process while in the block (none when web_port
    is 0): it cannot outlive `serve`, and it stops when the block is left."""
    from newsmon.server import ServerError
    from newsmon.settings import load_settings
    from newsmon.web.guard import BindError
    from newsmon.web.run import bind, in_background, review_app

    settings = load_settings(Path(config_file) if config_file else None)
    if not settings.web_port:
        yield
        return
    try:
        sock = bind(settings.web_host, settings.web_port, settings.web_token)
    except BindError as exc:
        raise ServerError(str(exc)) from exc
    with in_background(review_app(settings), sock) as where:
        say(f"review page at {where}")
        yield


async def _serve(
    interval_seconds: int,
    config_file: str | None,
    log_path: Path,
    stop: Stop,
    say: Callable[[str], None],
) -> int:
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.on_signal, signum)
    parameters = {"config_file": config_file, "announce": True}
    async with get_client() as client:
        deployment_id = await _deploy(interval_seconds, parameters)
        while not stop.event.is_set():
            due = await client.get_scheduled_flow_runs_for_deployments(
                [deployment_id], scheduled_before=datetime.now(UTC), limit=MAX_DUE
            )
            if due:
                run, cancelled = plan(due, parameters)
                for other, why in cancelled:
                    await client.set_flow_run_state(other.id, Cancelled(message=why), force=True)
                if run is not None:
                    await _execute(client, run.id, log_path, stop, say)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.event.wait(), CHECK_SECONDS)
    assert stop.signum is not None
    return 128 + stop.signum


def plan(
    due: Sequence[FlowRun], parameters: dict[str, Any]
) -> tuple[FlowRun | None, list[tuple[FlowRun, str]]]:
    """Of the runs due (oldest first, at most MAX_DUE), the one to make and those to cancel
    with why. One poll reads whatever missed ones would have (while serve was down, or a
    poll ran long), so only the latest of this serve's config runs; runs an earlier serve
    scheduled carry its config file, not this one's. A full batch may not hold the latest:
    its own latest waits, to be weighed against the next batch."""
    ours = [run for run in due if run.parameters == parameters]
    latest = max(ours, key=_expected, default=None)
    cancelled = [
        (run, MISSED if run.parameters == parameters else STALE) for run in due if run is not latest
    ]
    return (latest if len(due) < MAX_DUE else None), cancelled


def _expected(run: FlowRun) -> datetime:
    return run.expected_start_time or datetime.min.replace(tzinfo=UTC)


async def _deploy(interval_seconds: int, parameters: dict[str, Any]) -> UUID:
    from flows.poll import poll

    deployment = await poll.ato_deployment(
        name=DEPLOYMENT, interval=interval_seconds, parameters=parameters
    )
    # By module, not by file: the engine imports it from any working directory.
    deployment.entrypoint = "flows.poll:poll"
    return await deployment.apply()


async def _execute(
    client: PrefectClient, run_id: UUID, log_path: Path, stop: Stop, say: Callable[[str], None]
) -> None:
    from prefect.states import Pending

    state = await client.set_flow_run_state(run_id, Pending())
    if state.status.value != "ACCEPT":
        return  # another worker took it, or it was cancelled
    started = time.monotonic()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT__FLOW_RUN_ID": str(run_id)}
    parent = os.getpid()
    with log_path.open("ab") as log:
        stop.poll = subprocess.Popen(
            [sys.executable, "-m", "prefect.engine"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
            preexec_fn=lambda: die_with_parent(parent),
        )
    code = await _wait(stop.poll, stop)
    if stop.signum is not None and code != 0:
        say(f"poll stopped after {time.monotonic() - started:.0f} s (run {run_id})")
    elif code != 0:
        say(f"poll failed with exit code {code}; see {log_path}")
    # The engine exits 0 for a flow that failed (a config error): its state says so.
    elif (state := (await client.read_flow_run(run_id)).state) and state.is_failed():
        # The first line: an exception's message may run on (a database driver's hints).
        reason = (state.message or "no reason given").strip().splitlines()[0]
        say(f"poll failed: {reason}; see {log_path}")


async def _wait(process: subprocess.Popen[bytes], stop: Stop) -> int:
    """The poll's exit code; after a stop signal it has GRACE_SECONDS, then it is killed."""
    deadline: float | None = None
    while (code := process.poll()) is None:
        if stop.signum is not None and deadline is None:
            deadline = time.monotonic() + GRACE_SECONDS
            process.terminate()
        elif deadline is not None and time.monotonic() > deadline:
            process.kill()
        await asyncio.sleep(0.2)
    return code
