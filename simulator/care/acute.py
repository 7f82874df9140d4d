"""Phase 4: acute classic stays (avoidable, readmissions, other) and their length of stay."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState

MAX_STAY = 180


def admission_rates(m: Month, state: PatientState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly rates per slot: avoidable (care-sensitive conditions), after-discharge, other."""
    t, c = m.tables, m.cohort
    avoidable = t.admission_avoidable[state.conditions] * c.admission_frailty
    after_discharge = (state.last_discharge == m.step - 1) * np.float32(m.scenario.hospital.readmission_rate / 12)
    other = t.admission_other[m.age] * c.admission_frailty
    return avoidable, after_discharge, other


def length_of_stay(m: Month, slots: np.ndarray) -> np.ndarray:
    """Lognormal days around the median for age and frailty, from two hashed uniforms per stay."""
    u1, u2 = m.draws.at("los_radius", slots), m.draws.at("los_angle", slots)
    z = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
    days = m.tables.los_median[m.age[slots]] * m.cohort.stay_frailty[slots] * np.exp(m.scenario.hospital.los_sigma * z)
    return np.clip(np.rint(days), 1, MAX_STAY).astype(np.int32)


def step(m: Month, state: PatientState, activity: Activity) -> None:
    """At most one classic admission per patient-month; the uniform's position says which kind."""
    avoidable, after_discharge, other = admission_rates(m, state)
    total = avoidable + after_discharge + other
    probability = -np.expm1(-total)
    u = m.draws.uniform("admission")
    admitted = np.flatnonzero(state.alive & (u < probability))
    scale = probability[admitted] / np.maximum(total[admitted], 1e-12)
    u_a = u[admitted]
    activity.admissions = admitted
    activity.avoidable = u_a < avoidable[admitted] * scale
    activity.readmission = state.last_discharge[admitted] == m.step - 1
    los = length_of_stay(m, admitted)
    activity.length_of_stay = los
    state.last_discharge[admitted] = m.step
    activity.add("inpatient_stay", admitted, los)
    activity.add("inpatient_fees", admitted, np.ones(admitted.size, np.int32))
