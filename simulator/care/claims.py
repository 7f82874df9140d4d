"""Phase 6: every service becomes a claim, summed per category and billing cell."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.categories import CATEGORIES


def claims_by_cell(activity: Activity, cell: np.ndarray, n_cells: int) -> np.ndarray:
    """Volume[category, cell] of the month's activity."""
    volume = np.zeros((len(CATEGORIES), n_cells))
    for i, category in enumerate(CATEGORIES):
        slots = activity.slots.get(category)
        if slots is not None and slots.size:
            volume[i] = np.bincount(cell[slots], weights=activity.volume[category], minlength=n_cells)
    return volume


def add_patient_value(spend: np.ndarray, activity: Activity, unit_value: np.ndarray, bim: np.ndarray) -> None:
    """Add each patient's claims, valued at `unit_value[category, bim]`, to `spend` (in place)."""
    for i, category in enumerate(CATEGORIES):
        slots = activity.slots.get(category)
        if slots is not None and slots.size:
            spend[slots] += activity.volume[category] * unit_value[i][bim[slots]]
