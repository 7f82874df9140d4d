"""The fused kernel against the numpy implementation it replaced (kept in `tests.care.numpy_care`).

The two draw different random numbers (counter-based hashes against PCG64 arrays), so they
cannot agree run by run; over replications, every yearly indicator and spending total of both
arms must agree within Monte Carlo error: 10^5 patients over 5 years, six replications each.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from simulator.experiment import simulate
from tests.care.numpy_care.month import numpy_processes
from tests.conftest import small_scenario

REPLICATIONS = 6
Z = 5.0  # standard errors allowed: with ~500 comparisons on 10 degrees of freedom, a false alarm has odds of about 1 in 4 per seed


def scenario():
    return small_scenario("population.size=100000", "run.end_year=2030", "territories[0].inhabitants=60000",
                          "territories[1].inhabitants=40000", "reform.fee_for_service.tariff_change.gp=0.2")


def _outcomes(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Whole-population indicators and spending per category, by arm and year."""
    ind = tables["indicators"]
    ind = ind[(ind["territory"] == "all") & (ind["patient_group"] == "all")]
    ind = ind.set_index(["arm", "year", "indicator"])["value"]
    money = tables["annual"].groupby(["arm", "year", "category"])["amount_eur"].sum()
    money.index = money.index.set_levels([f"eur:{c}" for c in money.index.levels[2]], level=2)
    out = pd.concat([ind, money]).astype(float)
    out.index.names = ["arm", "year", "outcome"]
    return out


@cache
def runs(implementation: str) -> pd.DataFrame:
    """[outcome, replication] for the kernel or the numpy implementation."""
    s = scenario()
    if implementation == "kernel":
        parts = [_outcomes(simulate(s, r)) for r in range(REPLICATIONS)]
    else:
        with numpy_processes():
            parts = [_outcomes(simulate(s, r)) for r in range(REPLICATIONS)]
    return pd.concat(parts, axis=1)


def disagreements(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Outcomes whose means differ by more than Z standard errors (floored at 0.1 % of the mean, for outcomes fixed by design)."""
    a, b = a.align(b, join="inner")
    gap = (a.mean(axis=1) - b.mean(axis=1)).abs()
    se = np.sqrt((a.var(axis=1) + b.var(axis=1)) / REPLICATIONS)
    allowed = Z * se + 1e-3 * (a.mean(axis=1).abs() + b.mean(axis=1).abs()) / 2 + 1e-9
    out = pd.DataFrame({"kernel": a.mean(axis=1), "numpy": b.mean(axis=1), "gap": gap, "allowed": allowed})
    return out[gap > allowed]


def test_every_yearly_indicator_and_spending_total_agrees_within_monte_carlo_error():
    kernel, numpy = runs("kernel"), runs("numpy")
    assert len(kernel) > 400 and kernel.index.equals(numpy.index)
    bad = disagreements(kernel, numpy)
    assert bad.empty, bad.to_string()


def test_the_comparison_sees_a_real_difference():
    """The check can fail: the status-quo arm against the reform arm (GP tariff +20 %) differs in GP money."""
    kernel = runs("kernel")
    sq = kernel.xs("status_quo", level="arm")
    reform = kernel.xs("reform", level="arm")
    bad = disagreements(sq, reform)
    assert "eur:gp" in set(bad.index.get_level_values("outcome"))
