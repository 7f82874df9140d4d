"""Phase 3: care seeking and supply. GP, specialist, lab/imaging, emergency contacts and drugs."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.rng import poisson_from_uniform

#: Contact processes and the category each one bills.
CONTACT_PROCESSES: dict[str, str] = {
    "gp": "gp",
    "specialist": "specialist",
    "lab_imaging": "lab_imaging",
    "emergency": "emergency",
    "day_case": "day_case",
}


def contact_rate(m: Month, state: PatientState, process: str) -> np.ndarray:
    """Monthly Poisson rate per slot: (age curve + condition extras) * propensity, zero if not alive."""
    by_age, by_mask = m.tables.contacts[process]
    return (by_age[m.age] + by_mask[state.conditions]) * m.cohort.propensity * state.alive


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """Contacts by inversion of each process's shared uniform; drugs as a monthly volume."""
    for process, category in CONTACT_PROCESSES.items():
        counts = poisson_from_uniform(m.draws.uniform(process), contact_rate(m, state, process))
        activity.counted(category, counts)
    alive = np.flatnonzero(state.alive)
    by_age, by_mask = m.tables.drugs
    conditions = state.conditions[alive]
    activity.add("drugs", alive, (by_age[m.age[alive]] + by_mask[conditions]) * m.cohort.drug_intensity[alive])
