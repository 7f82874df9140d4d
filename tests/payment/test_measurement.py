"""Savings measured on money really paid: actual is what the ledger holds, expected rests on the reference,
capitation at status-quo cost leaves measured savings unchanged, agreement years count from the first paid year."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment import simulate
from simulator.results import combine
from simulator.savings import in_scope_insurance
from simulator.scenario import validate
from tests.conftest import small_data
from tests.payment.test_regime import BEHAVIOUR_OFF


def run(reform: dict, *overrides: str, behaviour: dict | None = None):
    data = small_data("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=20000", *overrides)
    data["reform"] = {**reform, "behaviour": BEHAVIOUR_OFF if behaviour is None else behaviour, "reference": {"size": 40_000}}
    scenario = validate(data)
    return combine([simulate(scenario, 0)], scenario), scenario


def measures(tables, mechanism: str = "shared_savings"):
    s = tables["settlements"].query("mechanism == @mechanism and (measure != 'payment_eur' or paid)")
    return s.pivot_table(index=["year", "unit"], columns="measure", values="value")


def test_actual_is_the_insurance_money_the_ledger_holds_for_the_scope():
    """With a GP capitation and supply responding, actual equals the ledger's in-scope insurance money, euro for euro."""
    reform = {"shared_savings": {"outlier_rule": "none", "benchmark_error_sd": 0.0},
              "capitation": [{"scope": ["gp"], "weight": 0.5}],
              "p4p": {"indicators": [{"indicator": "gp_contact_coverage", "target": 0.5, "bonus_eur": 3.0}]}}
    tables, scenario = run(reform, behaviour={"supply_elasticity": {"gp": 0.3}})
    s = measures(tables)
    ledger = in_scope_insurance(tables["annual"], scenario.reform.shared_savings).loc["reform", 0]
    np.testing.assert_allclose(s["actual_eur"].to_numpy(), ledger.reindex(s.index).to_numpy(), rtol=1e-9)
    assert tables["annual"].query("arm == 'reform' and mechanism == 'p4p'")["amount_eur"].sum() > 0  # P4P is in it


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_capitation_at_status_quo_cost_leaves_measured_savings_unchanged(seed):
    ss = {"shared_savings": {"benchmark_error_sd": 0.0, "outlier_rule": "none"}}
    alone, _ = run(ss, f"run.seed={seed}", "run.end_year=2028")
    mixed, _ = run({**ss, "capitation": [{"scope": ["gp"]}]}, f"run.seed={seed}", "run.end_year=2028")
    a, b = measures(alone), measures(mixed)
    change = (b["savings_eur"] - a["savings_eur"]).sum() / a["benchmark_eur"].sum()
    assert abs(change) < 0.01, f"measured savings moved by {change:.2%} of the benchmark"
    assert not np.allclose(b["actual_eur"], a["actual_eur"])  # capitation money replaced fee-for-service money ...
    assert (b["actual_eur"] - a["actual_eur"]).abs().max() < 0.03 * a["actual_eur"].max()  # ... at the same cost


def test_upside_only_years_count_from_the_first_paid_year():
    """Behind two virtual years, losses are repaid only from the zone's third paid year."""
    reform = {"fee_for_service": {"tariff_change": {"specialist": 0.5, "gp": 0.5}},  # spending far above the benchmark
              "shared_savings": {"downside": True, "upside_only_years": 2, "minimum_savings_rate": 0.0, "benchmark_error_sd": 0.0,
                                 "quality_gate": 0.0},
              "transition": {"phases": [{"kind": "virtual", "start_year": 2026}, {"kind": "mandatory", "start_year": 2028}]}}
    tables, _ = run(reform, "run.end_year=2031")
    s = measures(tables)
    payments = s["payment_eur"].groupby("year").sum()
    years = s["agreement_year"].groupby("year").max()
    assert (s["savings_eur"] < 0).all()
    assert payments.loc[[2026, 2027, 2028, 2029]].eq(0).all(), payments  # virtual years, then two upside-only years
    assert (payments.loc[[2030, 2031]] < 0).all(), payments
    assert years.loc[2028] == 0 and years.loc[2030] == 2


def test_exclusion_and_corridor_change_what_counts():
    base = {"benchmark_error_sd": 0.0, "minimum_savings_rate": 0.0}
    capped, _ = run({"shared_savings": {**base, "outlier_rule": "cap", "outlier_cap_eur": 20_000.0}})
    excluded, _ = run({"shared_savings": {**base, "outlier_rule": "exclude", "outlier_cap_eur": 20_000.0}})
    a, b = measures(capped), measures(excluded)
    assert (b["actual_eur"] < a["actual_eur"]).all() and (b["expected_eur"] < a["expected_eur"]).all()
    corridor, _ = run({"shared_savings": {**base, "noise_corridor": 0.5}})  # half the benchmark as a deductible
    assert (measures(corridor)["counted_savings_eur"] == 0).all()
