"""What each patient pays out of pocket in a year: co-payments, refunds of the maximum billing, supplements.

Each month the regime's statement says what patients pay per billing cell and category
(`Statement.charges`), and the observer adds each patient's volume of the year. A cell's
patients share its BIM status and its rules all year (patients change cells only in
January), so in December each patient is charged the year's amount per unit of their cell
for their own volume; a rule covering only some of a cell's patients (a condition-targeted
fee waiving co-payments) is spread over the cell. Co-payments count towards the patient's
maximum billing (MAF) ceiling; above it the insurance refunds them, in December, through the
sickness funds (the `administration` provider: +refund from the insurance, -refund from
patients, so its income is unchanged). Supplements count for what the patient pays, never
for the ceiling. Nursing-home day prices are the federated entities' and outside the MAF.
"""

from __future__ import annotations

import numba
import numpy as np

from simulator.accumulate import add_dense
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX, NO_CATEGORY
from simulator.layout import Layout
from simulator.payment.statement import Statement, Transfers
from simulator.population import Cohort
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario import Scenario
from simulator.year_volumes import PRODUCT_BLOCK, YearVolumes

OUTSIDE_MAF = (CATEGORY_INDEX["nursing_home"],)


def maf_ceiling_bands(scenario: Scenario, cohort: Cohort, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each patient's ceiling before the chronic and child rules, as ([patient] index into the ceilings, the ceilings at
    price-year euros: the income bands', then the social MAF's)."""
    maf = scenario.maximum_billing
    u = hashed_uniform(derived_seed(seed, "maf_income_band"), np.arange(cohort.capacity))
    band = np.minimum(np.searchsorted(np.cumsum(maf.income_band_shares), u, side="right"), len(maf.income_ceilings) - 1)
    values = np.array([*maf.income_ceilings, maf.bim_ceiling], np.float64)
    return np.where(cohort.bim == 1, len(maf.income_ceilings), band).astype(np.min_scalar_type(values.size)), values


class OutOfPocket:
    """Each patient's out-of-pocket of each year (or of the year only, see `all_years`) in one arm, with the MAF refunds it makes."""

    def __init__(self, scenario: Scenario, layout: Layout, cohort: Cohort, seed: int, administration: int, all_years: bool = True):
        """`all_years`: keep each year's payments (an arm run alone, paired at the end); else only the year's, paired
        each December beside the other arm (`Replication`). Set `keep_sums` to keep each December's per-patient MAF
        sums (`counted`, `refunded`) for inspection; runs do not (at national scale they are 0.2 GB an arm)."""
        self.rule, self.layout, self.administration = scenario.maximum_billing, layout, administration
        self.ceiling_band, self.ceilings = maf_ceiling_bands(scenario, cohort, seed)  # [patient] index, price-year euros
        n_years, capacity = len(scenario.years), cohort.capacity
        rows = n_years if all_years else 1
        self.paid = np.zeros((rows, capacity), np.float32)  # [year or the year's row, patient] out-of-pocket after refunds
        self.present = np.zeros((rows, capacity), bool)
        self.bim = cohort.bim
        self.reached = np.zeros((n_years, layout.n_territories * 2 * layout.n_populations))  # refunded under the MAF [year, zone x BIM x population]
        # a patient's zone never changes (moves between practices stay in the zone): one row serves every year
        self.territory = np.broadcast_to(cohort.territory, (rows, capacity))
        self._target = np.zeros(capacity, np.int8) if layout.n_populations == 2 else None  # the year's, from 1 January
        self.charges = np.zeros((2, len(CATEGORIES), layout.n_cells))  # the year's co-payments, supplements [category, cell]
        self.volume = np.zeros((len(CATEGORIES), layout.n_cells))  # the year's volume [category, cell]
        self.keep_sums = False
        self.counted = self.refunded = np.zeros(0)  # with keep_sums: the year's co-payments counted for the MAF, refunds
        self.ceiling_code = np.zeros(capacity, np.uint8)  # the year's ceiling of each patient, an index into ceiling_values
        self.ceiling_values = np.zeros(1)  # the year's ceilings by income band x chronic x child, euros
        self.year = 0

    def start_year(self, year_index: int, state: PatientState, age: np.ndarray, index: float) -> None:
        """The year's ceilings (indexed like tariffs), and the year's sums back to zero."""
        r = self.rule
        code = np.arange(self.ceilings.size * 4)  # income band x 4 + chronic x 2 + child
        band, chronic, child = code // 4, code // 2 % 2, code % 2
        ceiling = self.ceilings[band] - r.chronic_reduction * (chronic == 1)  # the same operations as patient by patient
        ceiling = np.where(child == 1, np.minimum(ceiling, r.child_ceiling), ceiling)
        self.ceiling_values = np.maximum(ceiling, 0.0) * index
        self.ceiling_code = ((self.ceiling_band.astype(np.uint8) * 2 + (state.conditions > 0)) * 2 + (age < 19)).astype(np.uint8)
        self.charges[:] = 0
        self.volume[:] = 0
        self.year = year_index
        if self._target is not None:
            self._target[:] = self.layout.cell_target[state.cell]

    def row(self, year_index: int) -> int:
        """Row of `paid`, `present` and `territory` that holds year `year_index` (0 when only the year's is kept)."""
        return year_index % self.paid.shape[0]

    @property
    def ceiling(self) -> np.ndarray:
        """Each patient's ceiling of the year, euros."""
        return self.ceiling_values[self.ceiling_code]

    def release_patients(self) -> None:
        """Free the year's per-patient sums and ceilings (after the last year; what pairing reads, `paid`, stays)."""
        self.counted = self.refunded = np.zeros(0)
        self.ceiling_code = np.zeros(0, np.uint8)

    def month(self, volume: np.ndarray, charges: np.ndarray) -> None:
        """Add the month's claims volume and what patients pay, per category and cell."""
        self.volume += volume
        self.charges += charges

    def close_year(self, state: PatientState, volume_year: YearVolumes, present: np.ndarray) -> Statement:
        """December: each patient's out-of-pocket of the year from their volume (`[category, patient]`); the MAF refunds.

        Patients are taken a block at a time (the blocks of `YearVolumes.products`): each patient's sums are their own,
        so no per-patient float64 array is ever held whole (at national scale each would be 100 MB an arm).
        """
        per_unit = np.where(self.volume > 0, self.charges / np.maximum(self.volume, 1e-300), 0.0)  # [kind, category, cell]
        cell, n = state.cell, state.cell.size
        in_maf = np.ones((2, len(CATEGORIES)), bool)
        in_maf[1] = False  # supplements
        in_maf[0, list(OUTSIDE_MAF)] = False
        sums = _sums((self._plan(per_unit, in_maf), self._plan(per_unit, ~in_maf)))  # co-payments in the MAF, the rest
        self.counted, self.refunded = (np.empty(n), np.empty(n)) if self.keep_sums else (np.zeros(0), np.zeros(0))
        y = self.year
        row = self.row(y)
        self.present[row] = present
        reached = np.zeros(self.reached.shape[1], np.int64)
        by_cell = np.zeros(self.layout.n_cells)
        for lo in range(0, n, PRODUCT_BLOCK):
            hi = min(n, lo + PRODUCT_BLOCK)
            counted, total = self._per_patient(sums, volume_year, cell, lo, hi)
            total += counted
            refund = np.empty_like(counted) if self.keep_sums else counted  # in place unless the sums are kept
            if self.rule.enabled:
                _refunds(counted, self.ceiling_values, self.ceiling_code[lo:hi], refund)
            else:
                refund[:] = 0.0
            if self.keep_sums:
                self.counted[lo:hi], self.refunded[lo:hi] = counted, refund
            hit = lo + np.flatnonzero(refund > 0)
            key = (self.territory[row][hit].astype(np.int64) * 2 + self.bim[hit]) * self.layout.n_populations
            if self._target is not None:
                key += self._target[hit]
            reached += np.bincount(key, minlength=reached.size)
            total -= refund
            self.paid[row, lo:hi] = total  # rounded to float32 here
            add_dense(by_cell, cell[lo:hi], refund)  # np.bincount(cell, weights=refund), in slot order
        self.reached[y] = reached
        return self._refunds(by_cell)

    def _plan(self, per_unit: np.ndarray, chosen: np.ndarray) -> tuple[list[tuple[int, np.ndarray]], np.ndarray | None]:
        """How to sum the `chosen` [kind, category] of volume x the cell's euros per unit: ([(category, euros per unit by
        cell)], [bim, category] euros per unit as float32, or None).

        Where a category's euros per unit depend only on BIM status (cells with no volume do not
        count), one product for both groups serves everyone; other categories are looked up by cell.
        """
        bim, used = self.layout.cell_bim, self.volume > 0
        first = np.array([np.flatnonzero(bim == g)[0] for g in (0, 1)])
        by_group = np.zeros((2, len(CATEGORIES)))  # [bim, category] euros per unit, summed over the chosen kinds
        by_cell = []
        for kind, i in zip(*np.nonzero(chosen & per_unit.any(axis=2))):
            unit = per_unit[kind, i]
            reference = unit[first]
            if np.allclose(unit[used[i]], reference[bim[used[i]]], rtol=1e-12, atol=0.0):
                by_group[:, i] += reference
            else:
                by_cell.append((int(i), unit))
        return by_cell, by_group.astype(np.float32) if by_group.any() else None  # in float32 like the volumes

    def _per_patient(self, sums: tuple[np.ndarray, np.ndarray, list[np.ndarray | None]], volume_year: YearVolumes,
                     cell: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Patients lo..hi's sums under each plan (`_sums`), float64 [plan, patient]: the categories looked up by cell
        first, then those by BIM status, every plan's in one pass over the volumes."""
        terms, units, by_group = sums
        out = np.zeros((len(by_group), hi - lo))
        volume_year.add_by_cell(out, terms, units, cell, lo)
        if all(m is not None for m in by_group):
            volume_year.products(np.stack(by_group), self.layout.cell_bim, np.arange(lo, hi), out=out, index=cell)
        else:
            for row, matrix in enumerate(by_group):
                if matrix is not None:
                    volume_year.products(matrix, self.layout.cell_bim, np.arange(lo, hi), out=out[row], index=cell)
        return out

    def _refunds(self, by_cell: np.ndarray) -> Statement:
        """The insurance pays the refunds; patients' payments fall by as much; the sickness funds pass them on."""
        transfers = Transfers()
        cells = np.arange(by_cell.size)
        transfers.add("federal_insurance", "maximum_billing", NO_CATEGORY, cells, np.full(by_cell.size, self.administration), by_cell)
        transfers.add("patients", "maximum_billing", NO_CATEGORY, cells, np.full(by_cell.size, self.administration), -by_cell)
        return Statement(transfers, np.zeros(self.layout.n_providers))


def _sums(plans: tuple[tuple[list[tuple[int, np.ndarray]], np.ndarray | None], ...]
          ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray | None]]:
    """The plans (`OutOfPocket._plan`) as `YearVolumes.add_by_cell` takes them: (category, plan) of each term by cell,
    the terms' euros per unit [term, cell], and each plan's [bim, category] euros per unit or None."""
    terms = [((i, row), unit) for row, (by_cell, _) in enumerate(plans) for i, unit in by_cell]
    units = np.stack([unit for _, unit in terms]) if terms else np.zeros((0, 1))
    return np.array([term for term, _ in terms], np.int64).reshape(-1, 2), units, [matrix for _, matrix in plans]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _refunds(counted: np.ndarray, ceilings: np.ndarray, code: np.ndarray, out: np.ndarray) -> None:
    """out = max(counted - the patient's ceiling, 0) for each patient, as `np.maximum` gives it (NaN and -0.0 kept);
    `out` may be `counted`."""
    for s in range(counted.size):
        d = counted[s] - ceilings[code[s]]
        out[s] = d if d >= 0.0 or np.isnan(d) else 0.0
