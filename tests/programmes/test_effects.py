"""Investment effects by hand: the lag, the convention, and a budget raised by reinvested gains."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from simulator.programmes.effects import budget_scale, investment_effects
from simulator.scenario.programmes import Programme


def programme(returns: float) -> Programme:
    return Programme(name="p", territories=["north"], convention={"start": datetime.date(2026, 1, 1)}, reinvestment_returns=returns,
                     investments=[{"name": "a", "eur_per_year": 300.0, "start_lag_years": 1, "effects": {"avoidable_admissions": 0.1}},
                                  {"name": "b", "eur_per_year": 100.0, "start_lag_years": 0,
                                   "effects": {"emergency_visits": 0.2, "continuity": 0.05}}])


def test_budget_scale_by_hand():
    p = programme(0.5)
    assert budget_scale(p, p.investments[0], 0.0) == 1.0
    assert budget_scale(p, p.investments[0], 400.0) == pytest.approx((1 + 400 * 0.75 / 300) ** 0.5)  # its key: 300 / 400
    assert budget_scale(programme(0.0), p.investments[1], 400.0) == 1.0  # no returns: money buys no more effect


def test_effects_follow_the_lag_the_convention_and_the_budget():
    p = programme(1.0)
    cells = [np.array([True, False, True])]
    mult, continuity = investment_effects([p], [True], [0], cells, np.zeros(1), 0, 3)
    assert mult["avoidable"].tolist() == [1, 1, 1]  # investment a is still in its lag
    assert mult["emergency"] == pytest.approx([0.8, 1, 0.8]) and continuity == pytest.approx([0.05, 0, 0.05])
    mult, continuity = investment_effects([p], [True], [0], cells, np.array([400.0]), 1, 3)
    s = 1 + 400 * 0.75 / 300  # a doubled budget with constant returns: 1 - (1 - 0.1)^2
    assert mult["avoidable"][0] == pytest.approx(0.9 ** s, rel=1e-6)
    assert mult["emergency"][0] == pytest.approx(0.8 ** (1 + 400 * 0.25 / 100), rel=1e-6)
    mult, _ = investment_effects([p], [False], [0], cells, np.zeros(1), 1, 3)
    assert (mult["avoidable"] == 1).all() and (mult["emergency"] == 1).all()  # no convention this year: no effect


def test_a_budget_cut_by_the_ceiling_buys_less():
    p = programme(1.0)
    assert budget_scale(p, p.investments[0], 0.0, cut=0.5) == pytest.approx(0.5)  # half the money, constant returns
    assert budget_scale(p, p.investments[0], 400.0, cut=0.5) == pytest.approx(0.5 * (1 + 400 * 0.75 / 300))
    assert budget_scale(programme(0.0), p.investments[0], 400.0, cut=0.5) == 1.0
