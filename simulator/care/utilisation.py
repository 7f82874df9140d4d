"""Phase 3: care seeking and supply. GP, specialist, lab/imaging, emergency contacts and drugs."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
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


def contact_rate(m: Month, state: PatientState, process: str, behaviour: Behaviour | None = None) -> np.ndarray:
    """Monthly Poisson rate per slot: (age curve + condition extras) * propensity * supply response (dead slots included)."""
    rate = m.contact_base(process) + m.contacts(process)[1][state.conditions] * m.cohort.propensity
    supply = behaviour.supply.get(CONTACT_PROCESSES[process]) if behaviour else None
    rate = rate if supply is None else rate * supply[state.cell]
    if process == "emergency" and behaviour and behaviour.in_episode is not None and behaviour.in_episode_emergency != 1.0:
        rate = rate * np.where(behaviour.in_episode, np.float32(behaviour.in_episode_emergency), np.float32(1))
    return rate


def step(m: Month, state: PatientState, activity: Activity, behaviour: Behaviour) -> None:
    """Contacts by inversion of each process's shared uniform; drugs as a monthly volume."""
    for process, category in CONTACT_PROCESSES.items():
        rate = contact_rate(m, state, process, behaviour)
        slots, counts = poisson_sparse(m.draws.uniform(process), rate, m.draws.exponential(process))
        living = state.alive[slots]
        activity.add(category, slots[living], counts[living])
    volume = m.drug_base() + m.tables.drugs[1][state.conditions] * (m.trend("drugs") * m.cohort.drug_intensity)
    activity.add("drugs", activity.alive, volume[activity.alive])
