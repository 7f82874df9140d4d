"""Care pathways: substitution from primary care, hospitals' admission choices under an envelope, switched off at 0."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from simulator.pathways import substitution
from simulator.scenario.pathways import Pathways
from tests.payment.test_regime import BEHAVIOUR_OFF, PATHWAYS_OFF, run

TEAM = {"capitation": [{"name": "team_gp", "scope": ["gp"]}, {"name": "team_nursing", "provider_kind": "home_care", "scope": ["home_nursing"]}]}
ENVELOPE = {"global_budget": {"scope": ["inpatient_stay"], "weight": 0.8}}


@cache
def arms(reform_key: str, pathways_on: bool) -> pd.DataFrame:
    """Numerators of every indicator over the horizon, by arm (other behaviour off, so only the pathways act)."""
    reform = {"team": TEAM, "envelope": ENVELOPE}[reform_key]
    behaviour = {k: v for k, v in BEHAVIOUR_OFF.items() if k != "pathways"} if pathways_on else BEHAVIOUR_OFF
    t = run(reform, "run.end_year=2028", behaviour=behaviour)
    ind = t["indicators"].query("territory == 'all' and patient_group == 'all'")
    return ind.pivot_table(index="indicator", columns="arm", values=["numerator", "value"], aggfunc="sum")


def test_substitution_is_none_where_the_channels_are_off_or_nothing_changed():
    c = np.array([0.7, 0.8])
    off = substitution(Pathways(**PATHWAYS_OFF), c + 0.1, c, np.ones(2), np.ones(2))
    assert all(v is None for v in off.values())
    same = substitution(Pathways(), c, c, np.zeros(2), np.zeros(2))
    assert all(v is None for v in same.values())
    on = substitution(Pathways(), c + 0.2, c, np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(on["avoidable"], np.exp(-0.31 * 0.2), rtol=1e-6)  # Barker et al. 2017: about -6 %


def test_a_capitated_team_raises_continuity_and_lowers_specialist_emergency_and_avoidable_care():
    t = arms("team", True)
    value, n = t["value"], t["numerator"]
    assert value.loc["continuity_of_care", "reform"] > value.loc["continuity_of_care", "status_quo"] + 0.05
    for indicator in ("specialist_contacts_per_capita", "emergency_visits_per_1000", "avoidable_admissions_per_1000"):
        assert n.loc[indicator, "reform"] < n.loc[indicator, "status_quo"], indicator  # KCE 2008; Tammes 2017; Barker 2017


def test_with_every_pathway_at_zero_nothing_but_the_rules_own_categories_moves():
    t = arms("team", False)["numerator"]
    for indicator in ("specialist_contacts_per_capita", "emergency_visits_per_1000", "avoidable_admissions_per_1000",
                      "admissions_per_1000", "day_cases_per_1000", "bed_days_per_capita"):
        assert t.loc[indicator, "reform"] == t.loc[indicator, "status_quo"], indicator
    assert arms("team", False)["value"].loc["continuity_of_care"].nunique() == 1


def test_an_envelope_raises_admission_thresholds_and_moves_stays_to_day_care():
    on, off = arms("envelope", True)["numerator"], arms("envelope", False)["numerator"]
    assert on.loc["admissions_per_1000", "reform"] < on.loc["admissions_per_1000", "status_quo"]
    assert on.loc["day_cases_per_1000", "reform"] > on.loc["day_cases_per_1000", "status_quo"]
    share = lambda f, arm: f.loc["day_cases_per_1000", arm] / (f.loc["day_cases_per_1000", arm] + f.loc["admissions_per_1000", arm])  # noqa: E731
    assert share(on, "reform") > share(on, "status_quo")
    for indicator in ("admissions_per_1000", "day_cases_per_1000"):
        assert off.loc[indicator, "reform"] == off.loc[indicator, "status_quo"]


def test_a_copayment_increase_lowers_the_demand_of_that_category_and_only_of_it():
    behaviour = {k: v for k, v in BEHAVIOUR_OFF.items() if k != "demand_elasticity"}
    t = run({"fee_for_service": {"copayment_change": {"specialist": 0.5}}}, "run.end_year=2027", behaviour=behaviour)
    act = t["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["specialist", "reform"] < act.loc["specialist", "status_quo"]
    ratio = act.loc["specialist", "reform"] / act.loc["specialist", "status_quo"]
    assert 1.5 ** -0.2 * 0.97 < ratio < 1.5 ** -0.2 * 1.03  # the RAND elasticity on a 50 % higher patient price
    others = act.drop(index="specialist")
    assert (others["reform"] == others["status_quo"]).all(), others[others["reform"] != others["status_quo"]]
    money = t["annual"].query("category == 'specialist'").groupby(["arm", "payer"])["amount_eur"].sum()
    per_contact = lambda arm, payer: money[arm, payer] / act.loc["specialist", arm]  # noqa: E731
    assert per_contact("reform", "patients") > 1.4 * per_contact("status_quo", "patients")  # patients pay half as much again


TEAM_NURSE = {"capitation": [{"name": "team", "scope": ["gp", "practice_nurse"], "practice_share": 0.5}]}


def only(*names: str) -> dict:
    """Behaviour with every response off but the named pathways."""
    return {**BEHAVIOUR_OFF, "pathways": {k: v for k, v in PATHWAYS_OFF.items() if k not in names}}


def test_a_team_with_a_practice_nurse_delegates_gp_contacts_and_prevents_some_admissions():
    t = run(TEAM_NURSE, "run.end_year=2027", behaviour=only("nurse_delegation", "nurse_avoidable"))
    act = t["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["gp", "reform"] < act.loc["gp", "status_quo"]
    assert act.loc["practice_nurse", "reform"] > 2 * act.loc["practice_nurse", "status_quo"]
    practice = act.loc[["gp", "practice_nurse"]].sum()
    assert practice["reform"] == practice["status_quo"]  # what the GPs no longer see, the nurse sees
    ind = t["indicators"].query("indicator == 'avoidable_admissions_per_1000' and territory == 'all' and patient_group == 'all'")
    n = ind.groupby("arm")["numerator"].sum()
    assert n["reform"] < n["status_quo"]  # Martinez-Gonzalez et al. 2014: RR 0.76 under nurse-led care


def test_a_higher_admission_threshold_sends_emergency_patients_home_and_shorter_stays_mean_more_rehabilitation():
    behaviour = {**only("envelope_admissions", "emergency_conversion", "discharge_post_acute"), "los_response": 0.15}
    t = run(ENVELOPE, "run.end_year=2027", behaviour=behaviour)
    act = t["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act.loc["emergency", "reform"] > act.loc["emergency", "status_quo"]
    off = run(ENVELOPE, "run.end_year=2027", behaviour={**only("envelope_admissions"), "los_response": 0.15})
    act_off = off["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    assert act_off.loc["emergency", "reform"] == act_off.loc["emergency", "status_quo"]  # no conversion: visits unchanged
    assert act.loc["rehabilitation", "reform"] > act_off.loc["rehabilitation", "reform"]  # earlier discharge to rehabilitation


def test_inside_an_episode_window_emergency_visits_and_work_up_fall():
    episodes = {"bundled": {"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd"], "days_before": 30, "days_after": 90}]}}
    behaviour = only("bundle_emergency", "bundle_workup")
    # few of 20,000 patients are inside a window in a given month: the strongest responses allowed (defaults -0.05, -0.1)
    # so that the direction shows above the handful of visits at stake
    behaviour["pathways"].update(bundle_emergency=-1.0, bundle_workup=-1.0)
    t = run(episodes, "run.end_year=2027", behaviour=behaviour)
    act = t["activity"].groupby(["category", "arm"])["volume"].sum().unstack("arm")
    for category in ("emergency", "lab_imaging"):
        assert act.loc[category, "reform"] < act.loc[category, "status_quo"], category
    assert act.loc["specialist", "reform"] == act.loc["specialist", "status_quo"]
