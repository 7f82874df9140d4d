"""The reference population: status-quo costs from which rates, prices and benchmarks are set.

As the Belgian integrated-care pilots' "expected cost" (AIM), costs are estimated on a
reference population, not on the one being paid: an independent synthetic population of
`reform.reference.size` patients with the scenario's structure, simulated for the base
year under the status quo. Its finite size is a real source of benchmark error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.context import Month
from simulator.care.month import care_month
from simulator.care.risk import N_RISK_CELLS, condition_count, risk_cell
from simulator.care.state import PatientState
from simulator.care.tables import build_tables
from simulator.categories import CATEGORIES
from simulator.layout import build_layout
from simulator.payment.bundled import EpisodeBook
from simulator.payment.fee_for_service import FeeForService
from simulator.population import synthesise
from simulator.rng import MonthlyDraws, derived_seed
from simulator.scenario import Scenario

EXTRA_MONTHS = 6  # so that episodes opened in the base year can close


@dataclass(frozen=True)
class ReferenceCosts:
    """Per reference patient: base-year claims by category (price-year euros), exposure, risk cell, conditions."""

    cost: np.ndarray  # float32 [patient, category]
    months: np.ndarray  # int8 months alive in the base year
    cell: np.ndarray  # int16 risk cell on 1 January
    conditions: np.ndarray  # uint8 condition mask on 1 January
    avoidable: np.ndarray  # int16 avoidable admissions in the base year
    episode_claims: tuple[np.ndarray, ...]  # per episode type: in-scope window claims (price-year euros)

    def cell_rates(self, categories: list[int], eligible: np.ndarray | None = None, cap: float = 0.0) -> np.ndarray:
        """[risk cell, category] cost per person-month; cells never observed take the overall mean.

        With `cap`, a patient's yearly cost over the categories counts at most `cap` (shared out
        pro rata over the categories).
        """
        use = self.months > 0 if eligible is None else (self.months > 0) & eligible
        cost = self.cost[use][:, categories].astype(np.float64)
        if cap > 0:
            total = cost.sum(axis=1)
            cost *= np.where(total > cap, cap / np.maximum(total, 1e-12), 1.0)[:, None]
        cell, months = self.cell[use], self.months[use].astype(np.float64)
        sums = np.stack([np.bincount(cell, weights=cost[:, j], minlength=N_RISK_CELLS) for j in range(len(categories))], axis=1)
        exposure = np.bincount(cell, weights=months, minlength=N_RISK_CELLS)
        overall = cost.sum(axis=0) / max(months.sum(), 1.0)
        return np.where(exposure[:, None] > 0, sums / np.maximum(exposure, 1.0)[:, None], overall[None, :])

    def enrolee_year_rates(self, categories: list[int]) -> np.ndarray:
        """[risk cell] base-year cost per person alive on 1 January (decedents' costs included): for yearly envelopes."""
        cost = self.cost[:, categories].astype(np.float64).sum(axis=1)
        sums = np.bincount(self.cell, weights=cost, minlength=N_RISK_CELLS)
        count = np.bincount(self.cell, minlength=N_RISK_CELLS)
        return np.where(count > 0, sums / np.maximum(count, 1), cost.mean() if cost.size else 0.0)

    def avoidable_rate(self) -> np.ndarray:
        """[risk cell] avoidable admissions per person-month."""
        use = self.months > 0
        exposure = np.bincount(self.cell[use], weights=self.months[use].astype(float), minlength=N_RISK_CELLS)
        events = np.bincount(self.cell[use], weights=self.avoidable[use].astype(float), minlength=N_RISK_CELLS)
        overall = events.sum() / max(exposure.sum(), 1.0)
        return np.where(exposure > 0, events / np.maximum(exposure, 1.0), overall)


def needs_reference(scenario: Scenario) -> bool:
    """Whether any reform rule is priced or benchmarked on status-quo costs."""
    r = scenario.reform
    return bool(r.capitation or r.bundled or r.shared_savings or r.global_budget)


def build_reference(scenario: Scenario) -> ReferenceCosts:
    """Simulate the reference population's base year under the status quo and tabulate its costs."""
    size = scenario.reform.reference.size
    run = scenario.run.model_copy(update={"end_year": scenario.run.start_year + 1})  # room for the extra months
    ref = scenario.model_copy(update={"population": scenario.population.model_copy(update={"size": size}), "run": run})
    seed = derived_seed(scenario.run.seed, "reference")
    layout, tables = build_layout(ref), build_tables(ref)
    cohort = synthesise(ref, layout, tables, seed)
    state, draws, behaviour = PatientState.from_cohort(cohort), MonthlyDraws(seed, cohort.capacity), Behaviour()
    ffs = FeeForService.status_quo(ref)
    price = ffs.tariffs(ffs.price_year)  # price-year euros per unit
    age0 = cohort.age(0)
    cell = risk_cell(age0, cohort.sex, cohort.bim, condition_count(state.conditions))
    conditions = state.conditions.copy()
    cost = np.zeros((cohort.capacity, len(CATEGORIES)), np.float32)
    months = np.zeros(cohort.capacity, np.int8)
    avoidable = np.zeros(cohort.capacity, np.int16)
    book = EpisodeBook(scenario.reform.bundled, cohort.capacity) if scenario.reform.bundled else None
    closed = []
    for step in range(12 + (EXTRA_MONTHS if book else 0)):
        draws.start(step)
        m = Month(step, cohort.age(step), cohort, tables, draws, ref)
        activity = care_month(m, state, behaviour)
        if step < 12:
            months[activity.alive] += 1
            for i, category in enumerate(CATEGORIES):
                slots = activity.slots.get(category)
                if slots is not None and slots.size:
                    cost[slots, i] += activity.volume[category] * price[i]
            np.add.at(avoidable, activity.admissions[activity.avoidable], 1)
        if book:
            closed.append(book.month(step, activity, price))
    if book:
        closed.append(book.close_all(step))
    episode_claims = tuple(
        np.concatenate([c.claims[(c.kind == k) & (c.start < 12)] for c in closed]) for k in range(len(book.episodes))
    ) if book else ()
    present = cohort.entry_month == 0  # the January population defines the risk cells
    return ReferenceCosts(cost[present], months[present], cell[present], conditions[present], avoidable[present], episode_claims)
