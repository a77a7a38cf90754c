"""The poll flow registered on a Prefect server's work pool."""

from __future__ import annotations

import contextlib
from uuid import UUID

from prefect import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.exceptions import ObjectAlreadyExists
from prefect.utilities.asyncutils import run_coro_as_sync

from flows.poll import poll
from newsmon.settings import PROJECT_ROOT

DEPLOYMENT = "newsmon-poll"


def register_poll(
    pool: str, interval: int, config_file: str | None, paused: bool, at_once: int = 1
) -> UUID:
    """Make the process work pool if needed, then (re)register the deployment: code from
    this checkout, one run every ``interval`` seconds, at most ``at_once`` running. A run
    due while that many run is cancelled, not queued: the next poll finds what it would
    have found, and a worker back after an outage would otherwise start every poll it
    missed at once."""
    run_coro_as_sync(_ensure_pool(pool))
    source = poll.from_source(source=str(PROJECT_ROOT), entrypoint="flows/poll.py:poll")
    return source.deploy(
        name=DEPLOYMENT,
        work_pool_name=pool,
        interval=interval,
        parameters={"config_file": config_file},
        paused=paused,
        concurrency_limit=ConcurrencyLimitConfig(
            limit=at_once, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        print_next_steps=False,
        # Prefect's advice to use flow.serve for a process pool is for local development.
        ignore_warnings=True,
    )


async def _ensure_pool(pool: str) -> None:
    async with get_client() as client:
        with contextlib.suppress(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
