"""Statbel's population structure (1 January 2021), by region, sex and age."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from simulator.categories import REGIONS

OLDEST_BAND_MEAN_YEARS = 6.0  # years above 85: exponential with this mean, truncated at 20 years (U)


@lru_cache(maxsize=1)
def _counts() -> np.ndarray:
    text = resources.files("simulator.data").joinpath("statbel_population_2021.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith(("#", "age_band"))]
    return np.array([[int(v) for v in row[1:]] for row in rows], dtype=np.float64)


def statbel_age_sex() -> dict[str, np.ndarray]:
    """Statbel 1 Jan 2021 counts per region: array [age band (18), sex (m, f)]."""
    counts = _counts()
    return {region: counts[:, 2 * i : 2 * i + 2].copy() for i, region in enumerate(REGIONS)}


def single_years(band_counts: np.ndarray, max_age: int) -> np.ndarray:
    """Counts by single year of age 0..max_age from 18 five-year bands (85+ spread as in synthesis)."""
    out = np.zeros(max_age + 1)
    for band in range(17):
        out[5 * band : 5 * band + 5] = band_counts[band] / 5
    years = np.arange(max_age + 1 - 85)  # truncated exponential at 20 years, integrated over each year
    tail = -np.diff(np.exp(-np.minimum(np.arange(years.size + 1), 20) / OLDEST_BAND_MEAN_YEARS))
    out[85:] = band_counts[17] * tail / tail.sum()
    return out
