"""Pay for performance: a yearly bonus per quality indicator reached, measured per GP practice."""

from __future__ import annotations

import numpy as np

#: Indicators where a lower value is better.
LOWER_IS_BETTER = {"avoidable_admissions_per_1000", "readmission_rate"}


def p4p_bonus(indicator: str, values: np.ndarray, target: float, bonus_per_enrolee: float, enrolee_years: np.ndarray) -> np.ndarray:
    """Bonus per provider: bonus x enrolee-years where the target is reached (NaN values never reach it)."""
    values = np.asarray(values, float)
    reached = values <= target if indicator in LOWER_IS_BETTER else values >= target
    return np.where(reached & ~np.isnan(values), bonus_per_enrolee * np.asarray(enrolee_years, float), 0.0)


def practice_indicators(cell_gp: np.ndarray, n_providers: int, persons: np.ndarray, users: np.ndarray,
                        cell_counts: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each practice's indicators over the cells given, and its enrolee-years.

    `persons`, `users`: [cell] people present in the year and those with a GP contact; `cell_counts`:
    [person-months, admissions, avoidable admissions, readmissions, ...] per cell (zero outside the cells measured).
    """
    by_gp = lambda weights: np.bincount(cell_gp, weights=weights, minlength=n_providers)  # noqa: E731
    people, using, months, admissions = by_gp(persons), by_gp(users), by_gp(cell_counts[0]), by_gp(cell_counts[1])
    values = {
        "gp_contact_coverage": np.where(people > 0, using / np.maximum(people, 1), np.nan),
        "avoidable_admissions_per_1000": np.where(months > 0, by_gp(cell_counts[2]) / np.maximum(months / 12, 1e-12) * 1000, np.nan),
        "readmission_rate": np.where(admissions > 0, by_gp(cell_counts[3]) / np.maximum(admissions, 1e-12), np.nan),
    }
    return values, months / 12


def practice_cells(amount: np.ndarray, cell_gp: np.ndarray, months: np.ndarray) -> np.ndarray:
    """[cell] each practice's `amount` spread over its cells by their person-months (`months`, zero outside those paid)."""
    total = np.bincount(cell_gp, weights=months, minlength=amount.size)
    return amount[cell_gp] * months / np.maximum(total[cell_gp], 1e-12)
