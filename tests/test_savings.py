"""The settlements table: paid and shadow rows add up to the ledger, true savings sit beside measured ones,
and every replication draws its own benchmark errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.api import run_scenario
from simulator.experiment import simulate
from simulator.results import combine
from simulator.scenario import validate
from tests.conftest import ROOT, small_data

SETTLED = ("shared_savings", "p4p", "budget_guarantee", "bundle")


def transition_run():
    data = small_data("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=20000",
                      "run.end_year=2029")
    data["reform"] = {
        "capitation": [{"scope": ["gp"], "weight": 0.5}],
        "bundled": {"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd"]}]},
        "shared_savings": {"minimum_savings_rate": 0.0},
        "p4p": {"indicators": [{"indicator": "gp_contact_coverage", "target": 0.5, "bonus_eur": 4.0}]},
        "budget_guarantee": {"share": 0.5},
        "reference": {"size": 30_000},
        "transition": {"phases": [{"kind": "virtual", "start_year": 2026}, {"kind": "voluntary", "start_year": 2027}],
                       "switching_cost_eur": 0.0, "opt_in_noise_eur": 20_000.0},
    }
    scenario = validate(data)
    return combine([simulate(scenario, 0)], scenario)


def test_paid_settlements_equal_the_ledger_to_the_cent_and_shadow_ones_stay_out():
    t = transition_run()
    s = t["settlements"].query("measure == 'payment_eur'")
    ledger = t["annual"].query("arm == 'reform' and mechanism in @SETTLED").groupby("year")["amount_eur"].sum()
    paid = s[s["paid"]].groupby("year")["value"].sum().reindex(ledger.index, fill_value=0.0)
    np.testing.assert_allclose(paid.to_numpy(), ledger.to_numpy(), atol=0.01)
    shadow = s[~s["paid"]].groupby("year")["value"].apply(lambda v: v.abs().sum())
    assert shadow.loc[2026] > 0  # the virtual year settles on paper only
    assert ledger.loc[2026] == 0
    part = t["participation"].query("phase == 'voluntary' and kind == 'gp_practice'")
    assert 0 < part["participating"].mean() < 1  # some joined, some not: paid and shadow rows in the same years


def test_true_savings_sit_beside_measured_savings():
    t = transition_run()
    s = t["settlements"].query("mechanism in ('shared_savings', 'budget_guarantee')")
    wide = s.pivot_table(index=["mechanism", "year", "unit"], columns="measure", values="value", aggfunc="first")
    assert {"true_savings_eur", "savings_eur", "benchmark_error"} <= set(wide.columns)
    sq = t["annual"].query("arm == 'status_quo' and payer == 'federal_insurance' and category != 'nursing_home' and mechanism == 'fee_for_service'")
    by_zone = sq.groupby(["year", "territory"])["amount_eur"].sum()
    reform = t["annual"].query("arm == 'reform' and payer == 'federal_insurance' and "
                               "((mechanism in ('fee_for_service', 'capitation', 'global_budget') and category != 'nursing_home') "
                               "or (mechanism in ('bundle', 'p4p') and category == 'none'))")
    expected = by_zone - reform.groupby(["year", "territory"])["amount_eur"].sum()
    got = wide.loc["shared_savings", "true_savings_eur"]
    np.testing.assert_allclose(got.to_numpy(), expected.reindex(got.index).to_numpy(), rtol=1e-9)


def test_replications_draw_their_own_benchmark_errors_and_reference():
    result = run_scenario(ROOT / "scenarios" / "shared_savings.toml", overrides=[
        "population.size=20000", "run.end_year=2027", "run.replications=3", "reform.reference.size=20000"], report=False)
    s = result.settlements.query("measure == 'benchmark_error' and mechanism == 'shared_savings'")
    per_zone_year = s.groupby(["year", "unit"])["value"].nunique()
    assert (per_zone_year == 3).all(), per_zone_year
    expected = result.settlements.query("measure == 'expected_eur'").groupby("replication")["value"].sum()
    assert expected.nunique() == 3  # three reference populations, three expected costs


def test_settlement_rows_mark_paid_and_shadow_money():
    from simulator.savings import settlement_rows

    rows = settlement_rows("reform", [{"year": 2027, "mechanism": "p4p", "unit": "x", "providers_reaching": 3,
                                       "payment_eur": 100.0, "_paid_eur": 60.0, "_in_force": True}])
    money = rows.query("measure == 'payment_eur'").set_index("paid")["value"]
    assert money[True] == 60.0 and money[False] == 40.0
    assert isinstance(rows, pd.DataFrame) and rows.query("measure == 'providers_reaching'")["paid"].item()
