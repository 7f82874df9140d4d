"""Where a sweep's runs execute, behind one interface: submit tasks, collect them as they finish.

`local` uses processes on this machine; `dask` connects to an existing Dask cluster (or
starts a `LocalCluster` on loopback); `slurm` starts one through dask-jobqueue. Dask and
dask-jobqueue are imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from simulator.sweep.spec import Executor as ExecutorSettings
from simulator.sweep.spec import Slurm


class Executor(Protocol):
    """Submit a function call; iterate over finished calls; close."""

    description: str

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Processes on this machine (concurrent.futures)."""

    def __init__(self, workers: int):
        from simulator.workers import process_pool

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

    def __init__(self, settings: ExecutorSettings, scheduler: str | None = None, scheduler_file: str | None = None,
                 shared: Path | None = None):
        """`shared` is a folder the cluster's jobs can read (for temporary TLS credentials)."""
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
            self.cluster, self.client = _slurm_cluster(settings.slurm, shared)
            self.description = f"Slurm via dask-jobqueue, {settings.slurm.jobs} jobs x {settings.slurm.processes} workers"
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


class ClusterError(RuntimeError):
    """The cluster could not be used (no worker arrived, jobs refused): the sweep or run ends with this message."""


def _slurm_cluster(s: Slurm, shared: Path | None) -> tuple[Any, Any]:
    """A dask-jobqueue SLURMCluster bound to one interface, with TLS and no dashboard unless asked; waits for a worker."""
    import socket

    from dask_jobqueue import SLURMCluster
    from distributed import Client

    from distributed.utils import get_ip_interface

    interface = s.scheduler_interface or s.interface
    host = get_ip_interface(interface) if interface else socket.gethostbyname(socket.gethostname())  # one address, never 0.0.0.0
    # the scheduler's HTTP routes (dashboard, health) listen on that address too; workers serve none unless asked
    options: dict[str, Any] = {"host": host, "dashboard": s.dashboard, "dashboard_address": f"{host}:{8787 if s.dashboard else 0}"}
    worker_args = [] if s.dashboard else ["--no-dashboard"]
    folder = shared or Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    cluster = SLURMCluster(cores=s.cores, processes=s.processes, memory=s.memory, walltime=s.walltime, queue=s.queue,
                           account=s.account, job_extra_directives=s.job_extra_directives, job_script_prologue=s.job_script_prologue,
                           interface=s.interface, security=True if s.tls else None, shared_temp_directory=str(folder),
                           scheduler_options=options, worker_extra_args=worker_args, log_directory=str(folder / "slurm-logs"))
    refused = _sbatch_refuses(cluster.job_script(), folder)
    if refused:
        _quietly_close(cluster)
        raise ClusterError(f"sbatch refused the worker job: {refused}")
    cluster.scale(jobs=s.jobs)
    client = Client(cluster, security=cluster.security)
    try:
        client.wait_for_workers(1, timeout=s.worker_timeout_s)
    except (TimeoutError, OSError) as exc:
        _quietly_close(client, cluster)
        raise ClusterError(f"no Dask worker joined within {s.worker_timeout_s:g} s: the Slurm jobs were refused by sbatch, "
                           f"wait in the queue, or failed at start (see squeue and {folder / 'slurm-logs'}); {type(exc).__name__}") from None
    return cluster, client


def _sbatch_refuses(script: str, folder: Path) -> str:
    """sbatch's complaint about the worker job script (`sbatch --test-only`), or '' when it would accept it."""
    import subprocess

    path = folder / ".worker-job.sh"
    path.write_text(script, encoding="utf-8")
    try:
        done = subprocess.run(["sbatch", "--test-only", str(path)], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"sbatch could not be run ({exc})"
    finally:
        path.unlink(missing_ok=True)
    return "" if done.returncode == 0 else " ".join(done.stderr.split())[:300]


def _quietly_close(*things: Any) -> None:
    """Close a client or cluster that never fully started (closing such a cluster can itself fail)."""
    import contextlib
    import logging

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    for thing in things:
        with contextlib.suppress(Exception):
            thing.close()


def make_executor(settings: ExecutorSettings, workers: int | None = None, scheduler: str | None = None,
                  scheduler_file: str | None = None, shared: Path | None = None) -> Executor:
    """The executor the sweep file asks for; command-line options take precedence."""
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    if scheduler or scheduler_file or settings.kind in ("dask", "slurm"):
        return DaskExecutor(settings, scheduler, scheduler_file, shared)
    return LocalExecutor(settings.workers)
