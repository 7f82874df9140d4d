"""Phase 4: acute classic stays (avoidable, readmissions, other) and their length of stay."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.rates import other_admission_rate
from simulator.care.state import PatientState
from simulator.categories import FIRST_AVOIDABLE_REASON, REASON_INDEX
from tests.care.numpy_care.draws import poisson_sparse

MAX_STAY = 180
MAX_STAYS_PER_MONTH = 3  # classic stays of at least a day each, with time at home between them


def admission_rates(m: Month, state: PatientState, behaviour: Behaviour) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly rates per slot: avoidable (care-sensitive conditions), after-discharge, other."""
    t = m.tables
    trend = m.trend("admissions")
    avoidable = (t.admission_avoidable * trend)[state.conditions] * m.avoidable_frailty()
    if behaviour.avoidable is not None:
        avoidable = avoidable * behaviour.avoidable[state.cell]
    after_discharge = (state.last_discharge == m.step - 1) * np.float32(m.scenario.hospital.readmission_rate / 12)
    if behaviour.in_episode is not None and behaviour.in_episode_readmission != 1.0:
        after_discharge = after_discharge * np.where(behaviour.in_episode, np.float32(behaviour.in_episode_readmission), np.float32(1))
    if behaviour.readmission is not None:
        after_discharge = after_discharge * behaviour.readmission[state.cell]
    other = other_admission_rate(m)
    if behaviour.admission is not None:
        avoidable = avoidable * behaviour.admission[state.cell]
        other = other * behaviour.admission[state.cell]
    if behaviour.other_admission is not None:
        other = other * behaviour.other_admission[state.cell]
    return avoidable, after_discharge, other


def admission_reason(m: Month, state: PatientState, slots: np.ndarray, avoidable_first: np.ndarray) -> np.ndarray:
    """Reason of the month's first stay: the condition behind an avoidable one; else hip/knee, stroke or other."""
    reason = np.zeros(slots.size, np.int8)
    v = m.draws.at("admission_reason", slots)
    rates = m.tables.avoidable_by_condition[:, state.conditions[slots]]  # [condition, stay]
    if avoidable_first.any():
        share = np.cumsum(rates[:, avoidable_first], axis=0) / np.maximum(rates[:, avoidable_first].sum(axis=0), 1e-12)
        which = np.minimum((v[avoidable_first][None, :] >= share).sum(axis=0), rates.shape[0] - 1)
        reason[avoidable_first] = FIRST_AVOIDABLE_REASON + which
    h = m.scenario.hospital
    older = ~avoidable_first & (m.age[slots] >= 50)
    reason[older & (v < h.hip_knee_share)] = REASON_INDEX["hip_knee"]
    reason[older & (v >= h.hip_knee_share) & (v < h.hip_knee_share + h.stroke_share)] = REASON_INDEX["stroke"]
    return reason


def length_of_stay(m: Month, slots: np.ndarray, stay: int = 0) -> np.ndarray:
    """Lognormal days around the median for age and frailty: the `stay`-th stay of the month per slot (unrounded)."""
    u1, u2 = m.draws.at(f"los_radius_{stay}", slots), m.draws.at(f"los_angle_{stay}", slots)
    z = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
    frailty = m.cohort.stay_frailty[slots] * m.tables.stay_scale[m.stratum_age()[slots]]
    return m.tables.los_median[m.age[slots]] * frailty * np.exp(m.scenario.hospital.los_sigma * z)


def step(m: Month, state: PatientState, activity: Activity, behaviour: Behaviour) -> None:
    """Admissions per patient-month are Poisson by inversion of one shared uniform (at most three).

    The first stay's kind is read from where the uniform falls (avoidable below the
    avoidable share of P(at least one)); further stays in the same month, and any stay in
    the month after a discharge, are 30-day readmissions.
    """
    avoidable, after_discharge, other = admission_rates(m, state, behaviour)
    total = avoidable + after_discharge + other
    u = m.draws.uniform("admission")
    admitted, n = poisson_sparse(u, total, m.draws.exponential("admission"))
    living = state.alive[admitted]
    admitted, n = admitted[living], n[living]
    n = np.minimum(n, MAX_STAYS_PER_MONTH)
    # given at least one stay, u is uniform on [exp(-total), 1): its position there picks the first stay's kind
    position = (1.0 - u[admitted]) / np.maximum(-np.expm1(-total[admitted]), 1e-12)
    activity.admissions = admitted
    activity.stays = n
    activity.avoidable = position * total[admitted] < avoidable[admitted]
    activity.readmissions = (state.last_discharge[admitted] == m.step - 1) + (n - 1)
    activity.reason = admission_reason(m, state, admitted, activity.avoidable)
    days = length_of_stay(m, admitted)
    for stay in range(1, int(n.max(initial=1))):
        more = np.flatnonzero(n > stay)
        days[more] += length_of_stay(m, admitted[more], stay)
    if behaviour.length_of_stay is not None:
        days *= behaviour.length_of_stay[state.cell[admitted]]
    if behaviour.episode_length_of_stay is not None:
        days *= behaviour.episode_length_of_stay[activity.reason]
    days = np.clip(np.rint(days), n, MAX_STAY * n).astype(np.int32)  # at least a day per stay
    activity.bed_days = days
    state.last_discharge[admitted] = m.step
    activity.add("inpatient_stay", admitted, days)
    activity.add("inpatient_fees", admitted, n)
