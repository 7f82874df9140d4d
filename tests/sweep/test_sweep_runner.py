"""Running sweeps: results per run x outcome, reruns alone, failures recorded, resuming after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from simulator.api import run_scenario
from simulator.scenario import ScenarioError
from simulator.sweep import run_sweep
from simulator.sweep.outcomes import measure


def test_one_row_per_run_and_outcome_and_a_run_reruns_alone(sweep_file, tmp_path):
    result = run_sweep(sweep_file, tmp_path / "out", workers=2)
    assert (result.succeeded, result.failed, result.skipped) == (3, 0, 0)
    assert len(result.results) == 3 * 2 and set(result.results["status"]) == {"ok"}
    assert result.results.groupby("run_id").size().eq(2).all()
    stored = pd.read_parquet(tmp_path / "out" / "results.parquet")
    pd.testing.assert_frame_equal(stored, result.results)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["complete_runs"] == 3
    row = result.design.iloc[2]
    alone = run_scenario(sweep_file.parent / "base.toml", overrides=json.loads(row["overrides"]), report=False)
    for outcome in result.spec.outcomes:
        expected = result.results.query(f"run_id == 2 and outcome == '{outcome.name}'")["value"].item()
        assert measure(alone.tables, outcome) == expected


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(make_sweep, tmp_path):
    parameters = '[[levers]]\npath = "reform.shared_savings.sharing_rate"\nvalues = [0.3, 1.5, 0.6]\n'
    result = run_sweep(make_sweep(parameters, design="grid"), tmp_path / "out", workers=2)
    assert (result.succeeded, result.failed) == (2, 1)
    failed = result.results[result.results["status"] == "failed"]
    assert set(failed["run_id"]) == {1} and failed["value"].isna().all()
    assert "reform.shared_savings.sharing_rate" in failed["error"].iloc[0] and "<= 1" in failed["error"].iloc[0]
    again = run_sweep(make_sweep(parameters, design="grid"), tmp_path / "out", workers=1, retry_failed=True)
    assert (again.succeeded, again.failed, again.skipped) == (0, 1, 2)


def test_a_changed_sweep_does_not_mix_with_an_old_folder(make_sweep, tmp_path):
    run_sweep(make_sweep(samples=1), tmp_path / "out", workers=1)
    with pytest.raises(ScenarioError, match="same sweep"):
        run_sweep(make_sweep(samples=2), tmp_path / "out", workers=1)
    assert run_sweep(make_sweep(samples=2), tmp_path / "out", workers=1, overwrite=True).succeeded == 2


def test_resumes_after_sigkill_with_every_run_exactly_once(make_sweep, tmp_path):
    path = make_sweep(samples=6)
    out = tmp_path / "out"
    simsim = [sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    process = subprocess.Popen(simsim, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "runs").glob("run-*.parquet"))) < 2:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    done_before = len(list((out / "runs").glob("run-*.parquet")))
    assert 2 <= done_before < 6
    assert not (out / "results.parquet").exists()
    resumed = subprocess.run(simsim, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{6 - done_before} succeeded, 0 failed, {done_before} skipped" in resumed.stdout
    results = pd.read_parquet(out / "results.parquet")
    assert sorted(results["run_id"].unique()) == list(range(6))
    assert results.groupby(["run_id", "outcome"]).size().eq(1).all()
    assert not [p for p in (out / "runs").iterdir() if not p.name.startswith("run-")]  # no temporary files left
