"""What every monthly process reads: the month, the population, the tables, the draws."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator.care.tables import MAX_AGE, N_MASKS, CareTables
from simulator.observe import N_AGE_BANDS, age_band
from simulator.population import Cohort
from simulator.rng import MonthlyDraws
from simulator.scenario import Scenario


@dataclass(frozen=True)
class Month:
    """The shared inputs of one month (identical in both arms)."""

    step: int  # months since January of the start year
    age: np.ndarray  # uint8 age in years per slot
    cohort: Cohort
    tables: CareTables
    draws: MonthlyDraws
    scenario: Scenario
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)  # one shared array may need another

    def shared(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """An array that depends only on the month and the cohort, computed once for both arms (which may ask at once,
        from their threads)."""
        value = self._cache.get(key)
        if value is None:
            with self._lock:
                value = self._cache.get(key)
                if value is None:
                    value = self._cache[key] = compute()
        return value

    def stratum_age(self) -> np.ndarray:
        """Row of the [stratum, age] tables per slot (flat index, int32), computed once a month."""
        return self.shared("stratum_age", lambda: self.cohort.stratum.astype(np.int32) * (MAX_AGE + 1) + self.age)

    def age_table(self, by_age: np.ndarray, by_stratum_age: np.ndarray) -> np.ndarray:
        """by_age[age] * by_stratum_age[stratum, age] per slot, through one combined table."""
        combined = (by_stratum_age.reshape(-1, MAX_AGE + 1) * by_age[None, :]).ravel().astype(np.float32)
        return combined[self.stratum_age()]

    def age_band(self) -> np.ndarray:
        """Five-year age band per slot (for age-standardised indicators)."""
        return self.shared("age_band", lambda: age_band(self.age))

    def group_band(self) -> np.ndarray:
        """Counter row per slot: patient group x five-year age band (int32; the observer's key)."""
        return self.shared("group_band", lambda: self.cohort.group.astype(np.int32) * np.int32(N_AGE_BANDS) + self.age_band())

    def admission_frailty(self) -> np.ndarray:
        """Admission frailty relative to the mean of the living at the same age and stratum."""
        return self.shared("admission_frailty", lambda: self.cohort.admission_frailty * self.tables.admission_scale[self.stratum_age()])

    def trend(self, name: str) -> np.float32:
        """The declared secular trend of `name` (scenario `[trends]`), compounded to this month's year."""
        return np.float32((1 + getattr(self.scenario.trends, name)) ** (self.step // 12))

    def contacts(self, process: str) -> tuple[np.ndarray, np.ndarray]:
        """([age], [mask]) monthly rates of a contact process, with its secular trend."""
        by_age, by_mask = self.tables.contacts[process]
        factor = self.trend(process)
        return (by_age, by_mask) if factor == 1 else (by_age * factor, by_mask * factor)

    def avoidable_frailty(self) -> np.ndarray:
        """Admission frailty relative to its mean among those at avoidable risk at the same age and stratum."""
        return self.shared("avoidable_frailty", lambda: self.cohort.admission_frailty * self.tables.avoidable_scale[self.stratum_age()])

    def contact_grid(self, process: str) -> np.ndarray:
        """Monthly rate of a contact process before propensity, [age * 128 + condition mask] (with its trend)."""
        by_age, by_mask = self.contacts(process)
        return self.shared(f"grid:{process}", lambda: (by_age[:, None] + by_mask[None, :]).ravel())

    def age_mask(self, conditions: np.ndarray) -> np.ndarray:
        """Row of `contact_grid` per slot: age * 128 + condition mask (int32)."""
        return self.age.astype(np.int32) * np.int32(N_MASKS) + conditions
