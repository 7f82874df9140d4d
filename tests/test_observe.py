"""The observer's monthly counts: the fused GP pass gives what the plain numpy formulas give, to the bit."""

from __future__ import annotations

import numpy as np

from simulator.observe import _gp_contacts, concentration


def test_gp_contacts_in_one_pass_are_the_numpy_counts():
    rng = np.random.default_rng(11)
    n, n_keys, n_cells = 5000, 40, 30
    key, cell = rng.integers(0, n_keys, n).astype(np.int32), rng.integers(0, n_cells, n).astype(np.int32)
    slots = np.flatnonzero(rng.random(n) < 0.4).astype(np.int32)
    volume = rng.integers(1, 4, slots.size).astype(np.float32)
    continuity = rng.random(n_cells)
    contacts, usual, gp_user = np.zeros(n_keys), np.zeros(n_keys), np.zeros(n, bool)
    _gp_contacts(contacts, usual, key, slots, volume, continuity, cell, gp_user)
    np.testing.assert_array_equal(contacts, np.bincount(key[slots], volume, n_keys))
    np.testing.assert_array_equal(usual, np.bincount(key[slots], volume * continuity[cell[slots]], n_keys))
    np.testing.assert_array_equal(np.flatnonzero(gp_user), slots)


def test_concentration_of_spending():
    spend = np.array([0.0] * 90 + [1.0] * 9 + [200_000.0])
    top5, top1, above = concentration(spend.copy(), 2.0)
    assert (top5, top1, above) == (200_004.0 / 200_009.0, 200_000.0 / 200_009.0, 2.0)
