"""Shared savings: fee-for-service continues; yearly, spending is compared with a risk-adjusted benchmark."""

from __future__ import annotations

import numpy as np

from simulator.scenario.reform import Measurement, SharedSavings


def counted_difference(benchmark: np.ndarray | float, actual: np.ndarray | float, rule: Measurement) -> np.ndarray:
    """Benchmark minus actual as the rule counts it (positive: savings).

    Below the minimum savings rate (as a share of the benchmark) a difference is noise and
    counts as zero; above it, it counts from the first euro. The noise corridor is a
    deductible: that share of the benchmark comes off every difference.
    """
    benchmark, actual = np.asarray(benchmark, float), np.asarray(actual, float)
    difference = benchmark - actual
    counted = np.sign(difference) * np.maximum(np.abs(difference) - rule.noise_corridor * benchmark, 0.0)
    return np.where((np.abs(difference) < rule.minimum_savings_rate * benchmark) | (benchmark <= 0), 0.0, counted)


def shared_savings_payment(benchmark: float, actual: float, quality_ok: bool, agreement_year: int, rule: SharedSavings) -> float:
    """Payment to the providers (negative: they pay back) for one attributed population and year.

    Savings are counted as `counted_difference` says. Savings are shared at the sharing rate
    up to the performance cap, if the quality gate is met. From agreement year
    `upside_only_years` on (0-based, from the zone's first paid year), with a downside,
    losses are paid back at the loss rate up to the loss cap.
    """
    if benchmark <= 0:
        return 0.0
    savings = float(counted_difference(benchmark, actual, rule))
    if savings > 0:
        return min(rule.sharing_rate * savings, rule.performance_cap * benchmark) if quality_ok else 0.0
    if savings < 0 and rule.downside and agreement_year >= rule.upside_only_years:
        return -min(rule.loss_rate * -savings, rule.loss_cap * benchmark)
    return 0.0
