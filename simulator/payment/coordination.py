"""Coordination funding: a yearly amount per zone for integration management (integrated-care pilots, seed 001)."""

from __future__ import annotations

import numpy as np

from simulator.scenario.reform import CoordinationFunding


def yearly_amount(rule: CoordinationFunding, year: int) -> float:
    """Euros per funded zone in `year`: the amount uprated from its own price year."""
    return rule.eur_per_territory * (1 + rule.indexation) ** (year - rule.price_year)


def monthly_by_cell(rule: CoordinationFunding, year: int, funded_zone: np.ndarray, residents: np.ndarray,
                    cell_territory: np.ndarray, weight: float) -> np.ndarray:
    """This month's twelfth of each funded zone's amount, over its cells by residents, at the simulated scale."""
    per_zone = np.bincount(cell_territory, weights=residents, minlength=funded_zone.size)
    share = residents / np.maximum(per_zone[cell_territory], 1e-12)
    return funded_zone[cell_territory] * yearly_amount(rule, year) / 12 * share / weight
