"""Tables: budget impact is reform minus status quo; indicators are their numerators over denominators."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.experiment import simulate
from simulator.results import budget_impact, combine
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def tables():
    return combine([simulate(small_scenario("reform.fee_for_service.tariff_change.specialist=-0.2"), 0)])


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
    assert bi.query("payer == 'federated_entities'")["impact_eur"].abs().max() == 0


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
