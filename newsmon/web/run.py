"""Serving the review page: bind first (so a port in use is one clear error), then run
uvicorn on that socket, in the foreground (`newsmon web`) or in a thread of `newsmon serve`
that stops with it."""

from __future__ import annotations

import errno
import getpass
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from newsmon.settings import Settings
from newsmon.store import open_store
from newsmon.web.app import create_app
from newsmon.web.guard import BindError, check_binding

STOP_SECONDS = 5.0


def review_app(settings: Settings) -> FastAPI:
    """The page over the settings' store; on a page without a token (only this machine
    reaches it) marks are the OS user's until an editor gives a name."""
    default_editor = "" if settings.web_token else _os_user()
    return create_app(settings, open_store(settings), default_editor)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def bind(host: str, port: int, token: str) -> socket.socket:
    """A listening socket, or BindError: a wide address without a token, a port in use."""
    check_binding(host, token)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = "port in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        raise BindError(f"cannot serve the review page on {host}:{port}: {why}") from exc
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _server(app: FastAPI) -> uvicorn.Server:
    # log_config=None: leave the process's logging (Prefect's, under serve) as it is.
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, lifespan="off"
    )
    return uvicorn.Server(config)


def serve_forever(app: FastAPI, sock: socket.socket) -> None:
    """Serve until Ctrl-C or SIGTERM (uvicorn then raises the signal again)."""
    with sock:
        _server(app).run(sockets=[sock])


@contextmanager
def in_background(app: FastAPI, sock: socket.socket) -> Iterator[str]:
    """Serve in a thread (uvicorn leaves signals to the main thread there) while in the
    block; its address. Leaving the block stops it and closes the socket."""
    server = _server(app)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="review-page", daemon=True
    )
    thread.start()
    try:
        yield address(sock)
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)
        sock.close()
