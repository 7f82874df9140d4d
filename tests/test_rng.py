"""Named streams, counter-based draws, and the kernel's Poisson and binomial by inversion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.care.kernel import binomial_count, poisson_count, uniform
from simulator.rng import MonthlyDraws, derived_seed, generator, hashed_uniform


def test_streams_are_reproducible_and_distinct():
    a = generator(1, "death", 3).random(5)
    assert np.array_equal(a, generator(1, "death", 3).random(5))
    assert not np.array_equal(a, generator(1, "death", 4).random(5))
    assert not np.array_equal(a, generator(1, "onset", 3).random(5))
    assert not np.array_equal(a, generator(2, "death", 3).random(5))
    assert derived_seed(1, "replication", 0) != derived_seed(1, "replication", 1)


def test_a_stream_key_is_fixed_by_seed_process_and_month():
    d = MonthlyDraws(5, 100)
    d.start(0)
    first = d.key("death")
    assert d.key("death") == first and d.key("onset") != first
    d.start(1)
    assert d.key("death") != first


def test_hashed_draws_depend_only_on_slot():
    d = MonthlyDraws(5, 1000)
    d.start(2)
    all_slots = d.at("los", np.arange(1000))
    some = np.array([3, 500, 999])
    assert np.array_equal(d.at("los", some), all_slots[some])
    u = hashed_uniform(123, np.arange(200_000))
    assert 0 <= u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002


def test_kernel_poisson_by_inversion_has_poisson_moments():
    u = np.random.default_rng(0).random(400_000)
    for lam in (0.05, 0.5, 4.0):
        counts = np.array([poisson_count(x, lam) for x in u[:100_000]])
        assert abs(counts.mean() - lam) < 0.03 * max(lam, 0.5)
        assert abs(counts.var() - lam) < 0.06 * max(lam, 0.5)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=50), st.floats(0, 5), st.floats(0, 5))
def test_kernel_poisson_is_monotone_in_rate(us, lam1, lam2):
    low, high = sorted((lam1, lam2))
    assert all(poisson_count(u, low) <= poisson_count(u, high) for u in us)


def test_kernel_binomial_by_inversion_has_the_binomial_law_and_is_monotone_in_p():
    rng = np.random.default_rng(3)
    u = rng.random(100_000)
    n = rng.integers(1, 6, u.size)
    low = np.array([binomial_count(x, int(k), 0.2) for x, k in zip(u, n, strict=True)])
    high = np.array([binomial_count(x, int(k), 0.3) for x, k in zip(u, n, strict=True)])
    assert (high >= low).all() and (low <= n).all()
    np.testing.assert_allclose(low.mean(), 0.2 * n.mean(), rtol=0.02)
    np.testing.assert_allclose(np.var(low[n == 5]), 5 * 0.2 * 0.8, rtol=0.05)
    assert binomial_count(0.99, 4, 1.0) == 4 and binomial_count(0.01, 4, 0.0) == 0


def test_kernel_uniform_is_the_hashed_uniform():
    slots = np.array([0, 1, 17, 123_456_789])
    np.testing.assert_array_equal([uniform(np.uint64(987), int(k)) for k in slots], hashed_uniform(987, slots))
