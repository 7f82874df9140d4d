"""Payment design from sweep results: the brute-force optimum, worst-case statistic, failed points, infeasibility."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from simulator.optimise import OptimisationError
from simulator.optimise.selection import Bound, select


def sweep_tables(seed: int = 5, points: int = 30, replications: int = 2):
    """A design over two parameters and three outcomes with noise between replications."""
    rng = np.random.default_rng(seed)
    design, results = [], []
    for p, r in itertools.product(range(points), range(replications)):
        run_id = p * replications + r
        share, msr = (p % 6) / 5, (p // 6) / 100
        design.append({"run_id": run_id, "point": p, "replication": r, "seed": r, "overrides": json.dumps([f"a={share}"]),
                       "sharing_rate": share, "msr": msr})
        noise = rng.normal(0, 0.05)
        values = {"avoided": 10 * share - 100 * msr + noise, "impact": 5e6 * share - 4e8 * msr - 1e6 + 1e5 * noise,
                  "gp_change": 0.1 * share - 0.5 * msr - 0.02}
        results += [{"run_id": run_id, "outcome": k, "value": v, "status": "ok"} for k, v in values.items()]
    return pd.DataFrame(design), pd.DataFrame(results)


def brute_force(design, results, objective, bounds, statistic="mean"):
    wide = results.pivot(index="run_id", columns="outcome", values="value").join(design.set_index("run_id")["point"])
    agg = wide.groupby("point")
    best, best_value = None, -np.inf
    for p, g in agg:
        ok = True
        for b in bounds:
            v = g[b.outcome].mean() if statistic == "mean" else (g[b.outcome].max() if b.op == "<=" else g[b.outcome].min())
            ok &= bool(b.holds(np.array([v]))[0])
        y = g[objective].mean() if statistic == "mean" else g[objective].min()
        if ok and y > best_value:
            best, best_value = p, y
    return best


@pytest.mark.parametrize("statistic", ["mean", "worst"])
def test_matches_brute_force(statistic):
    design, results = sweep_tables()
    bounds = (Bound.parse("impact<=0"), Bound.parse("gp_change>=-0.01"))
    choice = select(design, results, "avoided", "maximise", bounds, statistic)
    assert choice.point == brute_force(design, results, "avoided", bounds, statistic)
    chosen = choice.table[choice.table["chosen"]].iloc[0]
    assert chosen["impact"] <= 0 and chosen["gp_change"] >= -0.01
    assert choice.table["chosen"].sum() == 1


def test_minimise_and_failed_points_are_left_out():
    design, results = sweep_tables()
    best = select(design, results, "impact", "minimise").point
    results.loc[(results["run_id"] == best * 2) & (results["outcome"] == "impact"), ["value", "status"]] = [np.nan, "failed"]
    choice = select(design, results, "impact", "minimise")
    assert choice.point != best and not choice.table.loc[choice.table["point"] == best, "complete"].item()


def test_infeasible_bounds_are_explained():
    design, results = sweep_tables()
    with pytest.raises(OptimisationError, match=r"impact <= -1e\+09 holds at 0 of 30 points") as info:
        select(design, results, "avoided", "maximise", (Bound.parse("impact<=-1e9"), Bound.parse("gp_change>=-1")))
    assert info.value.family == "bounds"
    with pytest.raises(OptimisationError, match="no outcome nothing"):
        select(design, results, "nothing")
    with pytest.raises(ValueError, match="OUTCOME<=NUMBER"):
        Bound.parse("impact < 0")


def test_cli_picks_and_refuses(tmp_path):
    from tests.test_cli import simsim

    design, results = sweep_tables()
    design.to_parquet(tmp_path / "design.parquet")
    results.assign(point=0, replication=0, seed=0, error="", seconds=0.0).to_parquet(tmp_path / "results.parquet")
    spec = {"sweep": {"name": "fake", "scenario": "base.toml"},
            "levers": [{"path": "sharing_rate", "low": 0.0, "high": 1.0}, {"path": "msr", "low": 0.0, "high": 0.05}],
            "outcomes": [{"name": n, "of": "budget_impact"} for n in ("avoided", "impact", "gp_change")]}
    (tmp_path / "manifest.json").write_text(json.dumps({"sweep_file": str(tmp_path / "sweep.toml"), "sweep": spec}))
    done = simsim("optimise", str(tmp_path), "--maximise", "avoided", "--bound", "impact<=0")
    assert done.returncode == 0, done.stderr
    expected = brute_force(design, results, "avoided", (Bound.parse("impact<=0"),))
    assert f"Chosen: lever point {expected} of 30" in done.stdout and (tmp_path / "selection.csv").exists()
    refused = simsim("optimise", str(tmp_path), "--maximise", "avoided", "--bound", "impact<=-1e12")
    assert refused.returncode == 2 and "no evaluated point meets every bound" in refused.stderr and "Traceback" not in refused.stderr
    bad = simsim("optimise", str(tmp_path), "--maximise", "avoided", "--bound", "impact=0")
    assert bad.returncode == 2 and "--bound" in bad.stderr
