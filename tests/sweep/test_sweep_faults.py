"""Sweeps under faults: a killed worker fails only its own run, exit statuses say what happened,
a wrong fixed `set` is refused before any run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from simulator.workers import alive

from tests.conftest import ROOT


def sweep_process(path: Path, out: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(out), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def kill_a_running_worker(path: Path, out: Path) -> tuple[subprocess.Popen, int | None]:
    """Start the sweep and SIGKILL a worker in the middle of a run; the run's id, or None when the kill came too late.

    A dead worker cannot remove its run's marker: the marker still there after the kill shows the
    kill landed mid-run, not between the end of the run and its marker's removal.
    """
    proc = sweep_process(path, out, "--workers", "2")
    running, deadline = out / "running", time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        for marker in sorted(running.glob("run-*")) if running.exists() else []:
            text = marker.read_text(encoding="ascii") if marker.exists() else ""
            if text.strip().isdigit():
                pid = int(text)
                os.kill(pid, signal.SIGKILL)
                while alive(pid):
                    time.sleep(0.01)
                landed = marker.exists() and marker.read_text(encoding="ascii").split()[:1] == [str(pid)]
                return proc, int(marker.name.split("-")[1]) if landed else None
        time.sleep(0.05)
    raise AssertionError("no run started")


def test_a_killed_worker_fails_only_its_own_run_and_the_others_are_retried(tmp_path, make_sweep):
    path = make_sweep(samples=6, extra='set = ["run.end_year=2029"]')
    for attempt in range(3):  # a kill that lands after its run ended proves nothing: try again in a new folder
        out = tmp_path / f"out{attempt}"
        proc, victim = kill_a_running_worker(path, out)
        _, stderr = proc.communicate(timeout=300)
        if victim is not None:
            break
    assert victim is not None, "three kills in a row came after their run had ended"
    assert proc.returncode == 1, stderr  # some runs failed
    results = pd.read_parquet(out / "results.parquet").drop_duplicates("run_id").set_index("run_id")
    assert len(results) == 6
    failed = results[results["status"] == "failed"]
    assert list(failed.index) == [victim], failed
    assert "worker process was lost" in failed["error"].iloc[0]
    assert not (out / "running").exists()


def test_exit_status_is_zero_when_every_run_succeeds_and_two_for_a_wrong_fixed_set(tmp_path, make_sweep):
    ok = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(make_sweep(samples=2)), "--out", str(tmp_path / "ok")],
                        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert ok.returncode == 0, ok.stderr
    bad = make_sweep(samples=2, extra='set = ["population.size=-5"]')
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(bad), "--out", str(tmp_path / "bad")],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "population.size" in done.stderr, done.stderr
    assert not (tmp_path / "bad").exists()


def test_exit_status_is_one_when_every_run_fails(tmp_path, make_sweep):
    path = make_sweep(samples=2, extra='set = ["reform.reinvestment.share=1.0", "reform.reinvestment.method=\\"optimise\\"", '
                      '"reform.reinvestment.interventions=[{name=\\"x\\", cost_per_unit_eur=1000.0, max_effect=0.1, '
                      'units_for_half_effect=1.0, max_units_per_100k=0.001}]"]')
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "failed: run 0" in done.stderr


def test_sweep_overwrite_never_replaces_a_folder_simsim_did_not_write(tmp_path, make_sweep):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("keep")
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(make_sweep(samples=2)), "--out", str(mine), "--overwrite"],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == 2 and "never replaces other folders" in done.stderr, done.stderr
    assert (mine / "keep.txt").read_text() == "keep"
