"""The task runner a flow's batches go to: threads here, or a Dask cluster."""

from __future__ import annotations

import os

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from newsmon.settings import Settings


def task_runner(settings: Settings) -> TaskRunner:  # type: ignore[type-arg]
    """Threads on this machine by default; ``task_runner = "dask"`` sends batches to the
    scheduler at ``dask_address``, or to a local cluster of one process per core."""
    cores = os.cpu_count() or 1
    if settings.task_runner != "dask":
        return ThreadPoolTaskRunner(max_workers=cores)
    import dask
    from prefect_dask import DaskTaskRunner

    # Dask's scratch space under NEWSMON_HOME, not left behind in the system temp folder.
    dask.config.set({"temporary-directory": str(settings.home / "dask")})
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    # One thread per worker: the model already uses the cores it is given.
    return DaskTaskRunner(cluster_kwargs={"n_workers": cores, "threads_per_worker": 1})
