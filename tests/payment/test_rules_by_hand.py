"""Every payment rule against cases computed by hand (tests/payment/cases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator.payment.bundled import bundle_margin, status_quo_price
from simulator.payment.capitation import capitation_amount
from simulator.payment.p4p import p4p_bonus
from simulator.payment.shared_savings import shared_savings_payment
from simulator.scenario.reform import SharedSavings

CASES = tomllib.loads((Path(__file__).parent / "cases.toml").read_text(encoding="utf-8"))
TOLERANCE = 0.01  # euros


def cases(rule: str):
    return pytest.mark.parametrize("case", CASES[rule], ids=[c["name"] for c in CASES[rule]])


@cases("shared_savings")
def test_shared_savings(case):
    rule = SharedSavings(downside=case.get("downside", False), sharing_rate=case.get("sharing_rate", 0.5))
    got = shared_savings_payment(case["benchmark"], case["actual"], case.get("quality_ok", True), case.get("agreement_year", 0), rule)
    assert got == pytest.approx(case["expected"], abs=TOLERANCE), case["working"]


@cases("capitation")
def test_capitation(case):
    got = capitation_amount(np.array(case["months"]), np.array(case["rates"]), case["weight"], case["index"])
    np.testing.assert_allclose(got, case["expected"], atol=TOLERANCE, err_msg=case["working"])


@cases("bundle")
def test_bundle_margin(case):
    got = float(bundle_margin(case["price"], case["claims"], case["stop_loss"]))
    assert got == pytest.approx(case["expected"], abs=TOLERANCE), case["working"]


@cases("bundle_price")
def test_bundle_status_quo_price(case):
    got = status_quo_price(np.array(case["claims"]), case["stop_loss"], case["discount"])
    assert got == pytest.approx(case["expected"], abs=TOLERANCE), case["working"]


@cases("p4p")
def test_p4p(case):
    got = p4p_bonus(case["indicator"], np.array(case["values"]), case["target"], case["bonus"], np.array(case["enrolee_years"]))
    np.testing.assert_allclose(got, case["expected"], atol=TOLERANCE, err_msg=case["working"])
