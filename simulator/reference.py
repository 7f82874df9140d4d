"""The reference population: status-quo costs from which rates, prices and benchmarks are set.

As the Belgian integrated-care pilots' "expected cost" (AIM), costs are estimated on a
reference population, not on the one being paid: an independent synthetic population of
`reform.reference.size` patients with the scenario's structure, simulated under the status
quo over the whole horizon. Like AIM's, the estimates are made again for every year, so a
benchmark follows the status quo's own trend. The reference's finite size is a real source
of benchmark error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.context import Month
from simulator.care.month import care_month
from simulator.care.risk import N_RISK_CELLS, condition_count, risk_cell, risk_scores
from simulator.care.state import PatientState
from simulator.care.tables import build_tables
from simulator.categories import CATEGORIES
from simulator.layout import build_layout
from simulator.payment.bundled import EpisodeBook
from simulator.payment.fee_for_service import FeeForService
from simulator.population import synthesise
from simulator.rng import MonthlyDraws, derived_seed
from simulator.scenario import Scenario

EXTRA_MONTHS = 6  # so that episodes opened in the last year can close


@dataclass(frozen=True)
class ReferenceYear:
    """One year of the reference population: per person alive on 1 January, claims by category (price-year euros)."""

    cost: np.ndarray  # float32 [patient, category] claims at the full tariff
    insured: np.ndarray  # float32 [patient, category] the insurance's share of them (co-payments excluded)
    months: np.ndarray  # int8 months alive in the year
    cell: np.ndarray  # int16 risk cell on 1 January
    conditions: np.ndarray  # uint8 condition mask on 1 January
    avoidable: np.ndarray  # int16 avoidable admissions in the year
    episode_claims: tuple[np.ndarray, ...]  # per episode type opened in the year: in-scope window claims
    age: np.ndarray | None = None  # uint8 age on 1 January (for programmes' target groups)
    bim: np.ndarray | None = None  # int8 BIM status
    risk: np.ndarray | None = None  # float32 risk score on 1 January (expected cost over the base year's mean)

    def cell_rates(self, categories: list[int], eligible: np.ndarray | None = None, cap: float = 0.0,
                   insured: bool = False, exclude_above: float = 0.0) -> np.ndarray:
        """[risk cell, category] cost per person-month; cells never observed take the overall mean.

        `insured` counts the insurance's share only. With `cap`, a patient's yearly cost over the
        categories counts at most `cap` (shared out pro rata over the categories); with
        `exclude_above`, patients costing more are left out.
        """
        use = self.months > 0 if eligible is None else (self.months > 0) & eligible
        cost = (self.insured if insured else self.cost)[:, categories].astype(np.float64)
        if exclude_above > 0:
            use = use & (cost.sum(axis=1) <= exclude_above)
        cost = cost[use]
        if cap > 0:
            total = cost.sum(axis=1)
            cost *= np.where(total > cap, cap / np.maximum(total, 1e-12), 1.0)[:, None]
        cell, months = self.cell[use], self.months[use].astype(np.float64)
        sums = np.stack([np.bincount(cell, weights=cost[:, j], minlength=N_RISK_CELLS) for j in range(len(categories))], axis=1)
        exposure = np.bincount(cell, weights=months, minlength=N_RISK_CELLS)
        overall = cost.sum(axis=0) / max(months.sum(), 1.0)
        return np.where(exposure[:, None] > 0, sums / np.maximum(exposure, 1.0)[:, None], overall[None, :])

    def enrolee_year_rates(self, categories: list[int]) -> np.ndarray:
        """[risk cell] insurance cost of the year per person alive on 1 January (decedents' costs included): for envelopes."""
        cost = self.insured[:, categories].astype(np.float64).sum(axis=1)
        sums = np.bincount(self.cell, weights=cost, minlength=N_RISK_CELLS)
        count = np.bincount(self.cell, minlength=N_RISK_CELLS)
        return np.where(count > 0, sums / np.maximum(count, 1), cost.mean() if cost.size else 0.0)

    def avoidable_rate(self, eligible: np.ndarray | None = None) -> np.ndarray:
        """[risk cell] avoidable admissions per person-month (of the `eligible` patients, if given)."""
        use = self.months > 0 if eligible is None else (self.months > 0) & eligible
        exposure = np.bincount(self.cell[use], weights=self.months[use].astype(float), minlength=N_RISK_CELLS)
        events = np.bincount(self.cell[use], weights=self.avoidable[use].astype(float), minlength=N_RISK_CELLS)
        overall = events.sum() / max(exposure.sum(), 1.0)
        return np.where(exposure > 0, events / np.maximum(exposure, 1.0), overall)


@dataclass(frozen=True)
class ReferenceCosts:
    """The reference population's years, in order from the start year."""

    years: tuple[ReferenceYear, ...]

    def year(self, index: int) -> ReferenceYear:
        """Year `index` of the horizon (the last one beyond it)."""
        return self.years[min(index, len(self.years) - 1)]


def needs_reference(scenario: Scenario) -> bool:
    """Whether any reform rule is priced or benchmarked on status-quo costs."""
    r = scenario.reform
    return bool(r.capitation or r.bundled or r.shared_savings or r.global_budget or r.reinvestment.share > 0
                or r.budget_guarantee.share > 0 or scenario.programmes)


def build_reference(scenario: Scenario, seed: int) -> ReferenceCosts:
    """Simulate the reference population under the status quo, year by year, and tabulate its costs.

    `seed` is the replication's: every replication draws its own reference population, so
    that the benchmark's estimation error is part of the uncertainty over replications.
    """
    size, n_years = scenario.reform.reference.size, len(scenario.years)
    run = scenario.run.model_copy(update={"end_year": scenario.run.end_year + 1})  # room for the extra months
    ref = scenario.model_copy(update={"population": scenario.population.model_copy(update={"size": size, "sample_fraction": None}), "run": run})
    seed = derived_seed(seed, "reference")
    layout, tables = build_layout(ref), build_tables(ref)
    cohort = synthesise(ref, layout, tables, seed)
    state, draws, behaviour = PatientState.from_cohort(cohort), MonthlyDraws(seed, cohort.capacity), Behaviour()
    ffs = FeeForService.status_quo(ref)
    price = ffs.tariffs(ffs.price_year)  # price-year euros per unit
    insurer = ffs.insurer_unit_value(ffs.price_year)  # [category, bim]
    book = EpisodeBook(scenario.reform.bundled, cohort.capacity) if scenario.reform.bundled else None
    closed, years, base_cost = [], [], 0.0
    months_total = 12 * n_years + (EXTRA_MONTHS if book else 0)
    for step in range(months_total):
        draws.start(step)
        m = Month(step, cohort.age(step), cohort, tables, draws, ref)
        if step % 12 == 0 and step < 12 * n_years:
            present = np.flatnonzero(state.alive)
            cell = risk_cell(m.age[present], cohort.sex[present], cohort.bim[present], condition_count(state.conditions[present]))
            conditions = state.conditions[present].copy()
            persons = (None, None, None)
            if scenario.programmes:  # target groups are picked by age, BIM and risk score
                score, mean_cost = risk_scores(tables, ref, m.age, state.conditions, state.alive)
                base_cost = base_cost or mean_cost
                persons = (m.age[present].astype(np.uint8), cohort.bim[present].astype(np.int8),
                           (score[present] * mean_cost / base_cost).astype(np.float32))
            position = np.full(cohort.capacity, -1, np.int64)
            position[present] = np.arange(present.size)
            cost = np.zeros((present.size, len(CATEGORIES)), np.float32)
            insured = np.zeros((present.size, len(CATEGORIES)), np.float32)
            months = np.zeros(present.size, np.int8)
            avoidable = np.zeros(present.size, np.int16)
        activity = care_month(m, state, behaviour, layout.n_cells)
        if step < 12 * n_years:
            where = position[activity.alive]
            months[where[where >= 0]] += 1
            for i, category in enumerate(CATEGORIES):
                slots = activity.slots.get(category)
                if slots is not None and slots.size:
                    rows = position[slots]
                    keep = rows >= 0
                    volume = activity.volume[category][keep]
                    cost[rows[keep], i] += volume * price[i]
                    insured[rows[keep], i] += volume * insurer[i, cohort.bim[slots[keep]]]
            rows = position[activity.admissions[activity.avoidable]]
            np.add.at(avoidable, rows[rows >= 0], 1)
            if step % 12 == 11:
                years.append((cost, insured, months, cell, conditions, avoidable, persons))
        if book:
            closed.append(book.month(step, activity, price, draws.at("admission_day", activity.admissions)))
    if book:
        closed.append(book.close_all(months_total - 1))
    out = []
    for y, (cost, insured, months, cell, conditions, avoidable, persons) in enumerate(years):
        episodes = tuple(
            np.concatenate([c.claims[(c.kind == k) & (c.start // 12 == y) & (c.elapsed >= 1)] for c in closed])
            for k in range(len(book.episodes))) if book else ()
        out.append(ReferenceYear(cost, insured, months, cell, conditions, avoidable, episodes, *persons))
    return ReferenceCosts(tuple(out))
