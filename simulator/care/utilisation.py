"""Phase 3: care seeking and supply. GP, specialist, lab/imaging, emergency contacts and drugs."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.rng import poisson_sparse

#: Contact processes and the category each one bills.
CONTACT_PROCESSES: dict[str, str] = {
    "gp": "gp",
    "specialist": "specialist",
    "lab_imaging": "lab_imaging",
    "emergency": "emergency",
    "day_case": "day_case",
}


def contact_rate(m: Month, state: PatientState, process: str) -> np.ndarray:
    """Monthly Poisson rate per slot: (age curve + condition extras) * propensity (dead slots included)."""
    return m.contact_base(process) + m.tables.contacts[process][1][state.conditions] * m.cohort.propensity


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """Contacts by inversion of each process's shared uniform; drugs as a monthly volume."""
    for process, category in CONTACT_PROCESSES.items():
        slots, counts = poisson_sparse(m.draws.uniform(process), contact_rate(m, state, process), m.draws.exponential(process))
        living = state.alive[slots]
        activity.add(category, slots[living], counts[living])
    volume = m.drug_base() + m.tables.drugs[1][state.conditions] * m.cohort.drug_intensity
    activity.add("drugs", activity.alive, volume[activity.alive])
