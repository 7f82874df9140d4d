"""Designs: sizes, reproducibility, distributions, seeds and the overrides that rerun a run alone."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from simulator.sweep.design import design_table, to_values
from simulator.sweep.spec import Parameter, load_sweep

TWO = """
[[parameters]]
path = "reform.shared_savings.sharing_rate"
values = [0.3, 0.6]

[[parameters]]
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
    assert f"run.seed={row['seed']}" in overrides and "run.replications=1" in overrides
    assert f"reform.shared_savings.minimum_savings_rate={json.dumps(row['reform.shared_savings.minimum_savings_rate'])}" in overrides


def test_distributions_map_uniforms_through_their_inverse_cdf():
    u = np.array([0.1, 0.5, 0.9])
    normal = Parameter(path="x", distribution="normal", mean=10.0, sd=2.0)
    np.testing.assert_allclose(to_values(normal, u), stats.norm(10, 2).ppf(u))
    cut = Parameter(path="x", distribution="normal", mean=10.0, sd=2.0, low=9.0, high=11.0)
    assert all(9.0 <= v <= 11.0 for v in to_values(cut, np.linspace(0, 1, 11)))
    tri = Parameter(path="x", distribution="triangular", low=0.0, mode=0.0, high=1.0)
    assert to_values(tri, np.array([0.75]))[0] == pytest.approx(0.5)  # F(x) = 1 - (1 - x)^2
    logn = Parameter(path="x", distribution="lognormal", median=100.0, sigma=0.5)
    assert to_values(logn, np.array([0.5]))[0] == pytest.approx(100.0)
    whole = Parameter(path="x", low=0.0, high=10.0, integer=True)
    assert to_values(whole, np.array([0.34])) == [3]
    listed = Parameter(path="x", values=["a", "b", "c"])
    assert to_values(listed, np.array([0.0, 0.34, 0.99])) == ["a", "b", "c"]
