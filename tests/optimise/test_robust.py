"""Robust choice of levers over uncertainty scenarios, and the printed rerun that reproduces the chosen point exactly."""

from __future__ import annotations

import shlex

import pandas as pd

from simulator.sweep.outcomes import measure_each
from simulator.sweep.spec import Outcome
from tests.test_cli import simsim

LEVER_AND_UNCERTAINTY = """
[[levers]]
path = "reform.shared_savings.sharing_rate"
values = [0.3, 0.7]

[[uncertainties]]
path = "reform.shared_savings.benchmark_error_sd"
low = 0.0
high = 0.05
"""


def test_optimise_chooses_levers_only_and_its_rerun_reproduces_the_outcome(tmp_path, make_sweep, monkeypatch):
    path = make_sweep(LEVER_AND_UNCERTAINTY, design="grid", extra="scenarios = 3")
    folder = tmp_path / "sweep"
    assert simsim("sweep", str(path), "--out", str(folder), "--workers", "2").returncode == 0
    done = simsim("optimise", str(folder), "--minimise", "impact", "--statistic", "worst")
    assert done.returncode == 0, done.stderr
    selection = pd.read_csv(folder / "selection.csv")
    assert "reform.shared_savings.benchmark_error_sd" not in selection.columns and "reform.shared_savings.sharing_rate" in selection.columns
    chosen_lines = done.stdout.split("Best feasible")[0]
    assert "benchmark_error_sd" not in chosen_lines and "over 3 uncertainty scenarios (worst)" in chosen_lines

    line = next(x for x in done.stdout.splitlines() if x.startswith("Rerun it: "))
    args = shlex.split(line.removeprefix("Rerun it: "))
    assert args[:2] == ["simsim", "run"] and "--seed" in args and "--psa" in args
    rerun = simsim(*args[1:], "--out", str(tmp_path / "rerun"), "--quiet", "--no-report")
    assert rerun.returncode == 0, rerun.stderr

    tables = {name: pd.read_parquet(tmp_path / "rerun" / f"{name}.parquet") for name in ("budget_impact", "indicators")}
    again = measure_each(tables, Outcome(name="impact", of="budget_impact", figure="cumulative_impact_eur"))
    best = selection[selection["chosen"]].iloc[0]
    design = pd.read_parquet(folder / "design.parquet")
    results = pd.read_parquet(folder / "results.parquet")
    runs = design[design["point"] == best["point"]].merge(results[results["outcome"] == "impact"], on=["run_id", "point", "scenario",
                                                                                                         "replication", "seed"])
    assert sorted(runs["value"]) == sorted(again.to_list())  # every run of the point, to the last bit
    assert again.nunique() == 3 and again.max() == best["impact"]  # the worst of 3 distinct scenarios is the point's outcome


def test_optimise_refuses_a_sweep_without_levers(tmp_path, make_sweep):
    only = LEVER_AND_UNCERTAINTY.split("[[uncertainties]]")[1]
    path = make_sweep("[[uncertainties]]" + only, design="latin", extra="scenarios = 2")
    assert simsim("sweep", str(path), "--out", str(tmp_path / "s")).returncode == 0
    done = simsim("optimise", str(tmp_path / "s"), "--minimise", "impact")
    assert done.returncode == 2 and "no [[levers]]" in done.stderr and "Traceback" not in done.stderr
