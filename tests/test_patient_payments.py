"""Who pays more under the reform, by patient group, and patients' savings by type of income."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.patient_payments import INCOME_TYPE, PAYS_MORE_EUR, by_income_type, out_of_pocket_rows, pair_arms, paying_more
from simulator.categories import ITEMS
from tests.payment.test_regime import BEHAVIOUR_OFF, run


def test_paying_more_counts_by_hand():
    sq = np.array([[10.0, 100.0, 50.0, 0.0]])
    rf = np.array([[10.5, 130.0, 40.0, 5.0]])  # +0.5 (not more), +30, -10, +5 (absent: not counted)
    present = np.array([[True, True, True, False]])
    territory = np.zeros((1, 4), np.int16)
    bim = np.array([0, 1, 1, 0], np.uint8)
    t = paying_more(sq, rf, present, territory, bim, ["zone"], [2026], 2.0).set_index(["territory", "patient_group"])
    assert t.loc[("all", "all"), "persons"] == 6.0 and t.loc[("all", "all"), "paying_more"] == 2.0
    assert t.loc[("zone", "bim"), "share_paying_more"] == 0.5 and t.loc[("zone", "bim"), "mean_extra_eur"] == 30.0
    assert t.loc[("zone", "non_bim"), "paying_more"] == 0.0
    assert PAYS_MORE_EUR == 1.0


def test_rows_of_arms_run_apart_pair_to_the_same_table():
    rng = np.random.default_rng(1)
    sq, rf = rng.gamma(2, 100, (2, 50)).astype(np.float32), rng.gamma(2, 100, (2, 50)).astype(np.float32)
    present = rng.random((2, 50)) < 0.9
    territory = rng.integers(0, 2, (2, 50)).astype(np.int16)
    bim = (rng.random(50) < 0.3).astype(np.uint8)
    direct = paying_more(sq, rf, present, territory, bim, ["a", "b"], [2026, 2027], 3.0)
    rows = pd.concat([out_of_pocket_rows(sq, present, territory, bim, [2026, 2027], 3.0).assign(arm="status_quo"),
                      out_of_pocket_rows(rf, present, territory, bim, [2026, 2027], 3.0).assign(arm="reform")])
    pd.testing.assert_frame_equal(pair_arms(rows, ["a", "b"], [2026, 2027]), direct)


def test_every_money_item_has_an_income_type():
    assert set(INCOME_TYPE) == set(ITEMS)


@pytest.fixture(scope="module")
def copay_rise():
    return run({"fee_for_service": {"copayment_change": {"specialist": 0.5}}}, "run.end_year=2027", behaviour=BEHAVIOUR_OFF)


def test_a_higher_co_payment_makes_its_users_pay_more_and_nobody_else(copay_rise):
    t = copay_rise["patients_paying_more"].query("territory == 'all'").set_index(["year", "patient_group"])
    assert (t.xs("all", level="patient_group")["share_paying_more"] > 0.2).all()
    assert (t["mean_extra_eur"][t["paying_more"] > 0] > PAYS_MORE_EUR).all()
    saved = by_income_type(copay_rise["annual"]).groupby("income_type")["savings_eur"].sum()
    assert saved["fees"] < 0  # patients lose on specialist fees
    assert (saved.drop(["fees", "maximum_billing_refunds"]).abs() < 1e-6).all()


def test_savings_by_income_type_add_up_to_the_patients_budget_impact(copay_rise):
    by_type = by_income_type(copay_rise["annual"])
    annual = copay_rise["annual"].query("payer == 'patients'").groupby("arm")["amount_eur"].sum()
    assert by_type["savings_eur"].sum() == pytest.approx(annual["status_quo"] - annual["reform"], rel=1e-9)
