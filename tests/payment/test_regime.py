"""The blended regime in whole runs: exact identities with behaviour off, neutrality of status-quo prices,
conservation under any reform, and the direction of responses with behaviour on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.experiment import simulate
from simulator.scenario import validate
from tests.conftest import small_data

PATHWAYS_OFF = {k: 0.0 for k in ("enrolment_continuity", "continuity_avoidable", "continuity_emergency", "continuity_specialist",
                                  "continuity_readmission", "after_hours_uptake", "after_hours_emergency", "envelope_admissions",
                                  "day_case_shift", "bundle_emergency", "bundle_workup", "bundle_specialist", "nurse_delegation", "nurse_avoidable",
                                  "emergency_conversion", "discharge_post_acute", "access_switching", "list_room")}
BEHAVIOUR_OFF = {
    "supply_elasticity": {"gp": 0.0, "specialist": 0.0, "lab_imaging": 0.0, "day_case": 0.0, "physiotherapy": 0.0},
    "effort_max_effect": 0.0, "los_response": 0.0, "post_acute_response": 0.0, "readmission_response": 0.0,
    "coding_drift": 0.0, "risk_selection": 0.0, "demand_elasticity": 0.0, "pathways": PATHWAYS_OFF,
}


def run(reform: dict, *overrides: str, behaviour: dict | None = None, reference: int = 50_000):
    data = small_data("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=20000", *overrides)
    data["reform"] = {**reform, "behaviour": behaviour if behaviour is not None else {}, "reference": {"size": reference}}
    return simulate(validate(data), 0)


def money(tables, arm: str, mechanism: str | None = None, category: str | None = None, payer: str | None = None):
    a = tables["annual"].query("arm == @arm")
    if payer:
        a = a[a["payer"] == payer]
    if mechanism:
        a = a[a["mechanism"] == mechanism]
    if category:
        a = a[a["category"] == category]
    return a.groupby("year")["amount_eur"].sum()


def enrolee_months(tables) -> np.ndarray:
    ind = tables["indicators"].query("arm == 'reform' and indicator == 'mortality_per_1000' and territory == 'all' and patient_group == 'all'")
    return ind.sort_values("year")["denominator"].to_numpy() * 12  # person-years x 12


INDEX = np.array([1.02**2, 1.02**3])  # 2026 and 2027 from price year 2024


def test_capitation_with_behaviour_off_pays_rate_times_enrolee_months_exactly():
    t = run({"capitation": [{"scope": ["gp"], "rates": "given", "rate": {"gp": 30.0}, "risk_adjustment": "none"}]}, behaviour=BEHAVIOUR_OFF)
    np.testing.assert_allclose(money(t, "reform", "capitation", payer="federal_insurance").to_numpy(), 30.0 * enrolee_months(t) * INDEX, rtol=1e-9)
    kept = money(t, "reform", "capitation", payer="patients")  # co-payments kept: patients pay what they paid before
    np.testing.assert_allclose(kept.to_numpy(), money(t, "status_quo", "fee_for_service", "gp", payer="patients").to_numpy(), rtol=1e-9)
    assert money(t, "reform", "fee_for_service", "gp").sum() == 0  # in-scope fee-for-service stops
    np.testing.assert_allclose(money(t, "reform", category="specialist"), money(t, "status_quo", category="specialist"), rtol=1e-12)


def test_mix_60_percent_reduced_fee_for_service_40_percent_capitation():
    reform = {"fee_for_service": {"tariff_change": {"gp": -0.2}},
              "capitation": [{"scope": ["gp"], "weight": 0.4, "rates": "given", "rate": {"gp": 30.0}, "risk_adjustment": "none"}]}
    t = run(reform, behaviour=BEHAVIOUR_OFF)
    # fee-for-service keeps 60 % of a tariff cut by 20 %: 0.6 x 0.8 = 0.48 of status-quo GP money
    np.testing.assert_allclose(money(t, "reform", "fee_for_service", "gp"), 0.48 * money(t, "status_quo", "fee_for_service", "gp"), rtol=1e-9)
    np.testing.assert_allclose(money(t, "reform", "capitation", payer="federal_insurance").to_numpy(), 0.4 * 30.0 * enrolee_months(t) * INDEX, rtol=1e-9)


def test_bundle_priced_at_status_quo_cost_has_zero_expected_impact():
    episodes = [{"name": "all_stays", "trigger": ["other", "hip_knee", "stroke", "heart_failure", "copd"],
                 "days_before": 0, "days_after": 0, "stop_loss": 3.0}]
    t = run({"bundled": {"episodes": episodes}}, "population.size=50000", "run.end_year=2026", behaviour=BEHAVIOUR_OFF, reference=200_000)
    impact = money(t, "reform").sum() - money(t, "status_quo").sum()
    claims = t["settlements"].query("measure == 'claims_eur'")["value"].sum()
    assert abs(impact) < 0.06 * claims, f"impact {impact:,.0f} on episode claims {claims:,.0f}"


def test_global_budget_at_status_quo_cost_is_close_to_neutral():
    """Each replication's envelope rests on its own reference population: neutral on average over three seeds."""
    gaps = []
    for seed in (1, 2, 3):
        t = run({"global_budget": {}}, "population.size=50000", "run.end_year=2026", f"run.seed={seed}", behaviour=BEHAVIOUR_OFF, reference=200_000)
        sq = money(t, "status_quo", category="inpatient_stay").sum()
        gaps.append(money(t, "reform", category="inpatient_stay").sum() / sq - 1)
    assert abs(np.mean(gaps)) < 0.03, gaps


def test_shared_savings_benchmark_is_unbiased_with_behaviour_off():
    t = run({"shared_savings": {"benchmark_error_sd": 0.0}}, "population.size=50000", behaviour=BEHAVIOUR_OFF, reference=200_000)
    s = t["settlements"].pivot_table(index=["year", "unit"], columns="measure", values="value")
    assert abs(s["savings_eur"].sum()) < 0.03 * s["benchmark_eur"].sum()


RULES = st.fixed_dictionaries({}, optional={
    "capitation": st.just([{"scope": ["gp"], "weight": 0.5, "practice_share": 0.5}]),
    "bundled": st.just({"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd"]}]}),
    "shared_savings": st.just({"downside": True, "upside_only_years": 0}),
    "p4p": st.just({"indicators": [{"indicator": "gp_contact_coverage", "target": 0.8, "bonus_eur": 4.0}]}),
    "global_budget": st.just({"weight": 0.5}),
})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RULES)
def test_money_is_conserved_under_any_reform(reform):
    t = run(reform, "population.size=10000", "territories[0].inhabitants=12000", "territories[1].inhabitants=8000", reference=20_000)
    for arm in ("status_quo", "reform"):  # the ledger checked every posting; paid == received in the tables too
        paid = money(t, arm).sum()
        received = t["providers"].query("arm == @arm")["revenue_eur"].sum()
        assert received == pytest.approx(paid, rel=1e-9)


# ---------------------------------------------------------------- directions, behaviour on


def test_capitation_lowers_in_scope_volume_and_reaches_specialist_care_only_through_the_pathways():
    t = run({"capitation": [{"scope": ["gp"]}]})
    act = t["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["gp", "reform"] < 0.9 * act.loc["gp", "status_quo"]
    assert act.loc["specialist", "reform"] < act.loc["specialist", "status_quo"]  # continuity of the enrolled list
    off = run({"capitation": [{"scope": ["gp"]}]}, behaviour={"pathways": PATHWAYS_OFF})
    act = off["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["specialist", "reform"] == act.loc["specialist", "status_quo"]


def test_bundles_shorten_stays_and_cut_readmissions_in_scope():
    t = run({"bundled": {"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd", "hip_knee", "stroke"]}]}})
    ind = t["indicators"].query("territory == 'all' and patient_group == 'all'")
    by_arm = ind.groupby(["indicator", "arm"])["numerator"].sum().unstack("arm")
    assert by_arm.loc["bed_days_per_capita", "reform"] < by_arm.loc["bed_days_per_capita", "status_quo"]
    assert by_arm.loc["readmission_rate", "reform"] < by_arm.loc["readmission_rate", "status_quo"]
    los = ind.query("indicator == 'length_of_stay'").groupby("arm")["value"].mean()
    assert los["reform"] < los["status_quo"]


@pytest.mark.parametrize(("low", "high"), [(0.3, 0.6), (0.5, 0.9)])
def test_higher_sharing_rate_never_lowers_effort(low, high):
    effort = {}
    for rate in (low, high):
        t = run({"shared_savings": {"sharing_rate": rate}}, "run.end_year=2028")
        effort[rate] = t["decisions"].query("kind == 'zone' and decision == 'effort'").set_index(["year", "agent"])["value"]
    assert (effort[high] >= effort[low]).all() and effort[high].sum() > 0


def test_coding_drift_raises_risk_adjusted_payments():
    reform = {"capitation": [{"scope": ["gp"]}]}
    drift = run(reform, "run.end_year=2028", behaviour={"coding_drift": 0.05, "coding_cap": 0.2})
    none = run(reform, "run.end_year=2028", behaviour={"coding_drift": 0.0})
    assert money(drift, "reform", "capitation").iloc[-1] > money(none, "reform", "capitation").iloc[-1]


def test_risk_selection_moves_costly_patients_to_fee_for_service_practices():
    reform = {"capitation": [{"scope": ["gp"], "practice_share": 0.5}]}
    picked = run(reform, "run.end_year=2029", behaviour={"risk_selection": 0.5})
    none = run(reform, "run.end_year=2029", behaviour={"risk_selection": 0.0})
    cap = lambda t: money(t, "reform", "capitation").iloc[-1]  # noqa: E731
    assert cap(picked) < cap(none)  # capitated practices kept fewer costly (high-rate) enrolees
