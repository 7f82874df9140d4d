"""Fee-for-service against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.categories import CATEGORIES, CATEGORY_INDEX
from simulator.payment.fee_for_service import FeeForService
from tests.conftest import small_scenario

GP, NH = CATEGORY_INDEX["gp"], CATEGORY_INDEX["nursing_home"]


def test_hand_computed_gp_month():
    # 10 GP contacts in a non-BIM cell and 4 in a BIM cell, tariff 60 EUR in 2024, +2 %/year, 2026:
    # tariff 60 * 1.02^2 = 62.424; non-BIM: due 624.24, patient 15 % = 93.636, insurance 530.604;
    # BIM: due 249.696, patient 4 % = 9.98784, insurance 239.70816.
    ffs = FeeForService(tariff=np.full(len(CATEGORIES), 60.0), price_year=2024, indexation=0.02,
                        copay=np.tile([0.15, 0.04], (len(CATEGORIES), 1)))
    volume = np.zeros((len(CATEGORIES), 2))
    volume[GP] = [10, 4]
    due, patient = ffs.charges(volume, 2026, np.array([0, 1]))
    assert due[GP].tolist() == pytest.approx([624.24, 249.696])
    assert patient[GP].tolist() == pytest.approx([93.636, 9.98784])
    assert (due - patient)[GP].tolist() == pytest.approx([530.604, 239.70816])


def test_reform_changes_only_the_named_tariff():
    s = small_scenario("reform.fee_for_service.tariff_change.gp=0.1")
    base, reform = FeeForService.status_quo(s), FeeForService.reform(s)
    assert reform.tariff[GP] == pytest.approx(base.tariff[GP] * 1.1)
    others = np.arange(len(CATEGORIES)) != GP
    assert np.array_equal(reform.tariff[others], base.tariff[others])
    assert base.tariffs(base.price_year) == pytest.approx(base.tariff)


def test_nursing_home_has_no_copayment_by_default():
    ffs = FeeForService.status_quo(small_scenario())
    assert ffs.copay[NH].tolist() == [0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e4), min_size=len(CATEGORIES) * 3, max_size=len(CATEGORIES) * 3),
    st.floats(0, 1), st.floats(0, 1), st.floats(-0.05, 0.1), st.integers(2020, 2040),
)
def test_statement_always_adds_up(volumes, copay_a, copay_b, indexation, year):
    ffs = FeeForService(tariff=np.linspace(1, 2000, len(CATEGORIES)), price_year=2024, indexation=indexation,
                        copay=np.tile([copay_a, copay_b], (len(CATEGORIES), 1)))
    volume = np.array(volumes).reshape(len(CATEGORIES), 3)
    due, patient = ffs.charges(volume, year, np.array([0, 1, 0]))
    assert (patient >= -1e-9).all() and (patient <= due + 1e-9).all()
    np.testing.assert_allclose(due, volume * ffs.tariffs(year)[:, None], rtol=1e-12)
