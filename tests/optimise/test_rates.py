"""Budget-neutral rates: the hand-worked optimum, the target to the euro, corridors, plain infeasibility."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.optimise import OptimisationError
from simulator.optimise.rates import RateProblem, solve_rates


def problem(**changes) -> RateProblem:
    base = dict(labels=("cell_young", "cell_old", "hip_knee"), kinds=("gp_practice", "gp_practice", "hospital_network"),
                volume=np.array([1_000_000.0, 200_000.0, 1_000.0]), observed=np.array([20.0, 60.0, 9_000.0]),
                target_saving=0.05, cell_corridor=0.10, revenue_corridor=0.08)
    return RateProblem(**{**base, **changes})


def test_hand_worked_optimum():
    # Status-quo budget: 20 M + 12 M + 9 M = 41 M; 5 % saving = 2.05 M to cut.
    # Relative deviation costs 1 per unit of share on every line, and a 1 % cut saves 200 k (young),
    # 120 k (old) or 90 k (hip/knee): the young cell goes first, to its 10 % corridor (2.0 M) -- but the
    # GP kind may lose only 8 % of its 32 M = 2.56 M, not binding. The last 50 k comes from the old cell
    # (0.417 %). Hip/knee keeps its observed price.
    rates = solve_rates(problem())
    np.testing.assert_allclose(rates, [18.0, 60.0 * (1 - 50_000 / 12_000_000), 9_000.0], rtol=1e-7)


def test_target_budget_within_one_euro():
    rng = np.random.default_rng(3)
    n = 120
    p = RateProblem(labels=tuple(f"c{j}" for j in range(n)), kinds=tuple("gp_practice" if j < 112 else "hospital_network" for j in range(n)),
                    volume=rng.uniform(1e3, 5e6, n), observed=rng.uniform(5, 12_000, n), target_saving=0.03,
                    cell_corridor=0.15, revenue_corridor=0.05)
    rates = solve_rates(p)
    assert abs(p.volume @ rates - p.target_budget()) <= 1.0
    assert (rates >= 0.85 * p.observed - 1e-9).all() and (rates <= 1.15 * p.observed + 1e-9).all()
    for kind in set(p.kinds):
        lines = np.array(p.kinds) == kind
        change = p.volume[lines] @ rates[lines] / (p.volume[lines] @ p.observed[lines]) - 1
        assert -0.05 - 1e-6 <= change <= 0.05 + 1e-6


def test_revenue_corridor_spreads_the_cut():
    # With the GP kind limited to a 6 % cut (1.92 M, all from the young cell), the hospital network takes the other 130 k.
    rates = solve_rates(problem(revenue_corridor=0.06, cell_corridor=0.10))
    np.testing.assert_allclose(rates, [20.0 - 1.92, 60.0, 9_000.0 - 130.0], rtol=1e-7)


def test_zero_saving_keeps_observed_costs():
    np.testing.assert_allclose(solve_rates(problem(target_saving=0.0)), problem().observed, rtol=1e-9)


@pytest.mark.parametrize(("changes", "family"), [({"target_saving": 0.12, "revenue_corridor": 0.2}, "cell corridor"),
                                                 ({"target_saving": 0.09, "revenue_corridor": 0.05}, "revenue corridor")])
def test_out_of_reach_targets_name_the_corridor(changes, family):
    with pytest.raises(OptimisationError, match="out of reach") as info:
        solve_rates(problem(**changes))
    assert info.value.family == family


def test_a_run_with_budget_neutral_rates_hits_the_target_on_status_quo_activity():
    from simulator.api import run_scenario
    from tests.conftest import small_scenario

    scenario = small_scenario(
        "reform.capitation=[{name='gp_cap', scope=['gp'], rates='budget_neutral'}]",
        "reform.bundled={episodes=[{name='hf', trigger=['heart_failure'], price='budget_neutral'}, "
        "{name='copd', trigger=['copd'], price='budget_neutral'}]}",
        "reform.rate_setting.target_saving=0.03", "reform.rate_setting.cell_corridor=0.1", "reform.reference.size=20000")
    rates = run_scenario(scenario, report=False).rates
    assert set(rates["kind"]) == {"gp_practice", "hospital_network"}
    assert {"bundle:hf", "bundle:copd"} <= set(rates["line"])
    for _, year in rates.groupby("year"):
        target = 0.97 * (year["volume"] * year["observed_eur"]).sum()
        assert abs((year["volume"] * year["rate_eur"]).sum() - target) <= 1.0
        change = year["rate_eur"] / year["observed_eur"] - 1
        assert change.between(-0.1 - 1e-9, 0.1 + 1e-9).all() and (change < 0).any()


def test_a_run_with_an_unreachable_target_says_which_corridor(tmp_path):
    from tests.conftest import ROOT
    from tests.test_cli import simsim

    done = simsim("run", str(ROOT / "scenarios" / "capitation.toml"), "--out", str(tmp_path / "run"),
                  "--set", "population.size=10000", "--set", "run.end_year=2026", "--set", "reform.reference.size=10000",
                  "--set", "reform.capitation[0].rates='budget_neutral'", "--set", "reform.rate_setting.target_saving=0.3")
    assert done.returncode == 2, done.stderr
    assert "out of reach" in done.stderr and "corridor" in done.stderr and "Traceback" not in done.stderr
