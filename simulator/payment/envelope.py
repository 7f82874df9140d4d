"""Global budgets: a yearly envelope per hospital for a scope of categories, paid in twelfths.

Two ways to price it (`reform.global_budget.basis`):
- `reference`: the expected status-quo cost of the hospital's users alive on 1 January, at
  the reference population's rates per risk cell, estimated again each year;
- `base_year`: the hospital's own status-quo cost, measured on its own patients' claims in the
  horizon's first year (paid per act that year), then uprated by indexation and growth. The
  envelope then carries no estimation error from the reference population; it keeps the
  hospital's own year-to-year variation of its base year.
"""

from __future__ import annotations

import numpy as np

from simulator.care.state import PatientState
from simulator.categories import CATEGORY_INDEX
from simulator.layout import Layout
from simulator.payment.fee_for_service import FeeForService
from simulator.reference import ReferenceCosts
from simulator.scenario.reform import GlobalBudget


class Envelopes:
    """The envelopes of one arm: priced each January, paid monthly per billing cell."""

    def __init__(self, rule: GlobalBudget, reference: ReferenceCosts | None, layout: Layout):
        self.rule, self.layout = rule, layout
        self.scope = [CATEGORY_INDEX[c] for c in rule.scope]
        self.rates = [y.enrolee_year_rates(self.scope) for y in reference.years] if rule.basis == "reference" else []
        self.base = np.zeros(layout.n_cells)  # base year's status-quo insurance cost per cell, at price-year prices
        self.monthly = np.zeros(layout.n_cells)
        self.active = False

    def start_year(self, year_index: int, payment_cell: np.ndarray, state: PatientState, scale: float, index: float) -> None:
        """Price this year's envelopes: `self.monthly[cell]` in euros; none in a base year."""
        rule, alive, n = self.rule, np.flatnonzero(state.alive), self.layout.n_cells
        self.active = rule.basis == "reference" or year_index > 0
        if not self.active:
            self.monthly = np.zeros(n)
            return
        factor = rule.weight * scale * index
        if rule.basis == "reference":
            rate = self.rates[min(year_index, len(self.rates) - 1)]
            yearly = rate[payment_cell[alive]] * factor * (1 + rule.growth) ** year_index
            self.monthly = np.bincount(state.cell[alive], weights=yearly, minlength=n) / 12
            return
        hospital = self.layout.cell_hospital
        per_hospital = np.bincount(hospital, weights=self.base, minlength=self.layout.n_providers)
        residents = np.bincount(state.cell[alive], minlength=n).astype(float)
        by_hospital = np.bincount(hospital, weights=residents, minlength=self.layout.n_providers)
        share = residents / np.maximum(by_hospital[hospital], 1.0)  # a hospital's envelope, shared over its cells by residents
        self.monthly = per_hospital[hospital] * share * factor * (1 + rule.growth) ** (year_index - 1) / 12

    def record_base(self, year_index: int, volume: np.ndarray, status_quo: FeeForService, cell_bim: np.ndarray) -> None:
        """In the base year, add the month's in-scope claims at status-quo price-year tariffs, the insurance's share."""
        if self.rule.basis != "base_year" or year_index > 0:
            return
        value = status_quo.insurer_unit_value(status_quo.price_year)  # [category, bim]
        for c in self.scope:
            self.base += volume[c] * value[c, cell_bim]
