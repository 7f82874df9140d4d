"""What every monthly process reads: the month, the population, the tables, the draws."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator.care.tables import CareTables
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

    def shared(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """An array that depends only on the month and the cohort, computed once for both arms."""
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = compute()
        return value

    def contact_base(self, process: str) -> np.ndarray:
        """Age part of a contact process's monthly rate times propensity."""
        return self.shared(f"contact:{process}", lambda: self.tables.contacts[process][0][self.age] * self.cohort.propensity)

    def drug_base(self) -> np.ndarray:
        """Age part of the monthly drug volume times drug intensity."""
        return self.shared("drugs", lambda: self.tables.drugs[0][self.age] * self.cohort.drug_intensity)
