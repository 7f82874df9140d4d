"""Worker processes that never outlive the command that started them.

A pool worker watches its parent's pid: when the parent is gone (killed, even by SIGKILL),
the worker exits within a second instead of idling forever. A worker stopped by its pool
(SIGTERM, as a broken pool does to the survivors) notes it in its current run's marker
file, so that the run can be retried rather than blamed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

WATCH_SECONDS = 0.5
TERMINATED = "terminated"
current_marker: str | None = None  # in a worker: the marker file of the run in progress


def _on_terminate(signum: int, frame: object) -> None:
    """Stopped by the pool (not lost): say so in the run's marker, then leave."""
    if current_marker:
        try:
            with open(current_marker, "a", encoding="ascii") as handle:
                handle.write(f" {TERMINATED}")
        except OSError:
            pass
    os._exit(128 + signum)


def _watch_parent(parent: int, threads: int) -> None:
    """In a worker: exit as soon as `parent` is no longer this process's parent; run the kernel in `threads` threads."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(WATCH_SECONDS)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    from simulator.care.month import set_threads

    set_threads(threads)  # the pool's processes share the cores (`share_cores`)
    signal.signal(signal.SIGTERM, _on_terminate)


def process_pool(workers: int, threads: int = 1) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies, each running its kernel in `threads` threads."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_watch_parent, initargs=(os.getpid(), threads))


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def share_cores(workers: int, runs: int, cores: int | None = None) -> tuple[int, int]:
    """(processes, threads in each) for `runs` replications on `workers` cores.

    A process per replication up to `workers`; cores left over go to threads inside each
    process (its kernel and its arms' work), never more threads in all than the cores this
    machine has (`cores`, by default `available_cores`). One replication on two workers is
    thus one process with two threads: both cores busy, the population held once.
    """
    processes = max(1, min(workers, runs))
    usable = min(workers, cores if cores is not None else available_cores())
    return processes, max(1, usable // processes)


def alive(pid: int) -> bool:
    """Whether a process with this pid exists and has not died (a zombie waiting to be reaped counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] not in ("Z", "X")
    except OSError:
        return True  # no /proc: trust kill(pid, 0)
