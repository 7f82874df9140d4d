"""Who is in a programme's target group: each 1 January, in both arms, the patients' cells carry the flag."""

from __future__ import annotations

import numpy as np

from simulator.care.tables import N_CONDITIONS
from simulator.categories import CONDITION_BIT
from simulator.layout import Layout
from simulator.scenario.programmes import TargetGroup
from simulator.scenario.schema import Scenario


def in_target(group: TargetGroup, age: np.ndarray, bim: np.ndarray, conditions: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """Whether each person meets every criterion of `group` (arrays of one length; `risk` relative to the base year's mean)."""
    keep = (age >= group.age_min) & (age <= group.age_max)
    if group.conditions:
        mask = sum(CONDITION_BIT[c] for c in group.conditions)
        keep &= (conditions & mask) > 0
    if group.min_conditions:
        keep &= N_CONDITIONS[conditions] >= group.min_conditions
    if group.min_risk_score > 0:
        keep &= risk >= group.min_risk_score
    if group.bim != "any":
        keep &= bim == (1 if group.bim == "bim" else 0)
    return keep


class TargetFlags:
    """Sets each living patient's target flag in its cell every January (programme zones only; others are 'rest')."""

    def __init__(self, scenario: Scenario, layout: Layout):
        self.programmes, self.layout = scenario.programmes, layout

    def update(self, state, age: np.ndarray, bim: np.ndarray, cost_index: float) -> None:
        """Re-assess the target groups on the patients' state of 1 January."""
        if not self.programmes:
            return
        lay = self.layout
        alive = np.flatnonzero(state.alive)
        programme = lay.territory_programme[lay.cell_territory[state.cell[alive]]]
        flag = np.zeros(alive.size, np.int8)
        risk = state.risk_score[alive] * np.float32(cost_index)
        for k, p in enumerate(self.programmes):
            here = programme == k
            if here.any():
                rows = np.flatnonzero(here)
                flag[rows] = in_target(p.target_group, age[alive[rows]], bim[alive[rows]], state.conditions[alive[rows]], risk[rows])
        state.cell[alive] = lay.with_target(state.cell[alive], flag)


def reference_members(group: TargetGroup):
    """A function picking a reference year's patients that meet the group's criteria (for the expected cost)."""
    return lambda year: in_target(group, year.age, year.bim, year.conditions, year.risk)
