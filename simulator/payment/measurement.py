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
        slots = np.flatnonzero(self.months > 0)
        group = self.cell_population[state.cell[slots]]
        unit = lay.cell_territory[state.cell[slots]] * n_groups + group  # zone x group
        claims = self.claims[slots].astype(np.float64)
        threshold = rule.outlier_cap_eur * index
        if rule.outlier_rule == "cap":
            excess, kept = np.maximum(claims - threshold, 0.0), np.ones(slots.size, bool)
        elif rule.outlier_rule == "exclude":
            kept = claims <= threshold
            excess = np.where(kept, 0.0, claims)
        else:
            excess, kept = np.zeros(slots.size), np.ones(slots.size, bool)
        cell_unit = lay.cell_territory * n_groups + np.maximum(self.cell_population, 0)
        by_unit = lambda weights: np.bincount(unit, weights=weights, minlength=n_units)  # noqa: E731
        paid = np.bincount(cell_unit, weights=self.paid * self.cells, minlength=n_units)
        claimed = by_unit(claims)
        paid_per_claim = np.divide(paid, claimed, out=np.ones(n_units), where=claimed > 0)
        in_zones = np.repeat(self.zones, n_groups)
        actual = (paid - by_unit(excess) * paid_per_claim) * in_zones * weight
        months = self.months[slots].astype(np.float64) * kept
        pick = lambda rates: rates[min(year_index, len(rates) - 1)][group, payment_cell[slots]]  # noqa: E731
        expected = by_unit(months * pick(self.rates)) * index * weight
        draw = generator(self.seed, "benchmark_error", self.error_key, year_index).standard_normal(n_zones)
        error = np.repeat(rule.benchmark_error_sd * draw, n_groups)
        expected_avoidable = by_unit(months * pick(self.avoidable_rates))
        observed = np.bincount(cell_unit, weights=avoidable_by_cell * self.cells, minlength=n_units)
        arrays = [a.reshape(n_zones, n_groups) for a in (expected, error, expected * (1 + error), actual,
                                                            observed / np.maximum(expected_avoidable, 1e-12), by_unit(months) * weight,
                                                            observed, expected_avoidable)]
        return [Measured(*(a[:, k] for a in arrays)) for k in range(n_groups)]
