"""Phase 6: every service becomes a claim, summed per category and billing cell."""

from __future__ import annotations

import numpy as np

from simulator.accumulate import add_dense, add_runs, add_scaled, add_where
from simulator.care.activity import Activity
from simulator.categories import CATEGORIES


def claims_by_cell(activity: Activity, cell: np.ndarray, n_cells: int, categories: tuple[int, ...] | None = None,
                   covered: np.ndarray | None = None) -> np.ndarray:
    """Volume[category, cell] of the month's activity, optionally only `categories` and slots where `covered`."""
    volume = np.zeros((len(CATEGORIES), n_cells))
    for i, category in enumerate(CATEGORIES):
        slots = activity.slots.get(category)
        if slots is None or not slots.size or (categories is not None and i not in categories):
            continue
        dense = activity.dense.get(category)
        if dense is not None and covered is None:
            add_dense(volume[i], cell, dense)
        elif covered is not None:
            add_where(volume[i], cell, slots, activity.volume[category], covered)
        else:
            add_runs(volume[i], cell, slots, activity.volume[category])
    return volume


def value_by_slot(activity: Activity, unit_value: np.ndarray, categories: tuple[int, ...], size: int) -> np.ndarray:
    """Claims value per slot over `categories`, at `unit_value[category]` euros per unit."""
    value = np.zeros(size)
    for i in categories:
        slots = activity.slots.get(CATEGORIES[i])
        if slots is not None and slots.size:
            add_scaled(value, slots, activity.volume[CATEGORIES[i]], float(unit_value[i]))
    return value
