"""Each patient's volume of the year per category, as narrow as the volumes allow.

Every category but drugs counts whole units (contacts, stays, bed-days, months of home
nursing or of nursing home), which the kernel writes as integers: a year of them fits in
uint16, and in uint8 for the categories of at most a few a month. Drugs are euros, kept as
float32. Read back as float32, every value is what a float32 array of all categories held
before, so the products and sums made from them are the same to the bit. That is 24 bytes a
patient instead of 52 (about 660 MB less for 11.8 M patients, both arms).
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

from simulator.categories import CATEGORIES, CATEGORY_INDEX

DRUGS = CATEGORY_INDEX["drugs"]
# at most one rehabilitation episode, home-nursing month or nursing-home month a month, and three stays: a year fits uint8
SMALL = tuple(CATEGORY_INDEX[c] for c in ("inpatient_fees", "rehabilitation", "home_nursing", "nursing_home"))  # rows of `small`
COUNTED = tuple(i for i in range(len(CATEGORIES)) if i != DRUGS and i not in SMALL)  # rows of `counts`, in category order
PRODUCT_BLOCK = 1 << 20  # patients per block of the out-of-pocket sums of the year (float64: 8 MB a block)


class YearVolumes:
    """[category, patient] volumes of the year: whole units in uint16, drugs in float32."""

    def __init__(self, capacity: int):
        self.counts = np.zeros((len(COUNTED), capacity), np.uint16)
        self.small = np.zeros((len(SMALL), capacity), np.uint8)
        self.drugs = np.zeros(capacity, np.float32)

    @property
    def size(self) -> int:
        """Patient slots."""
        return self.drugs.size

    def row(self, category: int) -> np.ndarray:
        """One category's volumes of every patient (uint16 counts, or float32 drug euros)."""
        if category == DRUGS:
            return self.drugs
        return self.small[SMALL.index(category)] if category in SMALL else self.counts[COUNTED.index(category)]

    def reset(self) -> None:
        """Back to zero for a new year."""
        self.counts[:] = 0
        self.small[:] = 0
        self.drugs[:] = 0

    def release(self) -> None:
        """Free the arrays (after the last year)."""
        self.counts, self.small = np.zeros((len(COUNTED), 0), np.uint16), np.zeros((len(SMALL), 0), np.uint8)
        self.drugs = np.zeros(0, np.float32)

    def add(self, category: int, slots: np.ndarray, volume: np.ndarray) -> None:
        """Add `volume[k]` to patient `slots[k]` (slots unique); a count its row would not hold exactly (not a whole
        number, or above 65,535, 255 for the small rows) is refused."""
        if category == DRUGS:
            _add_euros(self.drugs, slots, volume)
        else:
            row = self.row(category)
            _add_counts(row, slots, volume, np.iinfo(row.dtype).max)

    def add_dense(self, category: int, volume: np.ndarray) -> None:
        """Add a volume for every patient."""
        if category == DRUGS:
            np.add(self.drugs, volume, out=self.drugs)
        else:
            self.add(category, np.arange(self.size), volume)

    def products(self, matrix: np.ndarray, group: np.ndarray, slots: np.ndarray | None = None, out: np.ndarray | None = None,
                 index: np.ndarray | None = None) -> np.ndarray:
        """For each patient s (every one, or `slots`): `(matrix @ volumes)[group[s], s]`, float32; added to `out`
        (float64, one value per patient chosen) if given. With `index`, a patient's group is `group[index[s]]`.

        `matrix` is [group, category] (float32), or [matrix, group, category] for several products
        in one pass (`out` then [matrix, patient]). One pass over the patients (numba), reading each
        patient's volumes where they are kept: neither the [group, patient] product nor the
        float32 volumes are ever held. A patient's value is summed over the categories in their
        order, each step a float32 fused multiply-add, as the BLAS product (`matrix @ block`) sums it.
        """
        size = self.size if slots is None else slots.size
        shape = (size,) if matrix.ndim == 2 else (matrix.shape[0], size)
        result = np.empty(shape, np.float32) if out is None else out
        matrices = np.ascontiguousarray(matrix[None] if matrix.ndim == 2 else matrix, np.float32)
        _products(self.counts, self.small, self.drugs, _SOURCE, matrices, group, _NONE if index is None else index,
                  _NONE if slots is None else slots, slots is None, index is not None, result[None] if result.ndim == 1 else result,
                  out is not None)
        return result


    def add_by_cell(self, out: np.ndarray, terms: np.ndarray, units: np.ndarray, cell: np.ndarray, lo: int) -> None:
        """out[terms[t, 1], k] += volume[terms[t, 0], s] x units[t, cell[s]] for patients s = lo + k, term by term in
        order (float64, as `out[row] += volume * units[t][cell]` one term at a time), in one pass over the patients."""
        if terms.size and out.shape[1]:
            _add_by_cell(self.counts, self.small, self.drugs, _SOURCE, np.asarray(terms, np.int64).reshape(-1, 2),
                         np.ascontiguousarray(units, np.float64), cell, lo, out)


_NONE = np.zeros(0, np.int64)
_LANES = 512  # patients summed side by side in `_products`
_SOURCE = np.array([(2, 0) if i == DRUGS else (1, SMALL.index(i)) if i in SMALL else (0, COUNTED.index(i))
                    for i in range(len(CATEGORIES))], np.int64)  # per category: (counts 0, small 1, drugs 2; its row)


@intrinsic
def _fma(typingctx, a, b, c):  # type: ignore[no-untyped-def]
    """a * b + c in float32, rounded once (`llvm.fma`)."""
    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        f32 = ir.FloatType()
        fma = builder.module.declare_intrinsic("llvm.fma", [f32], ir.FunctionType(f32, [f32, f32, f32]))
        return builder.call(fma, args)

    return types.float32(types.float32, types.float32, types.float32), codegen


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _products(counts: np.ndarray, small: np.ndarray, drugs: np.ndarray, source: np.ndarray, matrix: np.ndarray,
              group: np.ndarray, index: np.ndarray, slots: np.ndarray, every: bool, indexed: bool, out: np.ndarray,
              add: bool) -> None:
    """out[q, k] (+)= sum over categories c of matrix[q, g, c] * volume[c, s], for s = k (`every`) or slots[k] and g
    its group.

    Patients go _LANES at a time, category by category, so that their sums advance side by side
    (one patient's chain of multiply-adds alone would wait on each step's latency).
    """
    s_of = np.empty(_LANES, np.int64)
    g_of = np.empty(_LANES, np.int64)
    value = np.empty(_LANES, np.float32)
    total = np.empty((matrix.shape[0], _LANES), np.float32)
    for k0 in range(0, out.shape[1], _LANES):
        m = min(_LANES, out.shape[1] - k0)
        for j in range(m):
            s = k0 + j if every else slots[k0 + j]
            s_of[j] = s
            g_of[j] = group[index[s]] if indexed else group[s]
        total[:, :m] = 0.0
        for c in range(source.shape[0]):
            kind, row = source[c, 0], source[c, 1]
            if kind == 0:
                for j in range(m):
                    value[j] = counts[row, s_of[j]]
            elif kind == 1:
                for j in range(m):
                    value[j] = small[row, s_of[j]]
            else:
                for j in range(m):
                    value[j] = drugs[s_of[j]]
            for q in range(matrix.shape[0]):
                for j in range(m):
                    total[q, j] = _fma(matrix[q, g_of[j], c], value[j], total[q, j])
        for q in range(matrix.shape[0]):
            for j in range(m):
                if add:
                    out[q, k0 + j] += total[q, j]
                else:
                    out[q, k0 + j] = total[q, j]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_by_cell(counts: np.ndarray, small: np.ndarray, drugs: np.ndarray, source: np.ndarray, terms: np.ndarray, units: np.ndarray,
                 cell: np.ndarray, lo: int, out: np.ndarray) -> None:
    """`YearVolumes.add_by_cell` (out is [row, patient], float64), _LANES patients at a time, term by term."""
    for k0 in range(0, out.shape[1], _LANES):
        k1 = min(out.shape[1], k0 + _LANES)
        for t in range(terms.shape[0]):
            kind, row, r = source[terms[t, 0], 0], source[terms[t, 0], 1], terms[t, 1]
            if kind == 0:
                for k in range(k0, k1):
                    out[r, k] += np.float64(counts[row, lo + k]) * units[t, cell[lo + k]]
            elif kind == 1:
                for k in range(k0, k1):
                    out[r, k] += np.float64(small[row, lo + k]) * units[t, cell[lo + k]]
            else:
                for k in range(k0, k1):
                    out[r, k] += np.float64(drugs[lo + k]) * units[t, cell[lo + k]]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_counts(row: np.ndarray, slots: np.ndarray, volume: np.ndarray, limit: int) -> None:
    """row[slots[k]] += volume[k], refusing what the row's type would not hold exactly (above `limit`)."""
    for k in range(slots.size):
        value = row[slots[k]] + volume[k]
        if value > limit or value != np.floor(value):
            raise ValueError("a yearly count that is not a whole number its row holds")
        row[slots[k]] = value


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_euros(row: np.ndarray, slots: np.ndarray, volume: np.ndarray) -> None:
    """row[slots[k]] += volume[k] (float32)."""
    for k in range(slots.size):
        row[slots[k]] += volume[k]
