"""Programmes: flows by hand, payers, target-group split and measure, data lag, convention end."""

from __future__ import annotations

import copy
import datetime

import numpy as np
import pandas as pd
import pytest

from simulator.api import run_scenario
from simulator.categories import PAYERS
from simulator.programmes.convention import due_step, funded_year, month_shares
from simulator.scenario import validate
from simulator.scenario.programmes import Convention, Funding
from tests.conftest import small_data

PROGRAMME = {
    "name": "north_chronic", "territories": ["north"],
    "target_group": {"min_conditions": 1, "age_min": 40},
    "convention": {"start": datetime.date(2026, 7, 1), "end": datetime.date(2027, 12, 31)},
    "funding": {"eur_per_year": 120_000.0, "price_year": 2021, "indexation": 0.02, "payer": "aviq"},
    "partners": [{"name": "gps", "kind": "gp_practices", "gains_share": 0.6, "losses_share": 1.0, "guarantee_share": 0.25},
                 {"name": "network", "kind": "hospital_network", "gains_share": 0.4, "guarantee_share": 0.75}],
    "investments": [{"name": "nurses", "destination": "social_home_care", "up_front_eur": 10_000.0, "eur_per_year": 24_000.0,
                     "start_lag_years": 1, "payer": "federal_insurance"}],
    "measurement": {"data_lag_quarters": 0},
    "budget_guarantee": {"share": 1.0, "basis": "target_group"},
}


def programme_data(*overrides: str, **changes) -> dict:
    data = small_data("run.end_year=2028", "reform.reference.size=10000", *overrides)
    data["programmes"] = [copy.deepcopy({**PROGRAMME, **changes})]
    return data


def tables_of(data: dict) -> dict[str, pd.DataFrame]:
    return run_scenario(validate(data), progress=False).tables


@pytest.fixture(scope="module")
def decree() -> dict[str, pd.DataFrame]:
    return tables_of(programme_data())


def by(annual: pd.DataFrame, arm: str, mechanism: str) -> pd.Series:
    rows = annual[(annual["arm"] == arm) & (annual["mechanism"] == mechanism)]
    return rows.groupby(["year", "payer"])["amount_eur"].sum()


def test_funding_is_indexed_from_its_own_price_year_and_paid_pro_rata_by_day(decree):
    paid = by(decree["annual"], "reform", "programme_funding")
    assert paid[(2026, "aviq")] == pytest.approx(120_000 * 1.02 ** 5 * 6 / 12, rel=1e-9)  # July-December 2026
    assert paid[(2027, "aviq")] == pytest.approx(120_000 * 1.02 ** 6, rel=1e-9)
    assert paid.get((2028, "aviq"), 0.0) == 0.0  # after the convention's end
    assert by(decree["annual"], "status_quo", "programme_funding").sum() == 0


def test_investments_pay_up_front_then_running_cost_to_their_destination(decree):
    paid = by(decree["annual"], "reform", "investment")
    assert paid[(2026, "federal_insurance")] == pytest.approx(10_000 + 24_000 * 6 / 12, rel=1e-9)
    assert paid[(2027, "federal_insurance")] == pytest.approx(24_000, rel=1e-9)
    providers = decree["providers"]
    to = providers[(providers["arm"] == "reform")].groupby("kind")["by_investment_eur"].sum()
    assert to["home_care"] == pytest.approx(10_000 + 12_000 + 24_000, rel=1e-9) and to.drop("home_care").abs().sum() == 0


def test_money_is_conserved_per_payer_between_annual_and_providers(decree):
    annual, providers = decree["annual"], decree["providers"]
    for arm in ("status_quo", "reform"):
        paid = annual[annual["arm"] == arm].groupby("payer")["amount_eur"].sum()
        received = providers[providers["arm"] == arm][[f"from_{p}_eur" for p in PAYERS]].sum()
        for payer in PAYERS:
            assert paid.get(payer, 0.0) == pytest.approx(received[f"from_{payer}_eur"], rel=1e-9, abs=1e-3), (arm, payer)
    # per payer, the reform arm pays the status quo's money plus exactly the programme's flows it is named for
    by_payer = annual.pivot_table(index=["year", "payer"], columns="arm", values="amount_eur", aggfunc="sum")
    extra = (by_payer["reform"] - by_payer["status_quo"]).unstack("payer")
    flows = annual[(annual["arm"] == "reform") & annual["mechanism"].isin(["programme_funding", "investment", "budget_guarantee"])]
    flows = flows.groupby(["year", "payer"])["amount_eur"].sum().unstack("payer").reindex_like(extra).fillna(0.0)
    assert np.allclose(extra.to_numpy(), flows.to_numpy(), rtol=1e-9, atol=1e-3)
    assert extra.loc[2027, "aviq"] == pytest.approx(120_000 * 1.02 ** 6, rel=1e-9) and (extra["patients"].abs() < 1e-3).all()


def test_guarantee_is_split_by_partner_keys_and_paid_when_known(decree):
    s = decree["settlements"]
    rows = s[(s["arm"] == "reform") & (s["mechanism"] == "budget_guarantee")].pivot_table(index="year", columns="measure", values="value", aggfunc="sum")
    assert list(rows.index) == [2026, 2027]  # convention years only
    for year, row in rows.iterrows():
        correction = row["benchmark_eur"] - row["actual_eur"]  # share 1, no minimum rate, no corridor
        assert row["partner_gps_eur"] == pytest.approx(0.25 * correction, rel=1e-9)
        assert row["partner_network_eur"] == pytest.approx(0.75 * correction, rel=1e-9)
        assert row["due_year"] == year  # lag 0: settled in December of the year
    paid = by(decree["annual"], "reform", "budget_guarantee").groupby(level="year").sum()
    assert paid[2026] == pytest.approx(rows.loc[2026, "benchmark_eur"] - rows.loc[2026, "actual_eur"], rel=1e-6)
    providers = decree["providers"]
    network = providers[(providers["arm"] == "reform") & (providers["kind"] == "hospital_network")]
    assert network.groupby("year")["by_budget_guarantee_eur"].sum()[2026] == pytest.approx(0.75 * paid[2026], rel=1e-6)


def test_data_lag_shifts_settlement_years():
    lagged = tables_of(programme_data(**{"measurement": {"data_lag_quarters": 4}, "convention": {**PROGRAMME["convention"], "settle_after_end": True}}))
    s = lagged["settlements"]
    rows = s[(s["arm"] == "reform") & (s["mechanism"] == "budget_guarantee")].pivot_table(index="year", columns="measure", values="value", aggfunc="sum")
    assert list(rows["due_year"]) == [2027.0, 2028.0]
    paid = by(lagged["annual"], "reform", "budget_guarantee").groupby(level="year").sum()
    assert paid.get(2026, 0.0) == 0.0
    assert paid[2027] == pytest.approx(rows.loc[2026, "benchmark_eur"] - rows.loc[2026, "actual_eur"], rel=1e-6)
    assert due_step(0, 2) == 17 and funded_year(0, 0) == 1 and funded_year(0, 2) == 2 and funded_year(0, 4) == 2


def test_nothing_is_paid_after_the_convention_end_unless_extended():
    ended = tables_of(programme_data(**{"measurement": {"data_lag_quarters": 4}}))
    s = ended["settlements"]
    late = s[(s["arm"] == "reform") & (s["mechanism"] == "budget_guarantee") & (s["year"] == 2027) & (s["measure"] == "payment_eur")]
    assert late.loc[late["paid"], "value"].sum() == 0  # due in December 2028, after the end
    annual = ended["annual"]
    money = annual[(annual["arm"] == "reform") & annual["mechanism"].isin(["programme_funding", "investment", "budget_guarantee"])]
    assert money[money["year"] == 2028]["amount_eur"].abs().sum() == 0
    extended = tables_of(programme_data(convention={**PROGRAMME["convention"], "extended_to": datetime.date(2028, 12, 31)}))
    assert by(extended["annual"], "reform", "programme_funding")[(2028, "aviq")] == pytest.approx(120_000 * 1.02 ** 7, rel=1e-9)


def test_the_target_group_split_sums_to_the_total_and_leaves_the_status_quo_unchanged(decree):
    plain = tables_of(small_data("run.end_year=2028", "reform.reference.size=10000"))
    sq = lambda t: t["annual"][t["annual"]["arm"] == "status_quo"].groupby(["year", "payer", "category"])["amount_eur"].sum()  # noqa: E731
    assert np.allclose(sq(decree).reindex(sq(plain).index, fill_value=0).values, sq(plain).values, rtol=1e-9)
    ind = decree["indicators_by_population"]
    counts = ind[(ind["indicator"] == "avoidable_admissions_per_1000")].pivot_table(
        index=["arm", "year", "territory", "patient_group"], columns="population", values="numerator")
    assert np.allclose(counts["target"] + counts["rest"], counts["all"])
    whole = plain["indicators"]  # without programmes: the status quo's counts must be those of every population together
    whole = whole[(whole["arm"] == "status_quo") & (whole["indicator"] == "avoidable_admissions_per_1000")].set_index(
        ["year", "territory", "patient_group"])["numerator"]
    assert np.allclose(counts.xs("status_quo", level="arm")["all"].reindex(whole.index), whole)
    assert (counts.xs("south", level="territory")["target"] == 0).all()  # no programme there
    activity = decree["activity"]
    assert set(activity["population"]) == {"rest", "target"}


def test_month_shares_follow_the_calendar():
    c = Convention(start=datetime.date(2027, 1, 16), end=datetime.date(2027, 2, 28))
    shares = month_shares(c, 2027, 3)
    assert shares[0] == pytest.approx(16 / 31) and shares[1] == 1 and shares[2] == 0
    funding = Funding(eur_per_year=100.0, price_year=2021, indexation=0.1)
    assert funding.uprated(funding.eur_per_year, 2023) == pytest.approx(121.0)


def test_partner_keys_must_add_up():
    data = programme_data()
    data["programmes"][0]["partners"][0]["guarantee_share"] = 0.5
    with pytest.raises(Exception, match="guarantee_share"):
        validate(data)


def test_an_add_on_enrolment_payment_leaves_fee_for_service_whole():
    data = small_data("run.end_year=2027", "reform.reference.size=10000")
    data["reform"] = {"capitation": [{"name": "dmp", "scope": ["gp"], "add_on": True, "rates": "given", "rate": {"gp": 5.0},
                                      "risk_adjustment": "none", "target_conditions": ["diabetes"]}]}
    annual = tables_of(data)["annual"]
    ffs = annual[annual["mechanism"] == "fee_for_service"].pivot_table(index=["year", "payer", "category"], columns="arm",
                                                                        values="amount_eur", aggfunc="sum")
    assert np.allclose(ffs["reform"], ffs["status_quo"], rtol=1e-12)
    enrolment = annual[(annual["mechanism"] == "enrolment") & (annual["arm"] == "reform")]
    assert set(enrolment.loc[enrolment["amount_eur"] != 0, "category"]) == {"gp"}
    for year, amount in enrolment.groupby("year")["amount_eur"].sum().items():
        months = amount / (5.0 * 1.02 ** (year - 2024)) / 2.0  # rate x index x enrolee-months x weight (20,000 / 10,000)
        assert months > 100 and months == pytest.approx(round(months), abs=1e-6)


def test_municipal_copayment_by_hand():
    from types import SimpleNamespace

    from simulator.care.activity import Activity
    from simulator.layout import build_layout
    from simulator.payment.municipal import municipal_copayment
    from simulator.scenario.reform import MunicipalCopayment

    layout = build_layout(validate(small_data()))
    state = SimpleNamespace(cell=np.array([0, 1, 0], np.int32))
    activity = Activity(admissions=np.array([0, 1, 2]), stays=np.array([1, 1, 2], np.int32), bed_days=np.array([12, 5, 25], np.int32))
    value = np.zeros((13, 2))
    value[5] = [400.0, 450.0]  # insurance part of a bed-day, non-BIM and BIM
    bim = np.array([0, 1, 0])
    t = municipal_copayment(MunicipalCopayment(threshold_days=10, share=0.5), layout, state, activity, value, bim).columns()
    by_payer = {p: t["amount"][t["payer"] == i].sum() for i, p in enumerate(PAYERS)}
    expected = (2 * 400.0 + 0 + 5 * 400.0) * 0.5  # 12-10 days, none, 25 - 2 x 10 days
    assert by_payer["municipalities"] == pytest.approx(expected)
    assert by_payer["federal_insurance"] == pytest.approx(-expected)
    assert np.bincount(t["provider"], weights=t["amount"]).sum() == pytest.approx(0.0)  # hospitals paid the same


def test_the_target_measure_ignores_the_rest_of_the_zone():
    from types import SimpleNamespace

    from simulator.categories import CATEGORY_INDEX
    from simulator.layout import build_layout
    from simulator.payment.measurement import Measurement
    from simulator.payment.statement import Statement, Transfers
    from simulator.reference import build_reference

    scenario = validate(programme_data("run.end_year=2026"))
    layout, reference = build_layout(scenario), build_reference(scenario, 1)
    zones = layout.territory_programme == 0
    target = layout.cell_target == 1
    measure = Measurement(scenario.programmes[0].measurement, zones, reference, layout, 10, 1, populations=[(target, lambda y: None)])
    cells = np.arange(layout.n_cells)

    state = SimpleNamespace(cell=np.zeros(10, np.int32))

    def posted(rest_amount: float) -> float:
        """Actual spending of the target measure after a month paying 100 EUR per target cell and `rest_amount` per other cell."""
        measure.start_year()
        transfers = Transfers()
        transfers.add("federal_insurance", "fee_for_service", CATEGORY_INDEX["gp"], cells, layout.cell_gp,
                      np.where(target, 100.0, rest_amount))
        measure.post(Statement(transfers, np.zeros(layout.n_providers)))
        measured = measure.close(0, state, np.zeros(10, np.int16), np.zeros(layout.n_cells), index=1.0, weight=1.0)
        return float(measured.actual[zones].sum())

    assert posted(10.0) == posted(10_000.0) == pytest.approx(100.0 * (target & zones[layout.cell_territory]).sum())
