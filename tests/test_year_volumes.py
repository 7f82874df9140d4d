"""Each patient's yearly volumes: counts in uint16 (uint8 for the few-a-month categories) and drug euros in float32
read back as the float32 values they were."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.categories import CATEGORIES
from simulator.categories import CATEGORY_INDEX
from simulator.year_volumes import DRUGS, SMALL, YearVolumes


def filled(n: int = 1000, seed: int = 3) -> tuple[YearVolumes, np.ndarray]:
    """Volumes added month by month as the observer adds them, and the float32 [category, patient] array they make."""
    rng = np.random.default_rng(seed)
    volumes, plain = YearVolumes(n), np.zeros((len(CATEGORIES), n), np.float32)
    for _ in range(12):
        for i in range(len(CATEGORIES)):
            if i == DRUGS:
                euros = (rng.gamma(0.5, 40.0, n)).astype(np.float32)
                volumes.add_dense(i, euros)
                plain[i] += euros
                continue
            slots = np.flatnonzero(rng.random(n) < 0.3)
            counts = rng.poisson(1.2, slots.size).astype(np.float32)
            volumes.add(i, slots, counts)
            plain[i, slots] += counts
    return volumes, plain


def test_rows_hold_what_a_float32_array_holds():
    volumes, plain = filled()
    for i in range(len(CATEGORIES)):
        np.testing.assert_array_equal(volumes.row(i).astype(np.float32), plain[i])
    volumes.add_dense(0, np.full(volumes.size, 2.0, np.float32))  # a count for every patient goes through the same check
    np.testing.assert_array_equal(volumes.row(0).astype(np.float32), plain[0] + 2)
    assert volumes.counts.dtype == np.uint16 and volumes.row(DRUGS).dtype == np.float32
    assert {volumes.row(i).dtype for i in SMALL} == {np.dtype(np.uint8)}
    volumes.reset()
    assert not volumes.counts.any() and not volumes.small.any() and not volumes.drugs.any()
    volumes.release()
    assert volumes.size == 0


@pytest.mark.parametrize("n", [1000, 1537])
def test_products_are_the_blas_product_s_to_the_bit(n):
    volumes, plain = filled(n)  # 1537 patients: the last lanes of `_products` are partly filled
    rng = np.random.default_rng(4)
    matrix = rng.random((2, len(CATEGORIES))).astype(np.float32)
    group = rng.integers(0, 2, volumes.size)
    whole = matrix @ plain
    np.testing.assert_array_equal(volumes.products(matrix, group), whole[group, np.arange(volumes.size)])
    slots = np.flatnonzero(rng.random(volumes.size) < 0.3)
    np.testing.assert_array_equal(volumes.products(matrix, group, slots), whole[group[slots], slots])
    assert volumes.products(matrix, group, slots[:0]).size == 0
    out = np.full(slots.size, 0.25)  # added to a float64 array: as adding the float32 product
    volumes.products(matrix, group, slots, out=out)
    np.testing.assert_array_equal(out, 0.25 + whole[group[slots], slots].astype(np.float64))
    table, index = np.array([1, 0], np.int8), 1 - group  # a patient's group read through an index: table[index] is group
    np.testing.assert_array_equal(volumes.products(matrix, table, index=index), whole[group, np.arange(volumes.size)])
    other = rng.random((2, len(CATEGORIES))).astype(np.float32)  # two products in one pass: each is its own to the bit
    both = volumes.products(np.stack([matrix, other]), group, slots, out=np.full((2, slots.size), 0.25))
    np.testing.assert_array_equal(both[0], out)
    np.testing.assert_array_equal(both[1], 0.25 + (other @ plain)[group[slots], slots].astype(np.float64))
    np.testing.assert_array_equal(volumes.products(np.stack([other, matrix]), group)[1], whole[group, np.arange(volumes.size)])


def test_sums_by_cell_in_one_pass_are_those_of_one_term_at_a_time():
    volumes, plain = filled(1200)
    rng = np.random.default_rng(6)
    n_cells, lo = 17, 100
    cell = np.sort(rng.integers(0, n_cells, volumes.size)).astype(np.int32)
    terms = np.array([(0, 0), (DRUGS, 0), (SMALL[1], 1), (3, 0), (0, 1)])  # (category, row of out)
    units = rng.random((len(terms), n_cells)) * 30
    out = np.full((2, volumes.size - lo), 0.5)
    volumes.add_by_cell(out, terms, units, cell, lo)
    expected = np.full((2, volumes.size - lo), 0.5)
    for (category, row), unit in zip(terms, units, strict=True):
        expected[row] += plain[category, lo:].astype(np.float64) * unit[cell[lo:]]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(("category", "volume"), [("gp", 0.5), ("gp", 70_000.0), ("home_nursing", 256.0), ("inpatient_fees", 1.5)])
def test_a_count_its_row_would_not_hold_exactly_is_refused(category, volume):
    volumes = YearVolumes(10)
    with pytest.raises(ValueError, match="whole number its row holds"):
        volumes.add(CATEGORY_INDEX[category], np.array([3]), np.array([volume], np.float32))
    assert volumes.row(CATEGORY_INDEX[category])[3] == 0  # nothing was added
    volumes.add(CATEGORY_INDEX[category], np.array([3]), np.array([255.0], np.float32))  # the most a small row holds
    assert volumes.row(CATEGORY_INDEX[category])[3] == 255
