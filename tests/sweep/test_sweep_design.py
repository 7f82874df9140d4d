"""Designs: sizes, reproducibility, distributions, seeds and the overrides that rerun a run alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.sweep.design import design_table
from simulator.sweep.spec import load_sweep

TWO = """
[[levers]]
path = "reform.shared_savings.sharing_rate"
values = [0.3, 0.6]

[[levers]]
path = "reform.shared_savings.minimum_savings_rate"
low = 0.0
high = 0.04
levels = 3
"""


@pytest.mark.parametrize(("design", "samples", "runs"), [("grid", 1, 6), ("random", 5, 5), ("latin", 5, 5), ("sobol", 4, 16), ("morris", 3, 9)])
def test_design_sizes(make_sweep, design, samples, runs):
    spec, _ = load_sweep(make_sweep(TWO, design=design, samples=samples, replications=2))
    table = design_table(spec)
    assert len(table) == 2 * runs
    assert list(table["run_id"]) == list(range(2 * runs))
    assert (table.groupby("point").size() == 2).all()


def test_grid_is_the_full_factorial(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="grid"))
    table = design_table(spec)
    pairs = set(zip(table["reform.shared_savings.sharing_rate"], table["reform.shared_savings.minimum_savings_rate"]))
    assert pairs == {(a, b) for a in (0.3, 0.6) for b in (0.0, 0.02, 0.04)}


def test_same_seed_same_design_and_latin_strata(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="latin", samples=8))
    one, two = design_table(spec), design_table(spec)
    assert one.equals(two)
    x = one["reform.shared_savings.minimum_savings_rate"].to_numpy()
    assert sorted(np.floor(x / 0.005).astype(int)) == list(range(8))  # one point per stratum of width 0.04 / 8


def test_seeds_common_random_numbers_or_per_run(make_sweep):
    crn, _ = load_sweep(make_sweep(TWO, design="random", samples=3, replications=2))
    table = design_table(crn)
    assert table.groupby("replication")["seed"].nunique().eq(1).all() and table["seed"].nunique() == 2
    own, _ = load_sweep(make_sweep(TWO, design="random", samples=3, replications=2, extra="common_random_numbers = false"))
    assert design_table(own)["seed"].nunique() == 6


def test_overrides_reproduce_the_point(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO, design="latin", samples=2))
    row = design_table(spec).iloc[1]
    overrides = json.loads(row["overrides"])
    assert "run.seed=11" in overrides and "run.first_replication=0" in overrides and "run.replications=1" in overrides
    assert f"reform.shared_savings.minimum_savings_rate={json.dumps(row['reform.shared_savings.minimum_savings_rate'])}" in overrides


UNCERTAIN = """
[[uncertainties]]
path = "reform.behaviour.coding_drift"
low = 0.0
high = 0.02

[[uncertainties]]
path = "reform.shared_savings.benchmark_error_sd"
distribution = "triangular"
low = 0.0
mode = 0.01
high = 0.04
"""


def test_lever_points_meet_the_same_uncertainty_scenarios(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO + UNCERTAIN, design="latin", samples=3, replications=2, extra="scenarios = 4"))
    table = design_table(spec)
    assert len(table) == 3 * 4 * 2 and table.groupby(["point", "scenario"]).size().eq(2).all()
    drift = table.pivot_table(index="scenario", columns="point", values="reform.behaviour.coding_drift", aggfunc="first")
    assert drift.nunique(axis=1).eq(1).all() and drift[0].nunique() == 4  # each scenario alike at every point, scenarios differ
    levers = table.groupby("point")["reform.shared_savings.sharing_rate"].nunique()
    assert levers.eq(1).all() and table["reform.shared_savings.minimum_savings_rate"].nunique() == 3


def test_sobol_samples_levers_and_uncertainties_together(make_sweep):
    spec, _ = load_sweep(make_sweep(TWO + UNCERTAIN, design="sobol", samples=4))
    table = design_table(spec)
    assert len(table) == 4 * (4 + 2) and (table["scenario"] == 0).all()
    assert table["reform.behaviour.coding_drift"].nunique() > 4


def test_uncertainty_scenarios_are_the_psa_draws(make_sweep):
    """A lever point's runs are those of `simsim run --psa`: same draws (seed, design) and the same replication seeds."""
    from simulator.psa.draws import draw_values
    from simulator.sweep.design import uncertainty_seed

    spec, _ = load_sweep(make_sweep(TWO + UNCERTAIN, design="latin", samples=2, extra="scenarios = 5"))
    table = design_table(spec)
    draws = draw_values(spec.uncertainties, 5, "latin", uncertainty_seed(spec))
    at_point = table[table["point"] == 1].sort_values("scenario")
    assert at_point[[u.path for u in spec.uncertainties]].values.tolist() == draws


def test_parameters_are_refused_with_what_to_write_instead(make_sweep):
    from simulator.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=r"\[\[levers\]\] \(policy design"):
        load_sweep(make_sweep('[[parameters]]\npath = "a.b"\nvalues = [1]\n'))
