"""Patients' out-of-pocket: the MAF ceiling holds for every patient-year, refunds move money from patients to the
insurance only, supplements are paid outside the ceiling and a reform can forbid them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.experiment import Replication
from simulator.patient_payments import by_income_type
from simulator.payment.out_of_pocket import maf_ceiling_bands
from simulator.population import synthesise
from simulator.layout import build_layout
from simulator.care.tables import build_tables
from simulator.scenario import validate
from tests.conftest import small_data
from tests.payment.test_regime import BEHAVIOUR_OFF, money, run

SMALL = ("population.size=10000", "territories[0].inhabitants=12000", "territories[1].inhabitants=8000", "run.end_year=2026")


def scenario(maf: dict, reform: dict | None = None):
    data = small_data(*SMALL)
    data["maximum_billing"] = maf
    data["reform"] = {**(reform or {}), "behaviour": BEHAVIOUR_OFF, "reference": {"size": 10_000}}
    return validate(data)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0, 3000), min_size=6, max_size=6).map(sorted), st.floats(0, 1500), st.floats(0, 200), st.floats(0, 1.0))
def test_no_patient_year_pays_co_payments_above_its_ceiling(ceilings, bim_ceiling, chronic, copay_rise):
    s = scenario({"income_ceilings": ceilings, "bim_ceiling": bim_ceiling, "chronic_reduction": chronic},
                 {"fee_for_service": {"copayment_change": {"drugs": copay_rise, "specialist": copay_rise}}})
    run_ = Replication.build(s, 7)
    for model in run_.arms.values():
        model.regime.out_of_pocket.keep_sums = True
    for step in range(run_.months):
        run_.step(step)
        if step % 12 != 11:
            continue
        for model in run_.arms.values():  # each December, once the year's refunds are made
            o = model.regime.out_of_pocket
            kept = o.counted - o.refunded  # the year's co-payments the patient keeps paying
            assert (kept <= o.ceiling + 1e-6).all()
            reached = o.refunded > 0
            np.testing.assert_allclose(kept[reached], o.ceiling[reached], rtol=1e-9, atol=1e-6)  # refunds start at the ceiling
            assert o.counted.sum() > 0


def test_runs_keep_no_per_patient_maf_sums():
    """The year's per-patient sums are freed in December unless asked for (0.2 GB an arm at national scale); the money
    is the same either way."""
    s = scenario({"income_ceilings": [100.0] * 6, "bim_ceiling": 50.0})
    kept, plain = Replication.build(s, 5), Replication.build(s, 5)
    kept.arms["status_quo"].regime.out_of_pocket.keep_sums = True
    for step in range(12):
        kept.step(step)
        plain.step(step)
    o, p = kept.arms["status_quo"].regime.out_of_pocket, plain.arms["status_quo"].regime.out_of_pocket
    assert o.refunded.sum() > 0 and p.counted.size == p.refunded.size == 0
    np.testing.assert_array_equal(o.paid, p.paid)
    np.testing.assert_array_equal(o.reached, p.reached)
    np.testing.assert_array_equal(kept.arms["status_quo"].ledger.money, plain.arms["status_quo"].ledger.money)


def test_ceilings_follow_the_income_bands_and_the_social_maf():
    s = scenario({})
    cohort = synthesise(s, build_layout(s), build_tables(s), 3)
    band, ceilings = maf_ceiling_bands(s, cohort, 3)
    ceiling = ceilings[band]
    assert set(np.unique(ceiling[cohort.bim == 1])) == {516.92}
    shares = [np.mean(ceiling[cohort.bim == 0] == c) for c in s.maximum_billing.income_ceilings]
    np.testing.assert_allclose(shares, s.maximum_billing.income_band_shares, atol=0.02)


def test_maf_refunds_move_money_from_patients_to_the_insurance_and_nothing_else():
    on, off = run({}, *SMALL[:3], behaviour=BEHAVIOUR_OFF), run({}, *SMALL[:3], "maximum_billing.enabled=false", behaviour=BEHAVIOUR_OFF)
    refunds = money(on, "status_quo", "maximum_billing", payer="federal_insurance")
    assert refunds.sum() > 0
    np.testing.assert_allclose(money(on, "status_quo", "maximum_billing", payer="patients"), -refunds, rtol=1e-12)
    providers = on["providers"].query("arm == 'status_quo' and provider == 'administration'")
    assert providers["revenue_eur"].abs().sum() == pytest.approx(0.0, abs=1e-6)  # the sickness funds only pass them on
    np.testing.assert_allclose(money(on, "status_quo", "fee_for_service"), money(off, "status_quo", "fee_for_service"), rtol=1e-12)


def test_without_the_maf_nothing_is_refunded():
    t = run({}, *SMALL[:3], "maximum_billing.enabled=false", behaviour=BEHAVIOUR_OFF)
    assert money(t, "status_quo", "maximum_billing").abs().sum() == 0


def test_supplements_are_a_share_of_the_tariff_that_a_reform_can_forbid():
    t = run({"forbid_supplements": ["inpatient_fees"]}, *SMALL[:3], behaviour=BEHAVIOUR_OFF)
    act = t["activity"].query("category == 'inpatient_fees'").groupby(["arm", "year"])["volume"].sum()
    paid = money(t, "status_quo", "supplement", "inpatient_fees", payer="patients")
    tariff = 1570.0 * 1.02 ** np.array([2, 3])  # 2026 and 2027 from price year 2024
    np.testing.assert_allclose(paid.to_numpy(), 0.185 * tariff * act["status_quo"].to_numpy(), rtol=1e-9)
    assert money(t, "reform", "supplement").abs().sum() == 0
    saved = by_income_type(t["annual"]).groupby("income_type")["savings_eur"].sum()
    assert saved["fees"] > 0 and saved["drugs"] == 0  # patients save the fee supplements, nothing else moves


def test_people_reaching_the_maf_are_counted_by_zone_and_group():
    run_ = Replication.build(scenario({"income_ceilings": [100.0] * 6, "bim_ceiling": 50.0}), 5)
    run_.arms["status_quo"].regime.out_of_pocket.keep_sums = True
    for step in range(12):
        run_.step(step)
    model = run_.arms["status_quo"]
    o, cohort = model.regime.out_of_pocket, model.cohort
    reached = o.refunded > 0
    by_hand = np.bincount(cohort.territory[reached].astype(np.int64) * 2 + cohort.bim[reached], minlength=o.reached.shape[1])
    np.testing.assert_array_equal(o.reached[0], by_hand)
    assert 0 < o.reached[0].sum() < (o.present[0]).sum()


def test_the_year_s_ceilings_by_code_are_the_patient_by_patient_ones():
    """Ceilings kept as a code (band x chronic x child) give each patient the value the rules give them, to the bit."""
    from simulator.payment.out_of_pocket import _refunds

    s = scenario({"chronic_reduction": 150.0, "child_ceiling": 300.0})
    model = Replication.build(s, 5).arms["status_quo"]
    o, state, r = model.regime.out_of_pocket, model.state, s.maximum_billing
    age = model.cohort.age(0)
    o.start_year(0, state, age, 1.37)
    by_hand = o.ceilings[o.ceiling_band] - r.chronic_reduction * (state.conditions > 0)
    by_hand = np.maximum(np.where(age < 19, np.minimum(by_hand, r.child_ceiling), by_hand), 0.0) * 1.37
    np.testing.assert_array_equal(o.ceiling, by_hand)
    assert o.ceiling_code.dtype == np.uint8 and len(np.unique(o.ceiling)) > 4
    counted = np.array([np.nan, 0.0, 1.0, 5.0, -3.0])
    values, code = np.array([1.0, 5.0, 2.0]), np.array([0, 0, 0, 1, 2], np.uint8)
    expected = np.maximum(counted - values[code], 0.0)
    out = np.full(counted.size, 7.0)
    _refunds(counted, values, code, out)
    np.testing.assert_array_equal(out, expected)
    _refunds(counted, values, code, counted)  # in place, as runs do when the sums are not kept
    np.testing.assert_array_equal(counted, expected)


def test_patients_taken_a_block_at_a_time_pay_and_are_refunded_as_all_at_once(monkeypatch):
    """December's sums, refunds and payments by blocks of patients (777 here, a million in runs) are the same to the
    bit as in one block; the blocks split cells, so the refunds by cell are summed across blocks."""
    from simulator import year_volumes
    from simulator.payment import out_of_pocket

    s = scenario({"income_ceilings": [100.0] * 6, "bim_ceiling": 50.0})

    def december():
        run_ = Replication.build(s, 5)
        run_.arms["status_quo"].regime.out_of_pocket.keep_sums = True
        for step in range(12):
            run_.step(step)
        return run_.arms["status_quo"]

    whole = december()
    for module in (year_volumes, out_of_pocket):
        monkeypatch.setattr(module, "PRODUCT_BLOCK", 777)
    blocks = december()
    o, b = whole.regime.out_of_pocket, blocks.regime.out_of_pocket
    assert o.paid.size > 3 * 777 and o.reached[0].sum() > 0
    for name in ("paid", "counted", "refunded", "reached"):
        np.testing.assert_array_equal(getattr(o, name), getattr(b, name))
    np.testing.assert_array_equal(whole.ledger.money, blocks.ledger.money)
