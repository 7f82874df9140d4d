"""Phase 2: onset of chronic conditions at the rate that keeps prevalence by age on its curve (see `care.equilibrium`)."""

from __future__ import annotations

import numpy as np

from simulator.care.context import Month
from simulator.care.state import PatientState


def step(m: Month, state: PatientState) -> None:
    """One uniform per slot decides whether a condition starts; a second picks which one."""
    t, c = m.tables, m.cohort
    key = m.stratum_age()
    candidates = np.flatnonzero(state.alive & (m.draws.uniform("onset") < t.onset_total[key] * c.condition_mult))
    if not candidates.size:
        return
    ages, strata = m.age[candidates], c.stratum[candidates]
    rates = t.onset[strata, :, ages].T  # [condition, candidate]
    share = np.cumsum(rates, axis=0) / np.maximum(t.onset_total[key[candidates]], 1e-12)
    pick = (m.draws.at("onset_which", candidates)[None, :] >= share).sum(axis=0)
    pick = np.minimum(pick, t.onset.shape[1] - 1).astype(np.uint8)
    state.conditions[candidates] |= np.left_shift(np.uint8(1), pick)
