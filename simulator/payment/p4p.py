"""Pay for performance: a yearly bonus per quality indicator reached."""

from __future__ import annotations

import numpy as np

#: Indicators where a lower value is better.
LOWER_IS_BETTER = {"avoidable_admissions_per_1000", "readmission_rate"}


def p4p_bonus(indicator: str, values: np.ndarray, target: float, bonus_per_enrolee: float, enrolee_years: np.ndarray) -> np.ndarray:
    """Bonus per provider: bonus x enrolee-years where the target is reached (NaN values never reach it)."""
    values = np.asarray(values, float)
    reached = values <= target if indicator in LOWER_IS_BETTER else values >= target
    return np.where(reached & ~np.isnan(values), bonus_per_enrolee * np.asarray(enrolee_years, float), 0.0)
