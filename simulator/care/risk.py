"""Risk score: expected cost from what a payer observes (age and recorded conditions).

Like a risk adjuster's prediction, it leaves out frailty and care propensity, which the
payer cannot see; 1.0 is the average patient alive at the start of the year.
"""

from __future__ import annotations

import numpy as np

from simulator.care.tables import N_CONDITIONS, CareTables
from simulator.scenario import Scenario

#: Risk cells: age band x sex x BIM x recorded condition count (0, 1, 2, 3+), as in capitation formulas.
AGE_BAND_EDGES = np.array([5, 15, 45, 65, 75, 85])
N_AGE_BANDS = AGE_BAND_EDGES.size + 1
N_RISK_CELLS = N_AGE_BANDS * 2 * 2 * 4


def risk_cell(age: np.ndarray, sex: np.ndarray, bim: np.ndarray, condition_count: np.ndarray) -> np.ndarray:
    """Risk cell index per patient (int16)."""
    band = np.searchsorted(AGE_BAND_EDGES, age, side="right")
    count = np.minimum(condition_count, 3)
    return (((band * 2 + sex) * 2 + bim) * 4 + count).astype(np.int16)


def condition_count(conditions: np.ndarray) -> np.ndarray:
    """Number of followed conditions per patient."""
    return N_CONDITIONS[conditions]


def expected_monthly_cost(tables: CareTables, scenario: Scenario, age: np.ndarray, conditions: np.ndarray) -> np.ndarray:
    """Expected claims value per month (price-year tariffs) for each (age, condition mask), read from `cost_table`."""
    return cost_table(tables, scenario)[age, conditions]


def cost_table(tables: CareTables, scenario: Scenario) -> np.ndarray:
    """Expected claims value per month [age, condition mask] (float64): every contact process at its tariff, drugs,
    and admissions at their fees and mean stay."""
    price = scenario.tariffs.unit_price
    age = np.arange(tables.los_median.size)[:, None]
    conditions = np.arange(tables.admission_avoidable.size)[None, :]
    cost = np.zeros((age.size, conditions.size), np.float64)
    for process in tables.contacts:  # every contact process, named as the category it bills
        by_age, by_mask = tables.contacts[process]
        unit = getattr(price, process)
        if process == "gp":  # a practice's contacts, some of them the practice nurse's
            share = scenario.primary_care.practice_nurse_share
            unit = (1 - share) * unit + share * price.practice_nurse
        cost += (by_age[age] + by_mask[conditions]) * unit
    cost += (tables.drugs[0][age] + tables.drugs[1][conditions]) * price.drugs
    admissions = tables.admission_other[age] + tables.admission_avoidable[conditions]
    mean_stay = tables.los_median[age] * np.exp(scenario.hospital.los_sigma**2 / 2)
    cost += admissions * (price.inpatient_fees + mean_stay * price.inpatient_stay)
    return cost


def risk_scores(tables: CareTables, scenario: Scenario, age: np.ndarray, conditions: np.ndarray,
                alive: np.ndarray) -> tuple[np.ndarray, float]:
    """(expected cost relative to the mean over the living, float32 and 0 for the others; that mean in euros a month)."""
    cost = expected_monthly_cost(tables, scenario, age, conditions)
    mean = float(cost[alive].mean()) if alive.any() else 1.0
    return np.where(alive, cost / mean, 0.0).astype(np.float32), mean
