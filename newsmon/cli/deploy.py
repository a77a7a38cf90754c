"""`newsmon deploy`: the poll flow as a deployment on a Prefect server's work pool, for
workers on other machines to run (see docs/deploy.md)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from extractors.urls import is_web_address
from newsmon.cli.common import config_file, fail, guarded, prepare_prefect, settings
from newsmon.settings import PROJECT_ROOT


def deploy(
    ctx: typer.Context,
    pool: Annotated[
        str, typer.Option(metavar="NAME", help="The work pool (made as a process pool if new).")
    ],
    paused: Annotated[
        bool, typer.Option("--paused", help="Register without starting the schedule.")
    ] = False,
    at_once: Annotated[
        int,
        typer.Option(
            "--at-once",
            min=1,
            metavar="N",
            help="Polls that may run at the same time; one due while N run is cancelled.",
        ),
    ] = 1,
) -> None:
    """Register the poll flow on the Prefect server at PREFECT_API_URL, every
    interval_seconds, in a work pool; `prefect worker start --pool NAME` on each machine
    runs it. Every machine needs this checkout at the same path and the same settings.

    Example: PREFECT_API_URL=http://prefect:4200/api newsmon deploy --pool newsmon
    """
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        fail("PREFECT_API_URL is not set: deployments live on a Prefect server")
    if not is_web_address(api_url):
        fail(f"PREFECT_API_URL={api_url}: not an http:// or https:// URL")
    current = settings(ctx)
    prepare_prefect(current)
    import httpx

    from flows.pool import DEPLOYMENT, register_poll
    from newsmon.server import unreachable

    try:
        deployment_id = guarded(
            lambda: register_poll(pool, current.interval_seconds, config_file(ctx), paused, at_once)
        )
    except httpx.TransportError as exc:
        fail(unreachable(api_url, exc), code=1)
    typer.echo(
        f"deployment {DEPLOYMENT} ({deployment_id}) in work pool {pool!r}, every "
        f"{current.interval_seconds} s{' (paused)' if paused else ''}, at most {at_once} "
        f"at once; code at {PROJECT_ROOT}"
    )
