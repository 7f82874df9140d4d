"""Phase 3: care seeking and supply. GP, specialist, lab/imaging, emergency, physiotherapy and practice-nurse contacts, day cases and drugs."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from tests.care.numpy_care.draws import binomial_from_uniform, poisson_scaled

#: Contact processes and the category each one bills.
CONTACT_PROCESSES: dict[str, str] = {
    "gp": "gp",
    "specialist": "specialist",
    "lab_imaging": "lab_imaging",
    "emergency": "emergency",
    "day_case": "day_case",
    "physiotherapy": "physiotherapy",
}


def _before_propensity(m: Month, state: PatientState, process: str, behaviour: Behaviour | None,
                       age_mask: np.ndarray | None = None) -> np.ndarray:
    """The contact rate before the patient's propensity (`simulator.care.rates.contact_rate`)."""
    index = m.age_mask(state.conditions) if age_mask is None else age_mask
    rate = np.take(m.contact_grid(process), index)
    supply = behaviour.supply.get(CONTACT_PROCESSES[process]) if behaviour else None
    rate = rate if supply is None else rate * supply[state.cell]
    inside = behaviour.in_episode_contacts.get(process, 1.0) if behaviour else 1.0
    if inside != 1.0 and behaviour.in_episode is not None:  # the episode holder pays for these contacts
        rate = rate * np.where(behaviour.in_episode, np.float32(inside), np.float32(1))
    return rate


def step(m: Month, state: PatientState, activity: Activity, behaviour: Behaviour) -> None:
    """Contacts by inversion of each process's shared uniform; drugs as a monthly volume."""
    age_mask = m.age_mask(state.conditions)
    for process, category in CONTACT_PROCESSES.items():
        rate = _before_propensity(m, state, process, behaviour, age_mask)
        threshold = m.shared(f"threshold:{process}", lambda: m.draws.exponential(process) / np.maximum(m.cohort.propensity, np.float32(1e-30)))
        slots, counts = poisson_scaled(m.draws.uniform(process), rate, threshold, m.cohort.propensity)
        living = state.alive[slots]
        slots, counts = slots[living], counts[living]
        if process == "gp":  # the practice's contacts: some are the practice nurse's
            slots, counts = _nurse_contacts(m, state, activity, behaviour, slots, counts)
        activity.add(category, slots, counts)
    base = m.shared("drugs", lambda: m.tables.drugs[0][m.age] * m.trend("drugs") * m.cohort.drug_intensity)
    volume = base + m.tables.drugs[1][state.conditions] * (m.trend("drugs") * m.cohort.drug_intensity)
    activity.add("drugs", activity.alive, volume[activity.alive])
    activity.dense["drugs"] = np.where(state.alive, volume, np.float32(0))  # everyone alive has some: kept dense too


def _nurse_contacts(m: Month, state: PatientState, activity: Activity, behaviour: Behaviour, slots: np.ndarray,
                    counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a practice's contacts between GP and practice nurse: the status-quo nurse share, plus what a team delegates.

    Records the nurse's contacts and returns the GP's (slots with at least one, their counts).
    """
    share = np.float64(m.scenario.primary_care.practice_nurse_share)
    p = np.full(slots.size, share)
    if behaviour.nurse_delegation is not None:
        p = share + (1 - share) * behaviour.nurse_delegation[state.cell[slots]]
    u = m.draws.uniform("practice_nurse")[slots]
    nurse = (u < p).astype(np.int32)  # one contact: the nurse's with chance p
    several = np.flatnonzero(counts > 1)
    if several.size:
        nurse[several] = binomial_from_uniform(u[several], counts[several], p[several])
    seen = nurse > 0
    activity.add("practice_nurse", slots[seen], nurse[seen])
    gp = counts - nurse
    keep = gp > 0
    return slots[keep], gp[keep]
