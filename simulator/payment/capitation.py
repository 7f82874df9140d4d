"""Capitation: a rate per enrolee per month for a scope of categories, risk-adjusted by cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.accumulate import covered as covered_slots
from simulator.care.risk import N_RISK_CELLS
from simulator.care.state import PatientState
from simulator.categories import CATEGORY_INDEX, CONDITION_BIT
from simulator.layout import Layout
from simulator.reference import ReferenceCosts
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario.reform import Capitation


def capitation_amount(months_by_risk_cell: np.ndarray, rate_by_risk_cell: np.ndarray, weight: float, index: float) -> np.ndarray:
    """Euros per scope category: sum over risk cells of enrolee-months x rate, times blend weight and price index.

    `rate_by_risk_cell` is [risk cell, scope category] at price-year prices.
    """
    return weight * index * (np.asarray(months_by_risk_cell, float) @ np.asarray(rate_by_risk_cell, float))


def pooled(rates: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Unadjusted rates: the enrolee-month weighted mean of cell rates, the same for every cell."""
    mean = (rates * months[:, None]).sum(axis=0) / max(float(months.sum()), 1.0)
    return np.repeat(mean[None, :], N_RISK_CELLS, axis=0)


@dataclass
class CapitationPlan:
    """A capitation rule resolved for a run."""

    rule: Capitation
    scope: list[int]
    rates_by_year: list[np.ndarray]  # per year: [risk cell, scope category] price-year euros per enrolee-month
    active_cell: np.ndarray  # bool [cell]
    eligible_mask: int  # condition bits; 0 = everyone
    provider: np.ndarray  # [cell] provider paid
    rates: np.ndarray | None = None  # this year's, set by Regime.start_year

    def covered(self, state: PatientState) -> np.ndarray:
        """Slots capitated this month (bool)."""
        return covered_slots(state.alive, state.cell, self.active_cell, state.conditions, self.eligible_mask)


def plan_capitation(rule: Capitation, reference: ReferenceCosts | None, layout: Layout, run_seed: int) -> CapitationPlan:
    """Scope, yearly rates (given, or the reference's status-quo cost), active cells and payee of one rule."""
    scope = [CATEGORY_INDEX[c] for c in rule.scope]
    mask = sum(CONDITION_BIT[c] for c in rule.target_conditions)
    if rule.rates == "given":
        rates = [np.repeat(np.array([[rule.rate[c] for c in rule.scope]]), N_RISK_CELLS, axis=0)]
    else:
        rates = [status_quo_rates(year, scope, mask, rule.risk_adjustment) for year in reference.years]
    zones = layout.territory_names
    active = np.array([not rule.territories or zones[t] in rule.territories for t in layout.cell_territory])
    if rule.provider_kind == "gp_practice" and rule.practice_share < 1:
        draw = hashed_uniform(derived_seed(run_seed, "practices", rule.name), np.arange(layout.n_providers))
        active &= draw[layout.cell_gp] < rule.practice_share  # the same practices in every arm and replication
    return CapitationPlan(rule, scope, rates, active, mask, layout.cell_provider[scope[0]])


def status_quo_rates(year, scope: list[int], mask: int, adjustment: str) -> np.ndarray:
    """A reference year's cost of the scope per enrolee-month, by risk cell or pooled."""
    eligible = (year.conditions & mask) > 0 if mask else None
    rates = year.cell_rates(scope, eligible, insured=True)  # the insurance's money: co-payments end under capitation
    if adjustment == "none":
        use = year.months > 0 if eligible is None else (year.months > 0) & eligible
        rates = pooled(rates, np.bincount(year.cell[use], weights=year.months[use].astype(float), minlength=N_RISK_CELLS))
    return rates
