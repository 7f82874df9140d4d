"""Rules attached to a programme: P4P on its target group, a guarantee on episodes, the status-quo arm's measure, true savings."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.scenario import ScenarioError, validate
from tests.programmes.test_programmes import PROGRAMME, programme_data, tables_of

P4P = {"indicators": [{"indicator": "gp_contact_coverage", "target": 0.0, "bonus_eur": 10.0}]}  # every practice reaches 0


def settled(tables: dict[str, pd.DataFrame], mechanism: str) -> pd.DataFrame:
    s = tables["settlements"]
    rows = s[(s["arm"] == "reform") & (s["mechanism"] == mechanism)]
    return rows.pivot_table(index="year", columns="measure", values="value", aggfunc="sum")


@pytest.fixture(scope="module")
def with_p4p() -> dict[str, pd.DataFrame]:
    return tables_of(programme_data(p4p=P4P, shared_savings={"minimum_savings_rate": 0.0, "quality_gate": 0.0},
                                    measurement={"data_lag_quarters": 0, "outlier_rule": "none"}))  # no cap: the measure is the ledger


def test_p4p_on_a_programme_pays_each_practice_for_its_target_patients_by_hand(with_p4p):
    measures = with_p4p["programme_measures"]
    target = measures[(measures["arm"] == "reform") & (measures["area"] == "programme") & (measures["population"] == "target")]
    years = target.set_index("year")["person_years"]
    rows = settled(with_p4p, "p4p")
    assert list(rows.index) == [2026, 2027]  # the convention's years
    covered = {2026: 0.5, 2027: 1.0}  # from 1 July 2026
    for year, row in rows.iterrows():
        expected = 10.0 * 1.02 ** (year - 2024) * covered[year] * years[year]  # bonus x index x convention share x enrolee-years
        assert row["payment_eur"] == pytest.approx(expected, rel=1e-9)
        assert row["due_year"] == year  # no data lag
    annual = with_p4p["annual"]
    p4p = annual[(annual["mechanism"] == "p4p") & (annual["amount_eur"] != 0)]
    assert set(p4p["arm"]) == {"reform"} and set(p4p["payer"]) == {"federal_insurance"}
    assert set(p4p["population"]) == {"target"}  # booked on the target group only
    assert set(p4p["territory"]) == set(PROGRAMME["territories"])
    assert p4p.groupby("year")["amount_eur"].sum()[2026] == pytest.approx(rows.loc[2026, "payment_eur"], rel=1e-9)
    providers = with_p4p["providers"]
    paid = providers[(providers["arm"] == "reform") & (providers["by_p4p_eur"] != 0)]
    assert set(paid["kind"]) == {"gp_practice"}


def test_the_status_quo_arm_measures_the_programme_and_pays_nothing(with_p4p):
    measures = with_p4p["programme_measures"]
    assert set(measures["arm"]) == {"reform", "status_quo"}
    e = with_p4p["evaluations"]
    cost = e[(e["indicator"] == "actual_over_expected_cost") & (e["population"] == "target")].set_index("evaluation")
    assert cost["status_quo"].notna().all()
    assert list(cost.index) == ["year_1", "year_2"]  # the convention starts with the horizon: no zero measurement
    sq = measures[(measures["arm"] == "status_quo") & (measures["area"] == "programme") & (measures["population"] == "target")]
    annual = with_p4p["annual"]
    spent = annual[(annual["arm"] == "status_quo") & annual["territory"].isin(PROGRAMME["territories"])
                   & (annual["population"] == "target") & (annual["payer"] == "federal_insurance")
                   & (annual["mechanism"] == "fee_for_service") & (annual["category"] != "nursing_home")]
    by_year = spent.groupby("year")["amount_eur"].sum()  # the status quo's own target-group insurance money, from the ledger
    for row in sq.itertuples():
        assert row.actual_eur == pytest.approx(by_year[row.year], rel=1e-9)
    s = with_p4p["settlements"]
    assert set(s["arm"]) == {"reform"}


def test_programme_settlements_carry_true_savings_beside_measured_ones(with_p4p):
    for mechanism in ("shared_savings", "budget_guarantee"):
        rows = settled(with_p4p, mechanism)
        assert "true_savings_eur" in rows and rows["true_savings_eur"].notna().all()
    annual = with_p4p["annual"]
    scope = PROGRAMME  # the measure's default scope: every modelled service group, federal insurance
    tied = annual["mechanism"].isin(["fee_for_service", "capitation", "bundle", "global_budget"]) & (annual["category"] != "nursing_home")
    untied = (annual["mechanism"] == "p4p") & (annual["category"] == "none")  # the programme's P4P counts as spending
    mine = annual[annual["territory"].isin(scope["territories"]) & (annual["population"] == "target")
                  & (annual["payer"] == "federal_insurance") & (tied | untied)]
    by_arm = mine.groupby(["year", "arm"])["amount_eur"].sum().unstack("arm")
    true = by_arm["status_quo"] - by_arm["reform"]
    rows = settled(with_p4p, "shared_savings")
    for year in rows.index:
        assert rows.loc[year, "true_savings_eur"] == pytest.approx(true[year], rel=1e-9, abs=1e-3)
    bonus = settled(with_p4p, "p4p").loc[2026, "payment_eur"]
    assert true[2026] == pytest.approx(-bonus, rel=1e-9)  # before the investments act, the arms differ by the bonus only


def test_a_guarantee_on_episodes_compares_their_budget_with_their_claims():
    data = programme_data(budget_guarantee={"share": 0.5, "basis": "episodes"})
    data["reform"] = {**data.get("reform", {}), "bundled": {"episodes": [{"name": "hf", "trigger": ["heart_failure", "copd"]}]}}
    tables = tables_of(data)
    rows = settled(tables, "budget_guarantee")
    assert list(rows.index) == [2026, 2027]
    for _, row in rows.iterrows():
        assert row["episodes"] > 0
        assert row["payment_eur"] == pytest.approx(0.5 * (row["benchmark_eur"] - row["actual_eur"]), rel=1e-9)
        assert row["partner_gps_eur"] == pytest.approx(0.25 * row["payment_eur"], rel=1e-9)
    bundles = settled(tables, "bundle")
    assert rows["episodes"].sum() < bundles["episodes"].sum()  # the target group's episodes in its zone, not all
    no_bundles = programme_data(budget_guarantee={"share": 1.0, "basis": "episodes"})
    with pytest.raises(ScenarioError, match=r"programmes\[0\]\.budget_guarantee\.basis"):
        validate(no_bundles)


def test_arms_run_apart_give_the_same_programme_tables():
    from simulator.experiment import simulate
    from simulator.results import combine, concatenate

    scenario = validate(programme_data("run.end_year=2027", p4p=P4P))
    together = combine([simulate(scenario, 0)], scenario)
    apart = combine([concatenate([simulate(scenario, 0, arms=("status_quo",)), simulate(scenario, 0, arms=("reform",))])], scenario)
    for name in ("programme_measures", "settlements", "evaluations"):
        key = [c for c in ("arm", "year", "programme", "mechanism", "unit", "measure", "population", "area", "level", "indicator")
               if c in together[name]]
        a = together[name].sort_values(key, kind="stable").reset_index(drop=True)
        b = apart[name].sort_values(key, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
