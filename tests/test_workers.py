"""Worker processes die with the command that started them, even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from simulator.workers import alive, share_cores
from tests.conftest import ROOT


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append(int(entry))
    return found


@pytest.mark.parametrize(("workers", "runs", "cores", "expected"), [
    (1, 1, 2, (1, 1)),  # one core asked: one process, one thread, however many cores there are
    (2, 1, 2, (1, 2)),  # one replication on two cores: its process runs two threads
    (2, 10, 2, (2, 1)),  # more replications than cores: a process per core
    (4, 2, 8, (2, 2)),  # two replications on four cores: two processes of two threads
    (8, 1, 2, (1, 2)),  # never more threads than the machine has cores
    (3, 2, 4, (2, 1)),  # a core that cannot be shared evenly stays idle
])
def test_workers_are_shared_between_processes_and_threads(workers, runs, cores, expected):
    assert share_cores(workers, runs, cores) == expected


def test_pool_workers_exit_when_the_run_is_killed(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", str(ROOT / "scenarios" / "pilot_zone.toml"),
                             "--set", "population.size=20000", "--replications", "2", "--workers", "2", "--quiet",
                             "--out", str(tmp_path / "run")], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = children(proc.pid)  # pool workers and multiprocessing's resource tracker
        time.sleep(0.1)
    assert len(workers) >= 2, "the pool did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "orphaned workers"
    assert not (tmp_path / "run").exists()


def test_alive_sees_through_zombies():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while alive(child.pid) and time.monotonic() < deadline:  # exited, not yet reaped: a zombie
        time.sleep(0.05)
    assert not alive(child.pid)
    child.wait()
