"""Sensitivity analysis on outcomes with known structure: Sobol, Morris, tornado."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.sweep.analyse import indices, tornado
from simulator.sweep.design import design_table
from simulator.sweep.spec import load_sweep

TWO = """
[[levers]]
path = "a"
low = 0.0
high = 1.0

[[levers]]
path = "b"
low = 0.0
high = 1.0
"""


def synthetic(spec, design, f) -> pd.DataFrame:
    """Results as a sweep would store them, with outcome `impact` = f(a, b) and `admissions` constant."""
    rows = []
    for r in design.itertuples(index=False):
        a, b = getattr(r, "a"), getattr(r, "b")
        rows += [(r.run_id, r.point, r.replication, r.seed, "impact", f(a, b), "ok", "", 0.0),
                 (r.run_id, r.point, r.replication, r.seed, "admissions", 1.0, "ok", "", 0.0)]
    return pd.DataFrame(rows, columns=["run_id", "point", "replication", "seed", "outcome", "value", "status", "error", "seconds"])


def test_sobol_indices_find_the_only_parameter_that_matters(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="sobol", samples=256))
    design = design_table(spec)
    table = indices(spec, design, synthetic(spec, design, lambda a, b: 10 * a + 0.0 * b))
    st = table.query("outcome == 'impact' and index == 'ST'").set_index("parameter")["value"]
    assert st["a"] == pytest.approx(1.0, abs=0.1) and st["b"] == pytest.approx(0.0, abs=0.05)
    assert set(table.query("outcome == 'admissions'")["index"]) == {"the outcome does not vary"}


def test_morris_ranks_parameters(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="morris", samples=20))
    design = design_table(spec)
    table = indices(spec, design, synthetic(spec, design, lambda a, b: 5 * a + b))
    mu = table.query("outcome == 'impact' and index == 'mu_star'").set_index("parameter")["value"]
    assert mu["a"] > 3 * mu["b"] > 0


def test_tornado_swing_and_failed_runs(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="latin", samples=30, replications=2))
    design = design_table(spec)
    results = synthetic(spec, design, lambda a, b: 4 * a)
    swings = tornado(spec, design, results).query("outcome == 'impact'").set_index("parameter")
    assert swings.loc["a", "high_third_mean"] - swings.loc["a", "low_third_mean"] == pytest.approx(4 * 2 / 3, rel=0.1)
    assert swings.loc["b", "swing"] < swings.loc["a", "swing"] / 2  # b only picks up sampling noise
    results.loc[results["run_id"] == 3, ["value", "status"]] = [np.nan, "failed"]
    assert set(indices(spec, design, results).query("outcome == 'impact'")["index"]) == {"some runs failed"}


def test_stability_warnings_for_few_samples_and_impossible_indices(make_sweep):
    import pandas as pd

    from simulator.sweep.analyse import INDEX_COLUMNS, stability_warnings
    from simulator.sweep.spec import load_sweep

    spec, _ = load_sweep(make_sweep(design="sobol", samples=8))
    table = pd.DataFrame([("impact", "a", "sobol", "S1", 1.3, 0.2), ("impact", "a", "sobol", "ST", 0.4, 0.1),
                          ("impact", "b", "sobol", "S1", 0.2, 0.01), ("impact", "b", "sobol", "ST", 0.3, 0.02)], columns=INDEX_COLUMNS)
    warnings = stability_warnings(spec, table)
    assert any("samples = 8" in w for w in warnings)
    assert any(w.startswith("impact / a:") and "outside [0, 1]" in w and "S1 > ST" in w for w in warnings)
    assert not any(w.startswith("impact / b") for w in warnings)
    many, _ = load_sweep(make_sweep(design="sobol", samples=64))
    assert stability_warnings(many, table.iloc[2:]) == []
