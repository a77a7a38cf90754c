"""A local Prefect server for scheduled runs, started and stopped by `newsmon serve`.

Prefect cannot schedule on its ephemeral API, so when no PREFECT_API_URL is set, serve runs
`prefect server start` on 127.0.0.1 with its database under NEWSMON_HOME.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_TIMEOUT_SECONDS = 120


class ServerError(Exception):
    pass


class LocalPrefectServer:
    def __init__(self, prefect_home: Path) -> None:
        self.prefect_home = prefect_home
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self._process: subprocess.Popen[bytes] | None = None
        self.log_path = prefect_home / "server.log"

    def __enter__(self) -> LocalPrefectServer:
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
        command = [
            prefect,
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--no-ui",
            "--analytics-off",
        ]
        env = {**os.environ, "PREFECT_HOME": str(self.prefect_home)}
        env.pop("PREFECT_API_URL", None)
        # The server's output goes to a file: an undrained pipe would block it.
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_healthy()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process and self._process.poll() is not None:
                raise ServerError(
                    f"Prefect server exited with code {self._process.returncode}; "
                    f"see {self.log_path}"
                )
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise ServerError(
            f"Prefect server not healthy after {STARTUP_TIMEOUT_SECONDS} s; see {self.log_path}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
