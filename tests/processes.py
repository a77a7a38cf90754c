"""Processes and temp folders a test started: what must not outlive it.

Every process the test session starts inherits SESSION_MARK in its environment, so one that
was orphaned (re-parented to init) is still found by reading /proc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

# Not NEWSMON_*: the `home` fixture clears those.
MARK_NAME, MARK_VALUE = "PYTEST_NEWSMON_SESSION", uuid.uuid4().hex
SESSION_MARK = f"{MARK_NAME}={MARK_VALUE}".encode()
# A killed process's children may take a moment to follow it (the parent-death signal).
GRACE_SECONDS = 5.0


def session_processes() -> dict[int, str]:
    """pid → command line of the live processes carrying this session's mark, but this one."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if SESSION_MARK not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while being read, or not ours
        if alive({int(entry.name)}):
            found[int(entry.name)] = command
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running: not ended, and not zombies (dead, waiting to be
    reaped by whichever process adopted them)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def descendants(pid: int) -> set[int]:
    """The processes ``pid`` started, and theirs."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found |= {int(child), *descendants(int(child))}
    return found


def survivors(before: set[int], allowed: set[int]) -> dict[int, str]:
    """Processes started since ``before`` that are still alive after a short grace."""
    deadline = time.monotonic() + GRACE_SECONDS
    while True:
        left = {
            pid: command
            for pid, command in session_processes().items()
            if pid not in before and pid not in allowed
        }
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def temp_entries() -> set[str]:
    """The system temp folder's entries, but pytest's own (its tmp_path folders)."""
    return {name for name in os.listdir(tempfile.gettempdir()) if not name.startswith("pytest-of-")}
