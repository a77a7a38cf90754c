"""Headless Chromium driven over the Chrome DevTools Protocol, for tests that click in a real
browser. Every wait is bounded; the browser, its child processes and its temporary profile are
gone when the ``chromium()`` block ends, however it ends."""

from __future__ import annotations

import base64
import ctypes
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.connection import Connection

from tests.newsmon.test_alert_in_browser import _chromium

WAIT = 30.0
STOP = 10.0
PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER = 36, 37  # prctl(2)
FLAGS = [
    # No background networking: this machine reaches nothing but 127.0.0.1.
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


class Tab:
    """One page of the browser, attached over a flat DevTools session."""

    def __init__(self, socket: Connection, session: str = "", browser: Tab | None = None) -> None:
        self.socket, self.session = socket, session
        self.events: list[dict[str, Any]] = []
        # One numbering of commands per connection.
        self._ids: Iterator[int] = browser._ids if browser else itertools.count(1)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """The result of one command; its error, or no answer in WAIT seconds, fails."""
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + WAIT
        while True:
            answer = self._receive(deadline, f"the answer to {method}")
            if answer.get("id") == ident:
                if "error" in answer:
                    raise AssertionError(f"{method} failed: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def wait_for(self, event: str, deadline: float | None = None) -> dict[str, Any]:
        """The params of the first ``event`` not yet taken (kept from before, or coming)."""
        deadline = deadline or time.monotonic() + WAIT
        while True:
            for n, seen in enumerate(self.events):
                if seen["method"] == event:
                    del self.events[: n + 1]
                    params: dict[str, Any] = seen.get("params", {})
                    return params
            self._receive(deadline, event)

    def _receive(self, deadline: float, what: str) -> dict[str, Any]:
        """The next message; an event of this session is also kept for ``wait_for``."""
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            raw = self.socket.recv(timeout=left)
        except TimeoutError:
            raise AssertionError(f"Chromium sent no {what} in {WAIT:.0f} s") from None
        message: dict[str, Any] = json.loads(raw)
        if "method" in message and message.get("sessionId", "") == self.session:
            self.events.append(message)
        return message

    def open(self, url: str) -> None:
        """Go to ``url`` and wait until it has loaded."""
        self.events.clear()
        result = self.send("Page.navigate", url=url)
        assert not result.get("errorText"), f"{url} did not load: {result['errorText']}"
        self.arrive(url)

    def reload(self) -> None:
        url = str(self.evaluate("location.href"))
        self.events.clear()
        self.send("Page.reload", ignoreCache=True)
        self.arrive(url)

    def arrive(self, url: str) -> None:
        """Wait until the tab has gone to ``url`` (its #fragment aside) and loaded it; going
        anywhere else fails at once. Call ``events.clear()`` before what starts the going."""
        deadline = time.monotonic() + WAIT
        while True:
            frame = self.wait_for("Page.frameNavigated", deadline)["frame"]
            if "parentId" not in frame and frame["url"] != "about:blank":
                break
        went = frame["url"] + frame.get("urlFragment", "")
        assert frame["url"] == url.partition("#")[0], f"the tab went to {went}, not to {url}"
        self.wait_for("Page.loadEventFired", deadline)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, f"{expression}: {result['exceptionDetails']}"
        return result["result"].get("value")

    def html(self) -> str:
        return str(self.evaluate("document.documentElement.outerHTML"))

    def location(self) -> str:
        return str(self.evaluate("location.pathname + location.search + location.hash"))

    def click(self, selector: str) -> None:
        """A left click with the mouse in the middle of the element ``selector`` names."""
        root = self.send("DOM.getDocument", depth=0)["root"]["nodeId"]
        node = self.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        assert node, f"nothing on the page matches {selector}"
        self.send("DOM.scrollIntoViewIfNeeded", nodeId=node)
        quad = self.send("DOM.getBoxModel", nodeId=node)["model"]["border"]
        x, y = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
        hit = f"document.elementFromPoint({x}, {y})?.closest({json.dumps(selector)}) !== null"
        assert self.evaluate(hit), f"{selector} is covered at ({x:.0f}, {y:.0f})"
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def click_and_wait(self, selector: str, url: str) -> None:
        """Click something that leads to ``url`` (a form's button, say), and wait until that
        page has loaded."""
        self.events.clear()
        self.click(selector)
        self.arrive(url)

    def type_into(self, selector: str, text: str) -> None:
        """Click a text field, select what it holds and type ``text`` over it."""
        self.click(selector)
        self.send(
            "Input.dispatchKeyEvent",
            type="rawKeyDown",
            key="a",
            code="KeyA",
            windowsVirtualKeyCode=65,
            modifiers=2,  # Ctrl
            commands=["selectAll"],
        )
        self.send("Input.dispatchKeyEvent", type="keyUp", key="a", code="KeyA", modifiers=2)
        self.send("Input.insertText", text=text)
        value = self.evaluate(f"document.querySelector({json.dumps(selector)}).value")
        assert value == text, f"typed {text!r} into {selector} but it holds {value!r}"

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


@contextmanager
def chromium(width: int = 1000, height: int = 1400) -> Iterator[Tab]:
    """A headless Chromium with a fresh profile, and a blank tab in it."""
    home = Path(tempfile.mkdtemp(prefix="newsmon-chromium-"))
    profile, temp = home / "profile", home / "tmp"
    temp.mkdir()
    log = (home / "chromium.log").open("w+b")
    process: subprocess.Popen[bytes] | None = None
    try:
        with _adopting_orphans():
            try:
                process = subprocess.Popen(
                    [
                        _chromium(),
                        *FLAGS,
                        f"--window-size={width},{height}",
                        f"--user-data-dir={profile}",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    env={**os.environ, "TMPDIR": str(temp)},  # its temp files go with the profile
                    start_new_session=True,  # its own process group, ended with it
                )
                with _devtools(process, profile, log) as tab:
                    yield tab
            finally:
                if process is not None:
                    _stop(process)
    finally:
        log.close()
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def _devtools(process: subprocess.Popen[bytes], profile: Path, log: BinaryIO) -> Iterator[Tab]:
    """A new tab of the browser, over its DevTools websocket; the browser is asked to quit
    after (which ends its renderers before it)."""
    with connect(_address(process, profile, log), max_size=None, open_timeout=WAIT) as socket:
        browser = Tab(socket)
        try:
            target = browser.send("Target.createTarget", url="about:blank")["targetId"]
            session = browser.send("Target.attachToTarget", targetId=target, flatten=True)
            tab = Tab(socket, session["sessionId"], browser)
            for domain in ("Page", "DOM", "Runtime"):
                tab.send(f"{domain}.enable")
            yield tab
        finally:
            with suppress(AssertionError, OSError, ConnectionClosed):
                browser.send("Browser.close")


def _address(process: subprocess.Popen[bytes], profile: Path, log: BinaryIO) -> str:
    """The browser's DevTools websocket, from the DevToolsActivePort file it writes."""
    written = profile / "DevToolsActivePort"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and process.poll() is None:
        lines = written.read_text().split() if written.exists() else []
        if len(lines) >= 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    log.seek(0)
    output = log.read().decode(errors="replace")[-2000:]
    raise AssertionError(f"Chromium gave no DevTools address in {WAIT:.0f} s:\n{output}")


@contextmanager
def _adopting_orphans() -> Iterator[None]:
    """This process as the "child subreaper" of what it starts meanwhile: Chromium's crash
    handlers (started detached) and its zygotes (which outlive the browser by a moment) are
    then this process's to end and reap, not left as zombies for init (which may reap late,
    or never)."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    before = ctypes.c_int(0)
    prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(before), 0, 0, 0)
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        yield
    finally:
        prctl(PR_SET_CHILD_SUBREAPER, before.value, 0, 0, 0)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the browser, its process group and the crash handlers it started (adopted by this
    process): wait for them to quit, else terminate them, else kill them (STOP seconds each),
    then reap them. Each is signalled by its own id while it cannot be reused: the browser's
    pid (its group's id) and the adopted ones are this process's children until reaped."""
    group = process.pid  # start_new_session: the group's id is the browser's pid
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None:
            with suppress(ProcessLookupError):
                os.killpg(group, sig)
            for pid, (_, _, pgrp) in _left(group).items():
                if pgrp != group:
                    with suppress(ProcessLookupError):
                        os.kill(pid, sig)
        deadline = time.monotonic() + STOP
        while _running(group) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _running(group):
            break
    deadline = time.monotonic() + STOP
    while (left := _left(group)) and time.monotonic() < deadline:
        for pid, (_, parent, _) in left.items():
            if parent == os.getpid():
                with suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)
    process.wait(timeout=STOP)


def _running(group: int) -> bool:
    """Whether the browser, or any other process it left, has not exited."""
    try:
        if os.waitid(os.P_PID, group, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            return True
    except ChildProcessError:
        pass  # Already reaped (it died at start): what it left may still run.
    return any(state != "Z" for state, _, _ in _left(group).values())


def _left(group: int) -> dict[int, tuple[str, int, int]]:
    """pid → (state, parent's pid, group) of the processes the browser started, zombies too:
    those in its group but itself, and Chromium's processes this process adopted."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != group:
            with suppress(OSError, IndexError, ValueError):
                name, rest = (entry / "stat").read_text().rsplit(")", 1)
                state, parent, pgrp = rest.split()[:3]  # after the (command): state, ppid, pgrp
                adopted = int(parent) == os.getpid() and name.partition("(")[2].startswith("chrom")
                if int(pgrp) == group or adopted:
                    found[int(entry.name)] = (state, int(parent), int(pgrp))
    return found
