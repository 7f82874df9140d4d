"""Capitation: a rate per enrolee per month for a scope of categories, risk-adjusted by cells."""

from __future__ import annotations

import numpy as np

from simulator.care.risk import N_RISK_CELLS


def capitation_amount(months_by_risk_cell: np.ndarray, rate_by_risk_cell: np.ndarray, weight: float, index: float) -> np.ndarray:
    """Euros per scope category: sum over risk cells of enrolee-months x rate, times blend weight and price index.

    `rate_by_risk_cell` is [risk cell, scope category] at price-year prices.
    """
    return weight * index * (np.asarray(months_by_risk_cell, float) @ np.asarray(rate_by_risk_cell, float))


def pooled(rates: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Unadjusted rates: the enrolee-month weighted mean of cell rates, the same for every cell."""
    mean = (rates * months[:, None]).sum(axis=0) / max(float(months.sum()), 1.0)
    return np.repeat(mean[None, :], N_RISK_CELLS, axis=0)
