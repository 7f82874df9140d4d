"""Tables: budget impact is reform minus status quo; indicators are their numerators over denominators."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment import simulate
import pandas as pd

from simulator.results import budget_impact, budget_summary, combine
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def tables():
    s = small_scenario("reform.fee_for_service.tariff_change.specialist=-0.2")
    return combine([simulate(s, 0)], s)


def test_budget_impact_is_reform_minus_status_quo(tables):
    bi = tables["budget_impact"]
    annual = tables["annual"]
    for year in annual["year"].unique():
        for arm, column in (("reform", "reform_eur"), ("status_quo", "status_quo_eur")):
            expected = annual.query("arm == @arm and year == @year")["amount_eur"].sum()
            got = bi.query("year == @year and payer == 'all_payers'")[column].item()
            assert got == pytest.approx(expected, rel=1e-12)
    row = bi.query("payer == 'federal_insurance'").iloc[0]
    assert row["impact_eur"] < 0 and row["impact_eur"] == pytest.approx(row["reform_eur"] - row["status_quo_eur"])
    assert bi.query("payer in ('aviq', 'flemish_community')")["impact_eur"].abs().max() == 0


def test_indicator_value_is_numerator_over_denominator(tables):
    ind = tables["indicators"]
    rates = ind.dropna(subset=["denominator"])
    los = rates[rates["indicator"] == "length_of_stay"]
    np.testing.assert_allclose(los["value"], los["numerator"] / los["denominator"])
    # 'all' groups are the sums of their parts
    adm = rates[(rates["indicator"] == "admissions_per_1000") & (rates["arm"] == "status_quo") & (rates["year"] == 2026)]
    parts = adm[(adm["territory"] != "all") & (adm["patient_group"] != "all")]
    total = adm[(adm["territory"] == "all") & (adm["patient_group"] == "all")]
    assert parts["numerator"].sum() == pytest.approx(total["numerator"].item())
    assert parts["denominator"].sum() == pytest.approx(total["denominator"].item())


def test_money_is_scaled_to_inhabitants(tables):
    # 10,000 simulated patients stand for 20,000 inhabitants
    ind = tables["indicators"]
    persons = ind.query("indicator == 'mortality_per_1000' and territory == 'all' and patient_group == 'all' "
                        "and arm == 'status_quo' and year == 2026")["denominator"].item()
    assert persons == pytest.approx(20_000, rel=0.02)


def test_budget_impact_of_empty_difference_is_zero(tables):
    same = tables["annual"].copy()
    same.loc[same["arm"] == "reform", "amount_eur"] = same.loc[same["arm"] == "status_quo", "amount_eur"].to_numpy()
    assert (budget_impact(same)["impact_eur"] == 0).all()


def test_cumulative_and_npv_match_a_hand_computation():
    # impacts 100, 200, 300 in 2026-2028 at 3 %: discounted 100, 200/1.03 = 194.1748, 300/1.0609 = 282.7788
    annual = pd.DataFrame({
        "replication": 0, "year": [2026, 2027, 2028] * 2, "payer": "federal_insurance",
        "arm": ["status_quo"] * 3 + ["reform"] * 3, "amount_eur": [1000.0, 1000.0, 1000.0, 1100.0, 1200.0, 1300.0]})
    bi = budget_impact(annual, 0.03).query("payer == 'federal_insurance'")
    assert bi["cumulative_impact_eur"].tolist() == pytest.approx([100, 300, 600])
    assert bi["npv_eur"].tolist() == pytest.approx([100, 294.1748, 576.9535], abs=1e-3)


def test_summary_gives_mean_and_interval_over_replications():
    rows = [{"replication": r, "year": 2026, "payer": "all_payers", "status_quo_eur": 0.0, "reform_eur": float(r),
             "impact_eur": float(r), "cumulative_impact_eur": float(r), "discounted_impact_eur": float(r), "npv_eur": float(r)}
            for r in range(101)]
    summary = budget_summary(pd.DataFrame(rows), 0.9).set_index("figure")
    assert summary.loc["impact_eur", "mean"] == pytest.approx(50)
    assert summary.loc["impact_eur", "low"] == pytest.approx(5) and summary.loc["impact_eur", "high"] == pytest.approx(95)
    assert summary.loc["impact_eur", "replications"] == 101


def test_impact_detail_adds_up_to_the_budget_impact(tables):
    detail = tables["budget_impact_detail"].groupby(["year", "payer"])["impact_eur"].sum()
    total = tables["budget_impact"].query("payer != 'all_payers'").set_index(["year", "payer"])["impact_eur"]
    pd.testing.assert_series_equal(detail.sort_index(), total.sort_index(), check_names=False, rtol=1e-9)
