"""What every monthly process reads: the month, the population, the tables, the draws."""

from __future__ import annotations

from dataclasses import dataclass

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
