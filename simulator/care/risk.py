"""Risk score: expected cost from what a payer observes (age and recorded conditions).

Like a risk adjuster's prediction, it leaves out frailty and care propensity, which the
payer cannot see; 1.0 is the average patient alive at the start of the year.
"""

from __future__ import annotations

import numba
import numpy as np

from simulator.care.tables import N_CONDITIONS, CareTables
from simulator.scenario import Scenario

#: Risk cells: age band x sex x BIM x recorded condition count (0, 1, 2, 3+), as in capitation formulas.
AGE_BAND_EDGES = np.array([5, 15, 45, 65, 75, 85])
N_AGE_BANDS = AGE_BAND_EDGES.size + 1
N_RISK_CELLS = N_AGE_BANDS * 2 * 2 * 4
_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}


def risk_cell(age: np.ndarray, sex: np.ndarray, bim: np.ndarray, condition_count: np.ndarray) -> np.ndarray:
    """Risk cell index per patient (int16): ((age band x 2 + sex) x 2 + BIM) x 4 + min(condition count, 3)."""
    return _risk_cells(AGE_BAND_EDGES, age, sex, bim, condition_count)


@numba.njit(**_JIT)
def _risk_cells(edges, age, sex, bim, count):
    """`risk_cell` in one pass (no int64 temporaries: at national scale each is 100 MB an arm)."""
    out = np.empty(age.size, np.int16)
    for s in range(age.size):
        band = 0
        for e in edges:  # np.searchsorted(edges, age, side="right")
            band += e <= age[s]
        out[s] = ((band * 2 + sex[s]) * 2 + bim[s]) * 4 + min(count[s], 3)
    return out


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
    table = cost_table(tables, scenario)
    living = _living_costs(table, age, conditions, alive)
    mean = float(living.mean()) if living.size else 1.0  # numpy's (pairwise) sum, over the living in slot order
    return _scores(table, age, conditions, alive, mean), mean


@numba.njit(**_JIT)
def _living_costs(table, age, conditions, alive):
    """`expected_monthly_cost(...)[alive]` without the whole float64 array."""
    out = np.empty(np.count_nonzero(alive))
    k = 0
    for s in range(alive.size):
        if alive[s]:
            out[k] = table[age[s], conditions[s]]
            k += 1
    return out


@numba.njit(**_JIT)
def _scores(table, age, conditions, alive, mean):
    """`np.where(alive, cost / mean, 0.0).astype(np.float32)` with each cost read from `table`."""
    out = np.empty(alive.size, np.float32)
    for s in range(alive.size):
        out[s] = table[age[s], conditions[s]] / mean if alive[s] else 0.0
    return out
