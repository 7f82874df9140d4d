"""One month of care in one arm: which slots used which service, and how much."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.accumulate import count_runs
from simulator.categories import CATEGORIES


@dataclass
class Activity:
    """Services and events of one month. Volumes are in each category's unit."""

    slots: dict[str, np.ndarray] = field(default_factory=dict)
    volume: dict[str, np.ndarray] = field(default_factory=dict)
    dense: dict[str, np.ndarray] = field(default_factory=dict)  # a category's volume for every slot (0 where none), if kept
    alive: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # slots alive after demography
    deaths: np.ndarray = field(default_factory=lambda: np.empty(0, np.intp))
    admissions: np.ndarray = field(default_factory=lambda: np.empty(0, np.intp))  # slots with a stay
    stays: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # per admitted slot
    avoidable: np.ndarray = field(default_factory=lambda: np.empty(0, bool))  # first stay avoidable
    readmissions: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # 30-day readmissions per slot
    bed_days: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # per admitted slot
    reason: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))  # first stay's reason (ADMISSION_REASONS)

    def add(self, category: str, slots: np.ndarray, volume: np.ndarray) -> None:
        """Record `volume` units of `category` for `slots`."""
        assert category in CATEGORIES, category
        self.slots[category] = slots
        self.volume[category] = volume

    def residents(self, cell: np.ndarray, n_cells: int) -> np.ndarray:
        """People alive this month per cell (float64 [cell])."""
        out = np.zeros(n_cells)
        count_runs(out, cell, self.alive)
        return out
