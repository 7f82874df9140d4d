"""What changes for a patient over time, held separately for each arm."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.population import Cohort

NO_DISCHARGE = -1_000_000


@dataclass
class PatientState:
    """Per-arm patient arrays, one row per cohort slot."""

    alive: np.ndarray  # bool: entered and not dead
    conditions: np.ndarray  # uint8 mask of chronic conditions
    last_discharge: np.ndarray  # int32 month of the last discharge
    home_nursing: np.ndarray  # bool: in a home-nursing spell
    nursing_home: np.ndarray  # bool: resident of a nursing home
    risk_score: np.ndarray | None  # float32: expected cost from age and conditions, 1 = average (held through January's decisions)
    cell: np.ndarray  # int32 billing cell; starts as the cohort's, may change by risk selection

    @classmethod
    def from_cohort(cls, cohort: Cohort) -> PatientState:
        return cls(
            alive=cohort.entry_month == 0,
            conditions=cohort.conditions.copy(),
            last_discharge=np.full(cohort.capacity, NO_DISCHARGE, np.int32),
            home_nursing=cohort.home_nursing.copy(),
            nursing_home=cohort.nursing_home.copy(),
            risk_score=None,
            cell=cohort.cell.copy(),
        )
