"""Phase 4: acute classic stays (avoidable, readmissions, other) and their length of stay."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.rng import poisson_sparse

MAX_STAY = 180


def admission_rates(m: Month, state: PatientState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly rates per slot: avoidable (care-sensitive conditions), after-discharge, other."""
    t, c = m.tables, m.cohort
    avoidable = t.admission_avoidable[state.conditions] * c.admission_frailty
    after_discharge = (state.last_discharge == m.step - 1) * np.float32(m.scenario.hospital.readmission_rate / 12)
    other = m.shared("admission_other", lambda: t.admission_other[m.age] * c.admission_frailty)
    return avoidable, after_discharge, other


def length_of_stay(m: Month, slots: np.ndarray, stay: int = 0) -> np.ndarray:
    """Lognormal days around the median for age and frailty: the `stay`-th stay of the month per slot."""
    u1, u2 = m.draws.at(f"los_radius_{stay}", slots), m.draws.at(f"los_angle_{stay}", slots)
    z = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
    days = m.tables.los_median[m.age[slots]] * m.cohort.stay_frailty[slots] * np.exp(m.scenario.hospital.los_sigma * z)
    return np.clip(np.rint(days), 1, MAX_STAY).astype(np.int32)


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """Admissions per patient-month are Poisson by inversion of one shared uniform.

    The first stay's kind is read from where the uniform falls (avoidable below the
    avoidable share of P(at least one)); further stays in the same month, and any stay in
    the month after a discharge, are 30-day readmissions.
    """
    avoidable, after_discharge, other = admission_rates(m, state)
    total = avoidable + after_discharge + other
    u = m.draws.uniform("admission")
    admitted, n = poisson_sparse(u, total, m.draws.exponential("admission"))
    living = state.alive[admitted]
    admitted, n = admitted[living], n[living]
    share = -np.expm1(-total[admitted]) / np.maximum(total[admitted], 1e-12)
    activity.admissions = admitted
    activity.stays = n
    activity.avoidable = u[admitted] < avoidable[admitted] * share
    activity.readmissions = (state.last_discharge[admitted] == m.step - 1) + (n - 1)
    days = length_of_stay(m, admitted)
    for stay in range(1, int(n.max(initial=1))):
        more = np.flatnonzero(n > stay)
        days[more] += length_of_stay(m, admitted[more], stay)
    activity.bed_days = days
    state.last_discharge[admitted] = m.step
    activity.add("inpatient_stay", admitted, days)
    activity.add("inpatient_fees", admitted, n)
