"""Monthly rates of the care processes that the decision makers read (the kernel computes the same per slot)."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.context import Month
from simulator.care.state import PatientState


def contact_rate(m: Month, state: PatientState, process: str, behaviour: Behaviour | None = None) -> np.ndarray:
    """Monthly Poisson rate per slot: (age curve + condition extras) * propensity * supply response (dead slots included)."""
    rate = np.take(m.contact_grid(process), m.age_mask(state.conditions))
    supply = behaviour.supply.get(process) if behaviour else None
    rate = rate if supply is None else rate * supply[state.cell]
    inside = behaviour.in_episode_contacts.get(process, 1.0) if behaviour else 1.0
    if inside != 1.0 and behaviour.in_episode is not None:  # the episode holder pays for these contacts
        rate = rate * np.where(behaviour.in_episode, np.float32(inside), np.float32(1))
    return rate * m.cohort.propensity


def other_admission_rate(m: Month) -> np.ndarray:
    """Monthly rate of other (not avoidable) classic stays per slot, the same in both arms."""
    t = m.tables
    # the age curve and the age-and-stratum normaliser in one table: one gather a month
    return m.shared("admission_other", lambda: m.age_table(t.admission_other * m.trend("admissions"), t.admission_scale) * m.cohort.admission_frailty)
