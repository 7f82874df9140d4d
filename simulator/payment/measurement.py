"""Expected against actual cost per zone and year, on money the insurance really paid (the AIM way).

Actual is the compulsory-insurance money paid for the scope by every mechanism the rule
lists: the fee-for-service insurance share, capitation, envelopes, bundle margins, P4P.
It is read from the statements as they are posted, so it is what the ledger holds, not
claims valued at tariffs. Co-payments are not counted. Outliers are identified on each
patient's insurance share of in-scope claims: their excess over the threshold (cap), or
their whole cost (exclude), comes off actual at the zone's ratio of money paid to claims.

Expected is the reference population's insurance cost per risk cell and enrolee-month
(with the same outlier rule) times the zone's enrolee-months, times one plus an
estimation error drawn per zone and year from the replication's seed. Rules measured on
the same scope share that draw.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from simulator.accumulate import add_valued, count_inside
from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX, ITEMS, MECHANISM_INDEX, MECHANISMS, NO_CATEGORY, PAYER_INDEX
from simulator.layout import Layout
from simulator.payment.statement import Statement
from simulator.reference import ReferenceCosts, ReferenceYear
from simulator.rng import generator
from simulator.scenario.reform import Measurement as MeasurementRule

INSURANCE = PAYER_INDEX["federal_insurance"]
OUTLIER_RULES = ("cap", "exclude", "none")  # how `_sums` treats a patient's claims above the threshold
UNTIED = ("bundle", "p4p")  # mechanisms booked on no category: counted when listed, whatever the scope


@dataclass(frozen=True)
class Measured:
    """One year's measurement per zone (euros at the represented scale)."""

    expected: np.ndarray  # before the estimation error
    error: np.ndarray  # relative error drawn
    benchmark: np.ndarray  # expected * (1 + error)
    actual: np.ndarray  # insurance money paid for the scope, outliers removed
    quality_ratio: np.ndarray  # avoidable admissions over the reference's expectation
    person_months: np.ndarray | None = None  # enrolee-months counted (at the represented scale)
    observed_avoidable: np.ndarray | None = None  # avoidable admissions observed (simulated scale)
    expected_avoidable: np.ndarray | None = None  # and expected on the reference's rates


class Measurement:
    """Accumulates one rule's actual spending through the year and measures it against the benchmark."""

    def __init__(self, rule: MeasurementRule, zones: np.ndarray, reference: ReferenceCosts, layout: Layout, capacity: int, seed: int,
                 populations: list[tuple[np.ndarray, Callable[[ReferenceYear], np.ndarray]]] | None = None):
        """`zones` [territory] bool. `populations` splits the zones' patients into disjoint groups measured side by side
        (a programme's target group and the rest): per group, its cells ([cell] bool) and the function picking the
        reference's patients with the same criteria for its expected cost. Default: one group, everyone."""
        self.rule, self.zones, self.layout, self.seed = rule, zones, layout, seed
        populations = populations or [(np.ones(layout.n_cells, bool), lambda year: None)]
        self.cell_population = np.full(layout.n_cells, -1, np.int64)  # [cell] group measured, -1 outside the zones
        for k, (cells, _) in enumerate(populations):
            self.cell_population[cells & zones[layout.cell_territory]] = k
        self.cells = self.cell_population >= 0
        self.scope = [CATEGORY_INDEX[c] for c in rule.scope]
        self.counted = np.zeros((len(MECHANISMS), len(ITEMS)), bool)  # [mechanism, item] money that counts
        for name in rule.mechanisms:
            if name in UNTIED:
                self.counted[MECHANISM_INDEX[name], NO_CATEGORY] = True
            else:
                self.counted[MECHANISM_INDEX[name], self.scope] = True
        if "fee_for_service" in rule.mechanisms:  # the insurance's part a municipality took over comes off its spending
            self.counted[MECHANISM_INDEX["municipal_copayment"], self.scope] = True
        cap = rule.outlier_cap_eur if rule.outlier_rule == "cap" else 0.0
        exclude = rule.outlier_cap_eur if rule.outlier_rule == "exclude" else 0.0
        self.rates = [np.stack([y.cell_rates(self.scope, pick(y), cap=cap, insured=True, exclude_above=exclude).sum(axis=1)
                                for _, pick in populations]) for y in reference.years]  # per year: [group, risk cell]
        self.avoidable_rates = [np.stack([y.avoidable_rate(pick(y)) for _, pick in populations]) for y in reference.years]
        self.error_key = zlib.crc32(",".join(sorted(rule.scope)).encode())  # the same scope, the same estimate
        self.claims = np.zeros(capacity, np.float32)  # insurance share of each patient's in-scope claims this year
        self.months = np.zeros(capacity, np.int8)
        self.paid = np.zeros(layout.n_cells)  # counted insurance money this year, per cell

    def rate(self, year_index: int) -> np.ndarray:
        """[risk cell] expected insurance cost per enrolee-month of the year, price-year euros (the first group's)."""
        return self.rates[min(year_index, len(self.rates) - 1)][0]

    def start_year(self) -> None:
        """Forget last year's accumulations."""
        self.claims[:] = 0
        self.months[:] = 0
        self.paid[:] = 0

    def month(self, state: PatientState, activity: Activity, insurer_value: np.ndarray, bim: np.ndarray) -> None:
        """Enrolee-months and each patient's in-scope claims (insurance share, `insurer_value[category, bim]`)."""
        count_inside(self.months, state.alive, state.cell, self.cells)
        for i in self.scope:
            slots = activity.slots.get(CATEGORIES[i])
            if slots is not None and slots.size:
                add_valued(self.claims, slots, activity.volume[CATEGORIES[i]], np.ascontiguousarray(insurer_value[i]), bim,
                           state.cell, self.cells)

    def post(self, statement: Statement, cells: np.ndarray | None = None) -> None:
        """Add the money of a statement where the rule counts it (only in `cells`, a bool mask, if given).

        The regime posts what it really pays in zones where the reform is paid, and what the
        reform would pay in zones where it is not yet (shadow settlements in a virtual phase).
        """
        t = statement.transfers.columns()
        keep = (t["payer"] == INSURANCE) & self.counted[t["mechanism"], t["item"]]
        if cells is not None:
            keep &= cells[t["cell"]]
        self.paid += np.bincount(t["cell"][keep], weights=t["amount"][keep], minlength=self.paid.size)

    def close(self, year_index: int, state: PatientState, payment_cell: np.ndarray, avoidable_by_cell: np.ndarray,
              index: float, weight: float) -> Measured:
        """The year's measure of the first (or only) group; see `close_groups`."""
        return self.close_groups(year_index, state, payment_cell, avoidable_by_cell, index, weight)[0]

    def close_groups(self, year_index: int, state: PatientState, payment_cell: np.ndarray, avoidable_by_cell: np.ndarray,
                     index: float, weight: float) -> list[Measured]:
        """The year's expected and actual spending per zone, for each group; `index` uprates price-year rates to the
        year's prices. The groups of a zone share its estimation error."""
        lay, rule = self.layout, self.rule
        n_zones, n_groups = lay.n_territories, len(self.rates[0])
        n_units = n_zones * n_groups
        cell_unit = lay.cell_territory * n_groups + np.maximum(self.cell_population, 0)
        k = min(year_index, len(self.rates) - 1)  # the last reference year serves the years after it
        claimed, excess, expected, expected_avoidable, months = _sums(
            self.months, self.claims, state.cell, cell_unit, self.cell_population, payment_cell.astype(np.int64),
            self.rates[k], self.avoidable_rates[k], OUTLIER_RULES.index(rule.outlier_rule), rule.outlier_cap_eur * index, n_units)
        paid = np.bincount(cell_unit, weights=self.paid * self.cells, minlength=n_units)
        paid_per_claim = np.divide(paid, claimed, out=np.ones(n_units), where=claimed > 0)
        in_zones = np.repeat(self.zones, n_groups)
        actual = (paid - excess * paid_per_claim) * in_zones * weight
        expected = expected * index * weight
        draw = generator(self.seed, "benchmark_error", self.error_key, year_index).standard_normal(n_zones)
        error = np.repeat(rule.benchmark_error_sd * draw, n_groups)
        observed = np.bincount(cell_unit, weights=avoidable_by_cell * self.cells, minlength=n_units)
        arrays = [a.reshape(n_zones, n_groups) for a in (expected, error, expected * (1 + error), actual,
                                                            observed / np.maximum(expected_avoidable, 1e-12), months * weight,
                                                            observed, expected_avoidable)]
        return [Measured(*(a[:, k] for a in arrays)) for k in range(n_groups)]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _sums(months: np.ndarray, claims: np.ndarray, cell: np.ndarray, cell_unit: np.ndarray, cell_population: np.ndarray,
          payment_cell: np.ndarray, rate: np.ndarray, avoidable_rate: np.ndarray, outlier_rule: int, threshold: float,
          n_units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per zone x group, over the patients with enrolee-months (slot order): (claims, outliers' excess, expected cost and
    expected avoidable admissions on the months kept, the months kept). `outlier_rule` indexes OUTLIER_RULES: a cap keeps
    everyone and takes off the excess, exclusion drops the patient's months and takes off all their claims."""
    claimed, excess, expected = np.zeros(n_units), np.zeros(n_units), np.zeros(n_units)
    avoidable, kept_months = np.zeros(n_units), np.zeros(n_units)
    for s in range(months.size):
        if months[s] <= 0:
            continue
        c = cell[s]
        unit, group, payment = cell_unit[c], cell_population[c], payment_cell[s]
        value = np.float64(claims[s])
        m = np.float64(months[s])
        if outlier_rule == 0:
            over = max(value - threshold, 0.0)
        elif outlier_rule == 1 and value > threshold:
            over, m = value, 0.0
        else:
            over = 0.0
        claimed[unit] += value
        excess[unit] += over
        expected[unit] += m * rate[group, payment]
        avoidable[unit] += m * avoidable_rate[group, payment]
        kept_months[unit] += m
    return claimed, excess, expected, avoidable, kept_months
