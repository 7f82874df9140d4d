"""Transition phases: virtual payment with shadow statements, voluntary opt-in, glide paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.experiment import simulate
from simulator.results import combine
from simulator.scenario import validate
from tests.conftest import small_data
from tests.payment.test_regime import BEHAVIOUR_OFF, money

RULES = {
    "capitation": [{"scope": ["gp"], "weight": 0.5}],
    "bundled": {"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd"]}]},
    "shared_savings": {},
    "p4p": {"indicators": [{"indicator": "gp_contact_coverage", "target": 0.8, "bonus_eur": 4.0}]},
}


def run(reform: dict, phases: list[dict] | None, *overrides: str, **transition):
    data = small_data("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=20000", *overrides)
    data["reform"] = {**reform, "behaviour": BEHAVIOUR_OFF, "reference": {"size": 30_000},
                      "transition": {"phases": phases or [], **transition}}
    scenario = validate(data)
    return combine([simulate(scenario, 0)], scenario)


def test_virtual_phase_without_anticipation_costs_only_the_transition_and_shadows_the_mandatory_regime():
    coordination = {"eur_per_territory": 150_000.0, "price_year": 2024}
    virtual = run({**RULES, "coordination": coordination}, [{"kind": "virtual", "start_year": 2026}], anticipation=0.0, admin_cost_eur=2.0)
    impact = virtual["budget_impact"].query("payer == 'all_payers'").set_index("year")["impact_eur"]
    transition = virtual["annual"].query("arm == 'reform' and mechanism in ('transition_admin', 'coordination')")
    costs = transition.groupby("year")["amount_eur"].sum()
    np.testing.assert_allclose(impact.to_numpy(), costs.to_numpy(), rtol=1e-9)
    assert costs.min() > 2 * 150_000 * 1.02**2  # two zones' coordination, indexed from 2024, plus administration

    mandatory = run(RULES, None)  # same seed, same activity, everyone on the reform
    paid = mandatory["providers"].query("arm == 'reform'").set_index(["year", "provider"])["revenue_eur"]
    shadow = virtual["shadow_statements"].set_index(["year", "provider"])["would_have_been_paid_eur"]
    shown = shadow.index.isin(paid.index)
    pd.testing.assert_series_equal(shadow[shown].sort_index(), paid.sort_index().reindex(shadow[shown].sort_index().index),
                                   check_names=False, rtol=1e-9)


def test_voluntary_participation_attracts_the_winners_and_costs_more_than_mandatory():
    reform = {"capitation": [{"scope": ["gp"]}]}
    phases = [{"kind": "virtual", "start_year": 2026}, {"kind": "voluntary", "start_year": 2027}]
    knobs = {"switching_cost_eur": 0.0, "opt_in_noise_eur": 2_000.0, "admin_cost_eur": 0.0}
    voluntary = run(reform, phases, "run.end_year=2028", **knobs)
    part = voluntary["participation"].query("kind == 'gp_practice' and phase == 'voluntary'")
    joined, stayed = part[part["participating"]], part[~part["participating"]]
    assert len(joined) and len(stayed)
    assert joined["shadow_gain_eur"].mean() > stayed["shadow_gain_eur"].mean()
    mandatory = run(reform, [{"kind": "virtual", "start_year": 2026}, {"kind": "mandatory", "start_year": 2027}],
                    "run.end_year=2028", **knobs)
    cost = lambda t: money(t, "reform").loc[[2027, 2028]].sum()  # noqa: E731
    assert cost(voluntary) > cost(mandatory)


def test_glide_weights_are_applied_every_month():
    reform = {"fee_for_service": {"tariff_change": {"gp": -0.2}},
              "capitation": [{"scope": ["gp"], "rates": "given", "rate": {"gp": 30.0}, "risk_adjustment": "none"}]}
    t = run(reform, [{"kind": "glide", "start_year": 2026}], glide_weights=[0.25, 0.5], admin_cost_eur=0.0)
    weights = np.array([0.25, 0.5])
    index = np.array([1.02**2, 1.02**3])
    ind = t["indicators"].query("arm == 'reform' and indicator == 'mortality_per_1000' and territory == 'all' and patient_group == 'all'")
    months = ind.sort_values("year")["denominator"].to_numpy() * 12
    np.testing.assert_allclose(money(t, "reform", "capitation", payer="federal_insurance").to_numpy(), weights * 30.0 * months * index, rtol=1e-9)
    # fee-for-service keeps (1 - w) of the GP money, at a tariff cut by w x 20 %
    expected = (1 - weights) * (1 - 0.2 * weights) * money(t, "status_quo", "fee_for_service", "gp").to_numpy()
    np.testing.assert_allclose(money(t, "reform", "fee_for_service", "gp").to_numpy(), expected, rtol=1e-9)


def test_territory_delay_and_baseline_phase():
    t = run({"capitation": [{"scope": ["gp"]}]}, [{"kind": "baseline", "start_year": 2026}, {"kind": "mandatory", "start_year": 2027}],
            territory_delay={"south": 1})
    part = t["participation"].query("kind == 'gp_practice'").groupby(["year", "territory"])["phase"].first()
    assert part[(2026, "north")] == "baseline" and part[(2027, "north")] == "mandatory" and part[(2027, "south")] == "baseline"
    assert t["budget_impact"].query("payer == 'all_payers' and year == 2026")["impact_eur"].item() == 0


@pytest.mark.parametrize("phases", [[{"kind": "virtual", "start_year": 2027}, {"kind": "baseline", "start_year": 2026}]])
def test_phases_out_of_order_are_refused(phases):
    from simulator.scenario import ScenarioError

    data = small_data()
    data["reform"] = {"transition": {"phases": phases}}
    with pytest.raises(ScenarioError, match="increasing start years"):
        validate(data)


def test_reinvestment_allocates_exactly_the_pot_and_cuts_avoidable_admissions():
    reform = {"capitation": [{"scope": ["gp"]}], "reinvestment": {"share": 0.5}}
    t = run(reform, None, "run.end_year=2028")
    r = t["reinvestment"]
    by_year = r.groupby("year").agg(pot=("pot_eur", "first"), spend=("spend_eur", "sum"))
    spent = by_year.loc[[2027, 2028]]
    np.testing.assert_allclose(spent["spend"], spent["pot"], rtol=1e-12)
    assert (spent["pot"] > 0).all()
    paid = money(t, "reform", "reinvestment").loc[[2027, 2028]]
    np.testing.assert_allclose(paid.to_numpy(), spent["spend"].to_numpy(), rtol=1e-9)  # every euro through the ledger
    without = run({"capitation": [{"scope": ["gp"]}]}, None, "run.end_year=2028")
    avoidable = lambda tab: tab["indicators"].query(  # noqa: E731
        "arm == 'reform' and indicator == 'avoidable_admissions_per_1000' and territory == 'all' and patient_group == 'all'"
    ).set_index("year")["numerator"]
    assert avoidable(t)[2028] < avoidable(without)[2028] and avoidable(t)[2026] == avoidable(without)[2026]


def test_budget_guarantee_brings_each_zone_back_to_its_budget():
    t = run({"budget_guarantee": {"share": 1.0, "hospital_share": 0.3}}, None)
    rows = t["settlements"].query("mechanism == 'budget_guarantee' and (measure != 'payment_eur' or paid)")
    s = rows.pivot_table(index=["year", "unit"], columns="measure", values="value")
    np.testing.assert_allclose(s["payment_eur"], s["benchmark_eur"] - s["actual_eur"], rtol=1e-9)
    np.testing.assert_allclose((s["actual_eur"] + s["payment_eur"]).to_numpy(), s["benchmark_eur"].to_numpy(), rtol=1e-9)
    paid = money(t, "reform", "budget_guarantee")
    np.testing.assert_allclose(paid.to_numpy(), s.groupby("year")["payment_eur"].sum().to_numpy(), rtol=1e-9)
    network = t["providers"].query("arm == 'reform' and kind == 'hospital_network'").set_index("year")["by_budget_guarantee_eur"]
    np.testing.assert_allclose(network.to_numpy(), 0.3 * paid.to_numpy(), rtol=1e-9)


def test_intervention_lag_delays_the_effect():
    interventions = [{"name": "coordinators", "cost_per_unit_eur": 70_000.0, "max_effect": 0.3, "units_for_half_effect": 10.0, "lag_years": 1}]
    t = run({"capitation": [{"scope": ["gp"]}], "reinvestment": {"share": 0.5, "interventions": interventions}}, None, "run.end_year=2028")
    without = run({"capitation": [{"scope": ["gp"]}]}, None, "run.end_year=2028")
    avoidable = lambda tab: tab["indicators"].query(  # noqa: E731
        "arm == 'reform' and indicator == 'avoidable_admissions_per_1000' and territory == 'all' and patient_group == 'all'"
    ).set_index("year")["numerator"]
    assert avoidable(t)[2027] == avoidable(without)[2027]  # funded in 2027, effective from 2028
    assert avoidable(t)[2028] < avoidable(without)[2028]


def test_optimised_reinvestment_allocates_the_pot_within_floors_and_capacities():
    interventions = [
        {"name": "coordinators", "cost_per_unit_eur": 75_000.0, "max_effect": 0.15, "units_for_half_effect": 20.0, "max_units_per_100k": 30.0},
        {"name": "home_care", "cost_per_unit_eur": 45_000.0, "max_effect": 0.10, "units_for_half_effect": 50.0},
    ]
    reform = {"capitation": [{"scope": ["gp"]}],
              "reinvestment": {"share": 0.5, "method": "optimise", "equity_floor": 0.5, "interventions": interventions}}
    r = run(reform, None, "run.end_year=2028")["reinvestment"]
    spent = r.query("year >= 2027")
    totals = spent.groupby("year").agg(pot=("pot_eur", "first"), spend=("spend_eur", "sum"))
    np.testing.assert_allclose(totals["spend"], totals["pot"], rtol=1e-6)
    zone_spend = spent.groupby(["year", "territory"])["spend_eur"].sum().unstack()
    residents = np.array([30_000, 20_000])  # north, south inhabitants
    floors = 0.5 * totals["pot"].to_numpy()[:, None] * residents / residents.sum()
    assert (zone_spend[["north", "south"]].to_numpy() >= floors * 0.98).all()  # floors on residents measured in the year
    coordinators = spent.query("intervention == 'coordinators'").set_index(["year", "territory"])["units"]
    per_100k = coordinators / (pd.Series({"north": 30_000, "south": 20_000}).reindex(coordinators.index.get_level_values(1)).to_numpy() / 1e5)
    assert (per_100k <= 30.0 * 1.02).all()


def test_impossible_reinvestment_is_a_plain_error():
    from simulator.scenario import ScenarioError

    reform = {"capitation": [{"scope": ["gp"]}], "reinvestment": {"share": 1.0, "method": "optimise", "interventions": [
        {"name": "tiny", "cost_per_unit_eur": 1_000.0, "max_effect": 0.1, "units_for_half_effect": 1.0, "max_units_per_100k": 0.001}]}}
    with pytest.raises(ScenarioError, match="capacity limits"):
        run(reform, None, "run.end_year=2027")
