"""The numba scatter-adds against the numpy expressions they replace: equal to the bit, in place."""

import numpy as np
import pytest

from simulator import accumulate as acc


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    n, n_cells = 20_000, 37
    return {
        "n": n, "n_cells": n_cells,
        "cell": rng.integers(0, n_cells, n).astype(np.int32),
        "alive": rng.random(n) < 0.9,
        "conditions": rng.integers(0, 128, n).astype(np.uint8),
        "slots": np.sort(rng.choice(n, 5_000, replace=False)).astype(np.int32),
        "weights": (rng.random(5_000) * 30).astype(np.float32),
        "dense": (rng.random(n) * 30).astype(np.float32),
        "value": rng.random(n_cells) * 11,
    }


def test_add_at_and_count_at_equal_bincount(data):
    d = data
    out = np.full(d["n_cells"], 0.5)
    acc.add_at(out, d["cell"], d["slots"], d["weights"])
    np.testing.assert_array_equal(out, 0.5 + np.bincount(d["cell"][d["slots"]], weights=d["weights"], minlength=d["n_cells"]))
    counts = np.zeros(d["n_cells"])
    acc.count_at(counts, d["cell"], d["slots"])
    np.testing.assert_array_equal(counts, np.bincount(d["cell"][d["slots"]], minlength=d["n_cells"]))


def test_add_where_dense_and_scaled(data):
    d = data
    keep = d["alive"]
    out = np.zeros(d["n_cells"])
    acc.add_where(out, d["cell"], d["slots"], d["weights"], keep)
    kept = keep[d["slots"]]
    np.testing.assert_array_equal(out, np.bincount(d["cell"][d["slots"]][kept], weights=d["weights"][kept], minlength=d["n_cells"]))
    out = np.zeros(d["n_cells"])
    acc.add_dense(out, d["cell"], d["dense"])
    np.testing.assert_array_equal(out, np.bincount(d["cell"], weights=d["dense"], minlength=d["n_cells"]))
    per_slot = np.ones(d["n"], np.float32)
    acc.add_scaled(per_slot, d["slots"], d["weights"], 2.0)
    expected = np.ones(d["n"], np.float32)
    expected[d["slots"]] += d["weights"] * 2.0
    np.testing.assert_array_equal(per_slot, expected)


def test_valued_inside_and_covered(data):
    d = data
    inside = np.arange(d["n_cells"]) % 3 != 0
    group = (d["cell"] % 2).astype(np.int8)
    value = np.array([3.0, 5.0])
    out = np.zeros(d["n"])
    acc.add_valued(out, d["slots"], d["weights"], value, group, d["cell"], inside)
    expected = np.zeros(d["n"])
    chosen = inside[d["cell"][d["slots"]]]
    expected[d["slots"][chosen]] = d["weights"][chosen] * value[group[d["slots"][chosen]]]
    np.testing.assert_array_equal(out, expected)
    months = np.zeros(d["n"], np.int8)
    acc.count_inside(months, d["alive"], d["cell"], inside)
    np.testing.assert_array_equal(months, d["alive"] & inside[d["cell"]])
    mask = 0b0000101
    np.testing.assert_array_equal(acc.covered(d["alive"], d["cell"], inside, d["conditions"], mask),
                                  d["alive"] & inside[d["cell"]] & ((d["conditions"] & mask) != 0))
    np.testing.assert_array_equal(acc.covered(d["alive"], d["cell"], inside, d["conditions"], 0), d["alive"] & inside[d["cell"]])


def test_count_eligible_and_pairs(data):
    d = data
    living = d["cell"][d["alive"]]
    eligible, alive = acc.count_eligible(d["alive"], d["cell"], d["conditions"], 0b11, d["n_cells"])
    np.testing.assert_array_equal(alive, np.bincount(living, minlength=d["n_cells"]))
    with_condition = d["alive"] & ((d["conditions"] & 0b11) != 0)
    np.testing.assert_array_equal(eligible, np.bincount(d["cell"][with_condition], minlength=d["n_cells"]))
    everyone, _ = acc.count_eligible(d["alive"], d["cell"], d["conditions"], 0, d["n_cells"])
    np.testing.assert_array_equal(everyone, alive)
    pairs = np.zeros((d["n_cells"], 4), np.int64)
    column = (d["conditions"] % 4).astype(np.int16)
    acc.count_pairs(pairs, d["alive"], d["cell"], column)
    expected = np.zeros_like(pairs)
    np.add.at(expected, (d["cell"][d["alive"]], column[d["alive"]]), 1)
    np.testing.assert_array_equal(pairs, expected)


@pytest.mark.parametrize("by_cell", [True, False])
def test_runs_add_what_the_plain_loops_add_to_the_bit(data, by_cell):
    """The run loops keep a cell's sum in a register: the same additions in the same order, whether the index comes in
    runs (slots laid out by cell) or not. Weights in float64 with rounding, so that a change of order would show."""
    d = data
    rng = np.random.default_rng(3)
    cell = np.sort(d["cell"]) if by_cell else d["cell"]
    weights = rng.random(d["slots"].size) * 1e3
    start = rng.random(d["n_cells"])
    plain, runs = start.copy(), start.copy()
    acc.add_at(plain, cell, d["slots"], weights)
    acc.add_runs(runs, cell, d["slots"], weights)
    np.testing.assert_array_equal(runs, plain)
    plain, runs = start.copy(), start.copy()
    acc.count_at(plain, cell, d["slots"])
    acc.count_runs(runs, cell, d["slots"])
    np.testing.assert_array_equal(runs, plain)
    dense = rng.random(d["n"]) * 1e3
    plain, runs = start.copy(), start.copy()
    np.add.at(plain, cell, dense)  # unbuffered, in index order
    acc.add_dense(runs, cell, dense)
    np.testing.assert_array_equal(runs, plain)
    plain, runs = start.copy(), start.copy()
    kept = d["alive"][d["slots"]]
    np.add.at(plain, cell[d["slots"][kept]], weights[kept])
    acc.add_where(runs, cell, d["slots"], weights, d["alive"])
    np.testing.assert_array_equal(runs, plain)
    assert not np.array_equal(plain, start + np.bincount(cell[d["slots"][kept]], weights=weights[kept], minlength=d["n_cells"]))



def test_slots_where_and_gather_are_flatnonzero_and_indexing_in_int32(data):
    d = data
    slots = acc.slots_where(d["alive"])
    assert slots.dtype == np.int32
    np.testing.assert_array_equal(slots, np.flatnonzero(d["alive"]))
    np.testing.assert_array_equal(acc.slots_where(d["conditions"] > 200), np.flatnonzero(d["conditions"] > 200))
    assert acc.slots_where(np.zeros(5, bool)).size == 0
    taken = acc.gather(d["dense"], slots)
    assert taken.dtype == np.float32
    np.testing.assert_array_equal(taken, d["dense"][slots])
