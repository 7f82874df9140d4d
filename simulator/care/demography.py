"""Phase 1: entries (births, immigrants) and deaths by a Gompertz hazard times individual risk."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.care.tables import MAX_AGE


def death_probability(m: Month, state: PatientState) -> np.ndarray:
    """Monthly probability of death per slot (before checking who is alive).

    Gompertz hazard for region, sex and age, times the hazard ratios of the patient's
    conditions and frailty, divided by their mean at that age in the starting population,
    so that life expectancy stays at its target while risk is spread by need.
    """
    c, t = m.cohort, m.tables

    def individual_base() -> np.ndarray:
        return t.death_hazard.reshape(-1)[c.death_key * (MAX_AGE + 1) + m.age] * c.death_frailty / c.death_norm[m.age]

    return np.minimum(m.shared("death", individual_base) * t.death_ratio[state.conditions], 1.0)


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """Deaths among the living, then this month's entrants join."""
    dies = state.alive & (m.draws.uniform("death") < death_probability(m, state))
    activity.deaths = np.flatnonzero(dies)
    state.alive[activity.deaths] = False
    if m.step > 0:
        state.alive[m.cohort.entrants(m.step)] = True
    activity.alive = np.flatnonzero(state.alive)
