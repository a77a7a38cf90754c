"""`newsmon web`: the review page, where an editor marks flags right or wrong."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Annotated

import typer

from newsmon.cli.common import existing_store, fail, guarded, settings
from newsmon.settings import Settings, load_settings

DemoOption = Annotated[
    bool,
    typer.Option("--demo", help="Use the store `newsmon demo` left (under NEWSMON_HOME/demo)."),
]


def web(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="Where to listen (default: web_host, 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(metavar="N", min=1, max=65535, help="The port (default: web_port, 8765)."),
    ] = None,
    demo: DemoOption = False,
) -> None:
    """Serve the review page until Ctrl-C: recent stories with scores, outlets and reasons,
    near misses, source health and flagged coverage per day; editors mark each flag right
    or wrong (stored as labels, see `newsmon labels export`). Any address but 127.0.0.1
    needs NEWSMON_WEB_TOKEN.

    Example: newsmon web --demo
    """
    from newsmon.web.guard import BindError
    from newsmon.web.run import address, bind, review_app, serve_forever

    current = review_settings(ctx, demo)
    where, on = host or current.web_host, current.web_port if port is None else port
    if not on:
        fail("web_port is 0: give --port")
    binding_allowed(where, current.web_token)
    if not demo:
        existing_store(current)
    try:
        sock = bind(where, on, current.web_token)
    except BindError as exc:
        fail(str(exc), code=1)
    app = review_app(current)
    typer.echo(f"review page at {address(sock)} (Ctrl-C stops it)")
    if not demo:
        _hint_demo(current)
    serve_forever(app, sock)


def binding_allowed(host: str, token: str) -> None:
    """A page beyond this machine without a token is a configuration error: exit 2 before
    anything starts."""
    from newsmon.web.guard import BindError, check_binding

    try:
        check_binding(host, token)
    except BindError as exc:
        fail(str(exc), code=2)


def review_settings(ctx: typer.Context, demo: bool) -> Settings:
    """The desk's settings; with ``demo``, the demo's store and sources with the desk's page
    settings (address, port, token)."""
    desk = settings(ctx)
    if not demo:
        return desk
    from newsmon.demo import demo_environment, demo_home

    home = demo_home(desk)
    if not (home / "newsmon.db").exists():
        fail(f"no demo store in {home}: run `newsmon demo` first", code=1)
    config = home / "demo.toml"
    environ = demo_environment(desk, os.environ)
    shown = guarded(lambda: load_settings(config if config.exists() else None, environ))
    return replace(shown, web_host=desk.web_host, web_port=desk.web_port, web_token=desk.web_token)


def _hint_demo(current: Settings) -> None:
    """Point at --demo when the desk's store is empty and `newsmon demo` left one."""
    from newsmon.demo import demo_home
    from newsmon.store import open_store

    if (demo_home(current) / "newsmon.db").exists() and not open_store(current).articles(1):
        typer.echo("the desk's store is empty; `newsmon web --demo` shows the demo's")
