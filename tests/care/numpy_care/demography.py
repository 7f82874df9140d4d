"""Phase 1: entries (births, immigrants) and deaths by a Gompertz hazard times individual risk."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState


def death_probability(m: Month, state: PatientState) -> np.ndarray:
    """Monthly probability of death per slot (before checking who is alive).

    Gompertz probability for region, sex and age (Statbel), times the hazard ratios of the
    patient's conditions and frailty, divided by their mean among the living of that age
    in the stationary cohort, so that age-specific death rates stay on Statbel's while risk
    is spread by need.
    """
    c, t = m.cohort, m.tables
    base = m.shared("death", lambda: t.death_base[m.stratum_age()] * c.death_frailty)
    return np.minimum(base * t.death_ratio[state.conditions], 1.0)


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """Deaths among the living, then this month's entrants join."""
    dies = state.alive & (m.draws.uniform("death") < death_probability(m, state))
    activity.deaths = np.flatnonzero(dies)
    state.alive[activity.deaths] = False
    if m.step > 0:
        state.alive[m.cohort.entrants(m.step)] = True
    activity.alive = np.flatnonzero(state.alive)
