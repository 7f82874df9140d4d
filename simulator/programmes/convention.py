"""A convention's calendar: the share of each simulated month it covers, and when a year's measure falls due."""

from __future__ import annotations

import calendar
import datetime

import numpy as np

from simulator.scenario.programmes import Convention


def month_shares(convention: Convention, start_year: int, n_months: int) -> np.ndarray:
    """[month step] share of the month's days inside the convention (with its extension), 0 outside."""
    out = np.zeros(n_months)
    for step in range(n_months):
        year, month = start_year + step // 12, step % 12 + 1
        days = calendar.monthrange(year, month)[1]
        first, last = datetime.date(year, month, 1), datetime.date(year, month, days)
        inside = (min(last, convention.last_day) - max(first, convention.start)).days + 1
        out[step] = max(inside, 0) / days
    return out


def due_step(year_index: int, lag_quarters: int) -> int:
    """Month step in which year `year_index`'s measure is known and settled: the end of the lag after the year's end."""
    return 12 * year_index + 11 + 3 * lag_quarters


def funded_year(year_index: int, lag_quarters: int) -> int:
    """Year index from whose January a gain measured in `year_index` can be reinvested: the January after it is known."""
    return due_step(year_index, lag_quarters) // 12 + 1
