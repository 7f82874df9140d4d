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

from simulator.categories import CATEGORIES, CATEGORY_INDEX

DRUGS = CATEGORY_INDEX["drugs"]
# at most one rehabilitation episode, home-nursing month or nursing-home month a month, and three stays: a year fits uint8
SMALL = tuple(CATEGORY_INDEX[c] for c in ("inpatient_fees", "rehabilitation", "home_nursing", "nursing_home"))  # rows of `small`
COUNTED = tuple(i for i in range(len(CATEGORIES)) if i != DRUGS and i not in SMALL)  # rows of `counts`, in category order
PRODUCT_BLOCK = 1 << 20  # patients per block of `products`: a [2, block] float32 product is 8 MB


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

    def block(self, lo: int, hi: int) -> np.ndarray:
        """Patients lo..hi of every category as float32 [category, patient]."""
        out = np.empty((len(CATEGORIES), hi - lo), np.float32)
        out[list(COUNTED)] = self.counts[:, lo:hi]
        out[list(SMALL)] = self.small[:, lo:hi]
        out[DRUGS] = self.drugs[lo:hi]
        return out

    def products(self, matrix: np.ndarray, group: np.ndarray, slots: np.ndarray | None = None, out: np.ndarray | None = None,
                 index: np.ndarray | None = None) -> np.ndarray:
        """For each patient s (every one, or `slots`, ascending): `(matrix @ volumes)[group[s], s]`, float32; added to
        `out` (float64, one value per patient chosen) if given. With `index`, a patient's group is `group[index[s]]`.

        `matrix` is [group, category] (float32). The product is made a block of patients at a
        time, each block's values the same to the bit as the whole product's, so neither the
        [group, patient] product nor a per-patient index is ever held whole (the arms close
        their year at once).
        """
        n = self.size
        size = n if slots is None else slots.size
        result = np.empty(size, np.float32) if out is None else out
        edges = np.arange(0, n + PRODUCT_BLOCK, PRODUCT_BLOCK) if slots is None else \
            np.searchsorted(slots, np.arange(0, n + PRODUCT_BLOCK, PRODUCT_BLOCK))
        for b, lo in enumerate(range(0, n, PRODUCT_BLOCK)):
            k0, k1 = min(edges[b], size), min(edges[b + 1], size)
            if k1 > k0:
                product = matrix @ self.block(lo, min(n, lo + PRODUCT_BLOCK))
                s = np.arange(k0, k1) if slots is None else slots[k0:k1]
                g = group[s] if index is None else group[index[s]]
                if out is None:
                    result[k0:k1] = product[g, s - lo]
                else:
                    result[k0:k1] += product[g, s - lo]
        return result


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
