"""Primary-care zones: they hold the agreements, choose coordination effort and decide where savings are reinvested.

- `hold_agreements` (December, before settling): a zone's agreement years (upside-only
  first) count from its first year paid under the reform;
- `decide_effort` (January, once the year's rules are known): coordination effort under a
  shared-savings agreement;
- `decide_reinvestment` (December, once the efficiency gains are measured): how the pot is
  shared among zones and interventions for next year.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator.agents.base import DecisionLog
from simulator.agents.practices import normal_cdf
from simulator.behaviour import EFFORT_GRID, choose_effort, effort_effect
from simulator.layout import Layout
from simulator.scenario.reform import Behaviour, Reinvestment, SharedSavings


class Zones:
    """Every zone's agreement state, coordination effort and reinvestment choice, as arrays indexed by zone."""

    def __init__(self, layout: Layout, log: DecisionLog):
        self.layout, self.log = layout, log
        self.ids = np.arange(layout.n_territories)
        self.first_paid_year = np.full(layout.n_territories, -1)  # year index from which the reform is paid
        self.effort = np.zeros(layout.n_territories)

    def hold_agreements(self, in_force: np.ndarray, year_index: int) -> None:
        """Remember each zone's first paid year (`in_force`: the reform is paid there this year)."""
        first = in_force & (self.first_paid_year < 0)
        self.first_paid_year[first] = year_index

    def agreement_year(self, zone: int, year_index: int) -> int:
        """0 in a zone's first paid year (and before), 1 in the next, and so on."""
        return year_index - self.first_paid_year[zone] if self.first_paid_year[zone] >= 0 else 0

    def decide_effort(self, year: int, rule: SharedSavings, b: Behaviour, covered: np.ndarray, zone_of: np.ndarray,
                      expected_avoidable: np.ndarray, benchmark_rate: np.ndarray, avoidable_cost: float, index: float,
                      weight: float) -> np.ndarray:
        """Coordination effort per zone under shared savings ([zone]).

        Reads, per living resident, its zone, expected avoidable admissions and monthly
        benchmark; a zone weighs its share of the avoided cost times the chance that the saving
        clears the minimum savings rate through the benchmark's error, against the effort's cost.
        """
        n = self.layout.n_territories
        enrolees = np.bincount(zone_of, minlength=n).astype(float) * weight
        avoided = np.bincount(zone_of, weights=expected_avoidable, minlength=n) * avoidable_cost * weight
        benchmark = np.bincount(zone_of, weights=12 * benchmark_rate, minlength=n) * index * weight
        effect = effort_effect(EFFORT_GRID, b.effort_max_effect, b.effort_curvature)[None, :]
        savings_rate = avoided[:, None] * effect / np.maximum(benchmark, 1.0)[:, None]
        sd = rule.benchmark_error_sd
        clear = normal_cdf((savings_rate - rule.minimum_savings_rate) / sd) if sd > 0 else (savings_rate >= rule.minimum_savings_rate).astype(float)
        gain = rule.sharing_rate * avoided * covered
        cost = b.effort_cost_eur * index * enrolees
        self.effort = choose_effort(gain, cost, effect * clear)
        self.log.add(year, "zone", self.ids, "effort", self.effort, expected_gain=gain, cost=cost)
        return self.effort

    def decide_reinvestment(self, year: int, rule: Reinvestment, gain: np.ndarray, residents: np.ndarray,
                            optimise: Callable[[float, np.ndarray], np.ndarray]) -> np.ndarray:
        """Next year's spend per zone and intervention ([zone, intervention]) from this year's gains.

        The pot is `share` of the positive gains; it goes to zones by their gain or by residents,
        then over interventions by their shares, or where the optimiser prevents the most
        avoidable admissions (`optimise(pot, residents)`).
        """
        pot = rule.share * float(gain.sum())
        shares = np.array([i.share for i in rule.interventions], float)
        shares = shares / shares.sum() if shares.sum() > 0 else shares
        if rule.method == "optimise" and pot > 0:
            plan = optimise(pot, residents)
        else:
            weights = gain if rule.method == "proportional_to_savings" else residents
            by_zone = pot * weights / weights.sum() if weights.sum() > 0 else np.zeros(self.layout.n_territories)
            plan = by_zone[:, None] * shares[None, :]
        self.log.add(year, "zone", self.ids, "reinvestment", plan.sum(axis=1), expected_gain=gain)
        return plan
