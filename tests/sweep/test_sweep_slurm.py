"""Sweeps on a real one-node Slurm cluster (Debian's slurm-wlm 22.05), started by .ci/slurm.sh for this module."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.sweep.conftest import SHARING, write_sweep

SCRIPT = ROOT / ".ci" / "slurm.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """SLURM_CONF of a running one-node cluster; skipped, with the reason, where the daemons cannot start."""
    if os.geteuid() != 0 and not shutil.which("slurmctld"):
        pytest.skip("Slurm is not installed and installing it needs root")
    folder = tmp_path_factory.mktemp("slurm")
    env = {**os.environ, "SIMSIM_SLURMCTLD_PORT": str(free_port()), "SIMSIM_SLURMD_PORT": str(free_port())}
    started = subprocess.run(["bash", str(SCRIPT), "start", str(folder)], capture_output=True, text=True, env=env, timeout=600)
    if started.returncode != 0:
        pytest.skip(f"the Slurm daemons could not start here: {started.stderr.strip()[-300:]}")
    conf = str(folder / "slurm.conf")
    yield conf
    subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], timeout=60)


def run_env(conf: str) -> dict[str, str]:
    return {**os.environ, "SLURM_CONF": conf, "PYTHONPATH": str(ROOT)}


SLURM_EXECUTOR = """
[executor]
kind = "slurm"
[executor.slurm]
jobs = 1
cores = 2
processes = 2
memory = "2GB"
walltime = "00:10:00"
interface = "lo"
worker_timeout_s = {timeout}
{extra}
"""


def test_sbatch_runs_a_job(slurm, tmp_path):
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/bash\necho ran $SLURM_JOB_ID\n", encoding="utf-8")
    out = tmp_path / "job.out"
    done = subprocess.run(["sbatch", "--wait", "-o", str(out), str(script)], capture_output=True, text=True, env=run_env(slurm), timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("ran ")


def test_a_slurm_sweep_equals_the_local_one(slurm, tmp_path):
    local = write_sweep(tmp_path, SHARING)
    local_out, slurm_out = tmp_path / "local", tmp_path / "slurm"
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(local), "--out", str(local_out)],
                          capture_output=True, text=True, cwd=ROOT, env=run_env(slurm), timeout=600)
    assert done.returncode == 0, done.stderr
    remote = write_sweep(tmp_path, SHARING, extra="")
    remote.write_text(remote.read_text() + SLURM_EXECUTOR.format(timeout=180, extra=""), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(remote), "--out", str(slurm_out)],
                          capture_output=True, text=True, cwd=ROOT, env=run_env(slurm), timeout=900)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    a = pd.read_parquet(local_out / "results.parquet").sort_values(["run_id", "outcome"]).reset_index(drop=True)
    b = pd.read_parquet(slurm_out / "results.parquet").sort_values(["run_id", "outcome"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.drop(columns="seconds"), b.drop(columns="seconds"))
    manifest = (slurm_out / "manifest.json").read_text()
    assert "Slurm via dask-jobqueue" in manifest
    print(f"slurm sweep of {len(b['run_id'].unique())} runs: {seconds:.1f} s")


@pytest.mark.parametrize(("extra", "message"), [
    ('queue = "no_such_partition"', "sbatch refused the worker job"),  # sbatch says no
    ('job_script_prologue = ["exit 1"]', "no Dask worker joined within 15 s"),  # the jobs fail at start
])
def test_failed_jobs_end_the_sweep_with_a_clear_message(slurm, tmp_path, extra, message):
    path = write_sweep(tmp_path, SHARING)
    path.write_text(path.read_text() + SLURM_EXECUTOR.format(timeout=15, extra=extra), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT, env=run_env(slurm), timeout=300)
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and message in last, done.stderr
    assert "Traceback" not in done.stderr


def test_simsim_run_sends_replications_to_slurm(slurm, tmp_path):
    cluster = tmp_path / "cluster.toml"
    cluster.write_text(SLURM_EXECUTOR.format(timeout=180, extra=""), encoding="utf-8")
    args = [str(ROOT / "scenarios" / "pilot_zone.toml"), "--set", "population.size=20000", "--set", "run.end_year=2027",
            "--replications", "2", "--quiet", "--no-report"]
    local = subprocess.run([sys.executable, "-m", "simulator", "run", *args, "--out", str(tmp_path / "local")],
                           capture_output=True, text=True, cwd=ROOT, env=run_env(slurm), timeout=600)
    remote = subprocess.run([sys.executable, "-m", "simulator", "run", *args, "--cluster", str(cluster), "--out", str(tmp_path / "slurm")],
                            capture_output=True, text=True, cwd=ROOT, env=run_env(slurm), timeout=900)
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr
    assert (tmp_path / "local" / "annual.csv").read_bytes() == (tmp_path / "slurm" / "annual.csv").read_bytes()


def test_the_scheduler_binds_one_interface_with_tls_and_no_dashboard(slurm, tmp_path, monkeypatch):
    from simulator.sweep.executors import make_executor
    from simulator.sweep.spec import Executor

    monkeypatch.setenv("SLURM_CONF", slurm)
    settings = Executor(kind="slurm", slurm={"jobs": 1, "cores": 1, "processes": 1, "memory": "1GB", "interface": "lo",
                                              "worker_timeout_s": 120.0})
    executor = make_executor(settings, shared=tmp_path)
    try:
        address = executor.cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:"), address
        link = executor.cluster.dashboard_link  # the scheduler's HTTP routes (health only: no dashboard) on the same address
        assert link.startswith("http://127.0.0.1:") and ":8787" not in link, link
        assert executor.submit(sum, [1, 2]).result() == 3
    finally:
        executor.close()
