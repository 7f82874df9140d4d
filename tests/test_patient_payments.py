"""Who pays more under the reform, by patient group, and patients' savings by type of income."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.patient_payments import INCOME_TYPE, PAYS_MORE_EUR, arm_payments, by_income_type, pair_arm_payments, paying_more
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


def test_payments_of_arms_run_apart_pair_to_the_same_table():
    rng = np.random.default_rng(1)
    sq, rf = rng.gamma(2, 100, (2, 50)).astype(np.float32), rng.gamma(2, 100, (2, 50)).astype(np.float32)
    present_sq, present_rf = rng.random((2, 50)) < 0.9, rng.random((2, 50)) < 0.9  # an arm's deaths may differ
    territory = rng.integers(0, 2, 50).astype(np.int16)
    bim = (rng.random(50) < 0.3).astype(np.uint8)
    present = present_sq | present_rf
    direct = paying_more(np.where(present_sq, sq, 0), np.where(present_rf, rf, 0), present, np.broadcast_to(territory, (2, 50)),
                         bim, ["a", "b"], [2026, 2027], 3.0)
    apart = pair_arm_payments(arm_payments(sq, present_sq, territory, bim, [2026, 2027], 3.0),
                              arm_payments(rf, present_rf, territory, bim, [2026, 2027], 3.0), ["a", "b"], [2026, 2027])
    pd.testing.assert_frame_equal(apart, direct)
    assert (direct["paying_more"] > 0).any()


def test_arm_payments_hold_four_bytes_a_patient_year_and_nan_when_absent():
    paid = np.array([[5.0, 7.0], [6.0, 8.0]], np.float32)
    frame = arm_payments(paid, np.array([[True, False], [True, True]]), np.array([0, 1]), np.array([1, 0]), [2026, 2027], 1.0)
    assert frame["2026"].dtype == np.float32 and np.isnan(frame.loc[1, "2026"]) and frame.loc[1, "2027"] == 8.0
    assert frame["territory_index"].tolist() == [0, 1] and frame["bim"].tolist() == [1, 0]


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
