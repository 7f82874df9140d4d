"""Where a sweep's runs execute, behind one interface: submit tasks, collect them as they finish.

`local` uses processes on this machine; `dask` connects to an existing Dask cluster (or
starts a `LocalCluster` on loopback); `slurm` starts one through dask-jobqueue. Dask and
dask-jobqueue are imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from simulator.sweep.spec import Executor as ExecutorSettings


class Executor(Protocol):
    """Submit a function call; iterate over finished calls; close."""

    description: str

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Processes on this machine (concurrent.futures)."""

    def __init__(self, workers: int):
        from simulator.processes import process_pool

        self.pool = process_pool(workers)  # workers exit if this process dies
        self.description = f"local processes x {workers}"

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.pool.submit(fn, *args)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from concurrent.futures import as_completed

        return as_completed(list(futures))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A Dask distributed client: an existing scheduler, a Slurm cluster, or a LocalCluster on loopback."""

    def __init__(self, settings: ExecutorSettings, scheduler: str | None = None, scheduler_file: str | None = None):
        from distributed import Client

        self.cluster = None
        scheduler = scheduler or settings.scheduler
        scheduler_file = scheduler_file or settings.scheduler_file
        if scheduler:
            self.client = Client(scheduler)
            self.description = f"Dask scheduler {scheduler}"
        elif scheduler_file:
            self.client = Client(scheduler_file=scheduler_file)
            self.description = f"Dask scheduler from {scheduler_file}"
        elif settings.kind == "slurm":
            from dask_jobqueue import SLURMCluster

            s = settings.slurm
            self.cluster = SLURMCluster(cores=s.cores, processes=s.processes, memory=s.memory, walltime=s.walltime, queue=s.queue,
                                        account=s.account, job_extra_directives=s.job_extra_directives,
                                        job_script_prologue=s.job_script_prologue, interface=s.interface)
            self.cluster.scale(jobs=s.jobs)
            self.client = Client(self.cluster)
            self.description = f"Slurm via dask-jobqueue, {s.jobs} jobs x {s.processes} workers"
        else:
            from distributed import LocalCluster

            self.cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address=None)
            self.client = Client(self.cluster)
            self.description = f"Dask LocalCluster x {settings.workers} (loopback)"

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        return iter(as_completed(list(futures)))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(settings: ExecutorSettings, workers: int | None = None, scheduler: str | None = None,
                  scheduler_file: str | None = None) -> Executor:
    """The executor the sweep file asks for; command-line options take precedence."""
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    if scheduler or scheduler_file or settings.kind in ("dask", "slurm"):
        return DaskExecutor(settings, scheduler, scheduler_file)
    return LocalExecutor(settings.workers)
