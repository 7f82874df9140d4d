"""Scatter-adds of the monthly accounts in one pass each (numba), without the temporaries of `np.bincount`.

`np.bincount(index[slots], weights)` gathers the index, converts the weights to float64 and
allocates the result before anything is added; on a million slots a month that is most of
the cost of counting. These loops add in the same order as `np.bincount` (slot order), so
float sums are the same to the bit, and they add into the caller's array.

Slots are laid out by billing cell, so an index by cell comes in runs of a few hundred equal
values. The `*_runs` loops (and `add_dense`, `add_where`, used only by cell) keep a run's sum in
a register and store it when the index changes: the same additions in the same order, so the
same bits, without a store and reload of the same element for every slot (2-3x faster). An
index without runs (the observer's group x age band) is faster with the plain loops.
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}


@numba.njit(**_JIT)
def add_at(out: np.ndarray, index: np.ndarray, slots: np.ndarray, weights: np.ndarray) -> None:
    """out[index[slots[k]]] += weights[k]."""
    for k in range(slots.size):
        out[index[slots[k]]] += weights[k]


@numba.njit(**_JIT)
def count_at(out: np.ndarray, index: np.ndarray, slots: np.ndarray) -> None:
    """out[index[slots[k]]] += 1."""
    for k in range(slots.size):
        out[index[slots[k]]] += 1


@numba.njit(**_JIT)
def add_runs(out: np.ndarray, index: np.ndarray, slots: np.ndarray, weights: np.ndarray | None) -> None:
    """`add_at` for an index that comes in runs (by cell); `count_at` if `weights` is None."""
    if slots.size == 0:
        return
    c = index[slots[0]]
    total = out[c]
    for k in range(slots.size):
        j = index[slots[k]]
        if j != c:
            out[c] = total
            c = j
            total = out[c]
        if weights is None:  # pruned when compiled: a count is a loop of its own
            total += 1
        else:
            total += weights[k]
    out[c] = total


def count_runs(out: np.ndarray, index: np.ndarray, slots: np.ndarray) -> None:
    """`count_at` for an index that comes in runs (by cell)."""
    add_runs(out, index, slots, None)


@numba.njit(**_JIT)
def add_where(out: np.ndarray, index: np.ndarray, slots: np.ndarray, weights: np.ndarray, keep: np.ndarray) -> None:
    """out[index[s]] += weights[k] for s = slots[k] where keep[s] (an index in runs: by cell)."""
    c = -1
    total = 0.0
    for k in range(slots.size):
        s = slots[k]
        if keep[s]:
            j = index[s]
            if j != c:
                if c >= 0:
                    out[c] = total
                c = j
                total = out[c]
            total += weights[k]
    if c >= 0:
        out[c] = total


@numba.njit(**_JIT)
def add_dense(out: np.ndarray, index: np.ndarray, weights: np.ndarray) -> None:
    """out[index[s]] += weights[s] for every slot s (an index in runs: by cell)."""
    if index.size == 0:
        return
    c = index[0]
    total = out[c]
    for s in range(index.size):
        j = index[s]
        if j != c:
            out[c] = total
            c = j
            total = out[c]
        total += weights[s]
    out[c] = total


@numba.njit(**_JIT)
def add_scaled(out: np.ndarray, slots: np.ndarray, weights: np.ndarray, factor: float) -> None:
    """out[slots[k]] += weights[k] * factor (slots unique)."""
    for k in range(slots.size):
        out[slots[k]] += weights[k] * factor


@numba.njit(**_JIT)
def add_valued(out: np.ndarray, slots: np.ndarray, weights: np.ndarray, value: np.ndarray, group: np.ndarray,
               cell: np.ndarray, inside: np.ndarray) -> None:
    """out[s] += weights[k] * value[group[s]] for s = slots[k] whose cell is `inside` (slots unique)."""
    for k in range(slots.size):
        s = slots[k]
        if inside[cell[s]]:
            out[s] += weights[k] * value[group[s]]


@numba.njit(**_JIT)
def count_inside(out: np.ndarray, alive: np.ndarray, cell: np.ndarray, inside: np.ndarray) -> None:
    """out[s] += 1 for every slot alive in a cell `inside`."""
    for s in range(alive.size):
        if alive[s] and inside[cell[s]]:
            out[s] += 1


@numba.njit(**_JIT)
def covered(alive: np.ndarray, cell: np.ndarray, active_cell: np.ndarray, conditions: np.ndarray, mask: int) -> np.ndarray:
    """Slots alive in an active cell, and with one of the `mask` conditions if `mask` is not 0 (bool)."""
    out = np.zeros(alive.size, np.bool_)
    for s in range(alive.size):
        out[s] = alive[s] and active_cell[cell[s]] and (mask == 0 or (conditions[s] & mask) != 0)
    return out


@numba.njit(**_JIT)
def count_eligible(alive: np.ndarray, cell: np.ndarray, conditions: np.ndarray, mask: int, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, (living slots with one of the `mask` conditions, or all of them if `mask` is 0; living slots), float64."""
    eligible, living = np.zeros(n_cells), np.zeros(n_cells)
    for s in range(alive.size):
        if alive[s]:
            living[cell[s]] += 1
            if mask == 0 or (conditions[s] & mask) != 0:
                eligible[cell[s]] += 1
    return eligible, living


@numba.njit(**_JIT)
def count_pairs(out: np.ndarray, keep: np.ndarray, row: np.ndarray, column: np.ndarray) -> None:
    """out[row[s], column[s]] += 1 for every slot s kept."""
    for s in range(keep.size):
        if keep[s]:
            out[row[s], column[s]] += 1


@numba.njit(**_JIT)
def slots_where(mask: np.ndarray) -> np.ndarray:
    """`np.flatnonzero(mask)` as int32, without an int64 index (at national scale 100 MB an arm)."""
    n = 0
    for i in range(mask.size):
        n += mask[i] != 0
    out = np.empty(n, np.int32)
    k = 0
    for i in range(mask.size):
        if mask[i]:
            out[k] = i
            k += 1
    return out


@numba.njit(**_JIT)
def gather(values: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """`values[slots]`, without numpy's int64 copy of an int32 `slots`."""
    out = np.empty(slots.size, values.dtype)
    for k in range(slots.size):
        out[k] = values[slots[k]]
    return out
