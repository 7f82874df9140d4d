"""Effort choice: diminishing returns, and a larger incentive never lowers effort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.behaviour import EFFORT_GRID, choose_effort, effort_effect


def test_effect_is_zero_at_no_effort_max_at_full_and_concave():
    e = effort_effect(EFFORT_GRID, 0.3, 3.0)
    assert e[0] == 0 and abs(e[-1] - 0.3) < 1e-12
    assert (np.diff(e) > 0).all() and (np.diff(e, 2) < 0).all()


def test_no_incentive_no_effort_and_free_effort_full():
    benefit = effort_effect(EFFORT_GRID, 0.3, 3.0)[None, :]
    assert choose_effort(np.array([0.0]), np.array([10.0]), benefit)[0] == 0
    assert choose_effort(np.array([100.0]), np.array([0.0]), benefit)[0] == 1


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0.01, 1), st.floats(0.1, 10))
def test_larger_gain_never_lowers_effort(gain, extra, cost, max_effect, curvature):
    benefit = effort_effect(EFFORT_GRID, max_effect, curvature)[None, :]
    low = choose_effort(np.array([gain]), np.array([cost]), benefit)[0]
    high = choose_effort(np.array([gain + extra]), np.array([cost]), benefit)[0]
    assert high >= low
