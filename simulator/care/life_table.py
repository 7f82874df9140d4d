"""Gompertz mortality by region and sex: fitted to life expectancy and to Statbel's crude death rate.

For each region and sex the hazard is mu(x) = A exp(b x). A gives the life expectancy at
birth (Statbel 2023, by sex, plus the regional gap). Unless the scenario fixes b, b is
chosen so that the Statbel 2021 population of that region and sex, dying at these rates,
has the region's crude death rate (Statbel 2019): the level and the age gradient of
mortality then both rest on published figures (mark D).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import brentq

from simulator.categories import REGIONS
from simulator.statbel import single_years, statbel_age_sex

SEXES = ("male", "female")
# Below 0.06 a Gompertz hazard is so flat that deaths move back to young ages and the crude
# rate rises again; human adult mortality rises 6-12 % a year of age.
SLOPE_RANGE = (0.06, 0.2)


def _expectancy(level: float, slope: float) -> float:
    x = np.arange(0.0, 130.0, 0.05)
    survival = np.exp(-level / slope * np.expm1(slope * x))
    return float(np.trapezoid(survival, x))


@lru_cache(maxsize=256)
def gompertz_scale(life_expectancy: float, slope: float) -> float:
    """Gompertz level A such that mu(x) = A exp(slope x) gives this life expectancy at birth."""
    # expectancy falls as A rises: a root in log A
    return float(np.exp(brentq(lambda log_a: _expectancy(np.exp(log_a), slope) - life_expectancy, np.log(1e-12), 0.0, xtol=1e-12)))


def monthly_probability(life_expectancy: float, slope: float, ages: np.ndarray) -> np.ndarray:
    """Monthly death probability at each age (whole years) for a Gompertz hazard."""
    yearly = gompertz_scale(life_expectancy, slope) * np.exp(slope * ages)
    return -np.expm1(-yearly / 12)


def crude_rate(life_expectancy: float, slope: float, population: np.ndarray) -> float:
    """Deaths per 1,000 per year of `population` (by single year of age) at these Gompertz rates."""
    ages = np.arange(population.size, dtype=np.float64)
    return float(1000 * 12 * (population * monthly_probability(life_expectancy, slope, ages)).sum() / population.sum())


@lru_cache(maxsize=64)
def fitted_slope(life_expectancy: float, crude: float, region: str, sex: int, max_age: int) -> float:
    """Gompertz slope giving `crude` deaths per 1,000 in the Statbel population of region and sex.

    The crude rate rises with the slope at a given life expectancy (deaths move from middle
    to old age, where the population is); the root is sought within the schema's bounds.
    """
    population = single_years(statbel_age_sex()[region][:, sex], max_age)
    gap = lambda slope: crude_rate(life_expectancy, slope, population) - crude  # noqa: E731
    lo, hi = SLOPE_RANGE
    if gap(lo) >= 0 or gap(hi) <= 0:
        return lo if gap(lo) >= 0 else hi  # out of reach: the nearest bound
    return float(brentq(gap, lo, hi, xtol=1e-9))


def death_probabilities(mortality, max_age: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - schema.Mortality
    """([region, sex, age] monthly death probability, [region, sex] Gompertz slope)."""
    ages = np.arange(max_age + 1, dtype=np.float64)
    out = np.zeros((len(REGIONS), 2, max_age + 1))
    slopes = np.zeros((len(REGIONS), 2))
    for r, region in enumerate(REGIONS):
        gap = getattr(mortality.region_gap, region)
        for sex, le in enumerate((mortality.life_expectancy_male, mortality.life_expectancy_female)):
            crude = getattr(mortality.crude_death_rate, f"{region}_{SEXES[sex]}")
            slope = mortality.gompertz_slope or fitted_slope(le + gap, crude, region, sex, max_age)
            slopes[r, sex] = slope
            out[r, sex] = monthly_probability(le + gap, slope, ages)
    return out, slopes
