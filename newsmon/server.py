"""The Prefect API server a newsmon process owns: started on 127.0.0.1, gone with the process.

Prefect's own ephemeral server is a child nobody stops when its parent is killed (SIGKILL, OOM),
so newsmon starts the same uvicorn app itself: in its own session, so that a Ctrl-C meant for
newsmon does not stop the server under a run still writing to it, and with Linux's
parent-death signal, so that the server dies with newsmon however newsmon dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 3
DRAIN_TIMEOUT_SECONDS = 5
# A configured server that takes longer than this to answer its health check is taken as down.
HEALTH_TIMEOUT_SECONDS = 5
_PR_SET_PDEATHSIG = 1
_SHUTDOWN_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# Looked up before any fork: loading a library in a forked child of a threaded process can hang.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


class ServerError(Exception):
    pass


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """Have the kernel send ``signum`` to this process when ``parent`` ends; if it already
    has (this process was re-parented), end now. Does nothing where Linux's prctl is absent."""
    if _prctl is None:
        return
    _prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)


class LocalPrefectServer:
    """``prefect.server.api.server:create_app`` under uvicorn on a free 127.0.0.1 port.

    ``scheduling`` runs the server's services (the scheduler `serve` needs) and its UI; without
    it the server is the ephemeral kind: API only, for one-off runs.
    """

    def __init__(self, prefect_home: Path, scheduling: bool = False) -> None:
        self.prefect_home = prefect_home
        self.scheduling = scheduling
        self.port = _free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.address}/api"
        self.log_path = prefect_home / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LocalPrefectServer:
        try:
            self._start()
            self._wait_healthy()
        except BaseException:
            # A Ctrl-C or an error during start-up: nothing may outlive this call.
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def kill(self) -> None:
        """Stop at once (a second Ctrl-C)."""
        if self._process and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    def _start(self) -> None:
        import prefect

        self.prefect_home.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(Path(prefect.__file__).parent.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--lifespan",
            "on",
        ]
        env = {
            **os.environ,
            "PREFECT_HOME": str(self.prefect_home),
            "PREFECT__SERVER_FINAL": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "true" if self.scheduling else "false",
            "PREFECT_UI_API_URL": self.api_url,
        }
        env.pop("PREFECT_API_URL", None)
        if not self.scheduling:
            env["PREFECT__SERVER_EPHEMERAL"] = "1"
        parent = os.getpid()
        # Signals are held while the child is forked: a Ctrl-C between the fork and
        # remembering the process would leave a server nobody stops.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _SHUTDOWN_SIGNALS)
        try:
            # The server's output goes to a file: an undrained pipe would block it.
            with self.log_path.open("ab") as log:
                self._process = subprocess.Popen(
                    command,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=lambda: _child_setup(parent, held),
                )
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                code = self._process.returncode if self._process else None
                raise ServerError(f"Prefect server exited with code {code}; see {self.log_path}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise ServerError(
            f"Prefect server not healthy after {STARTUP_TIMEOUT_SECONDS} s; see {self.log_path}"
        )


def _child_setup(parent: int, mask: set[signal.Signals]) -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    die_with_parent(parent)


@contextmanager
def prefect_api(
    prefect_home: Path, scheduling: bool = False
) -> Iterator[LocalPrefectServer | None]:
    """The Prefect API the flows of this ``with`` block talk to: the one configured
    (PREFECT_API_URL, or a test harness; None), else a server this process owns.
    Call after ``configure_prefect``."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if configured := get_current_settings().api.url:
        check_answers(configured)
        yield None
        return
    # Prefect read its settings when imported: the address goes to the running settings
    # (this process's flows) and to the environment (the processes it starts).
    with (
        LocalPrefectServer(prefect_home, scheduling) as server,
        temporary_settings(updates={PREFECT_API_URL: server.api_url}),
    ):
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            yield server
        finally:
            _drain_prefect()
            os.environ.pop("PREFECT_API_URL", None)


def check_answers(api_url: str) -> None:
    """ServerError, naming the address, where no Prefect server answers at ``api_url``:
    every command would otherwise start and then fail on its first request."""
    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=HEALTH_TIMEOUT_SECONDS)
    except httpx.TransportError as exc:
        raise ServerError(unreachable(api_url, exc)) from exc


def unreachable(api_url: str, exc: Exception) -> str:
    return f"no Prefect server answers at PREFECT_API_URL={api_url}: {exc}"


def _drain_prefect() -> None:
    """Send the logs and events Prefect still holds while its server is up: at exit it
    would try, fail, and print an error."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=DRAIN_TIMEOUT_SECONDS)
    EventsWorker.drain_all(timeout=DRAIN_TIMEOUT_SECONDS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
