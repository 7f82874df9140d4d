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


def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as `parent` is no longer this process's parent."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(WATCH_SECONDS)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    from simulator.care.month import set_threads

    set_threads(1)  # the pool's processes share the cores: one kernel thread each
    signal.signal(signal.SIGTERM, _on_terminate)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_watch_parent, initargs=(os.getpid(),))


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
