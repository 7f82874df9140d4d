"""Shared savings: fee-for-service continues; yearly, spending is compared with a risk-adjusted benchmark."""

from __future__ import annotations

from simulator.scenario.reform import SharedSavings


def shared_savings_payment(benchmark: float, actual: float, quality_ok: bool, agreement_year: int, rule: SharedSavings) -> float:
    """Payment to the providers (negative: they pay back) for one attributed population and year.

    Savings = benchmark - actual. Below the minimum savings rate nothing moves. Savings
    are shared at the sharing rate up to the performance cap, if the quality gate is
    met. From agreement year `upside_only_years` on (0-based), with a downside, losses
    beyond the minimum rate are paid back at the loss rate up to the loss cap.
    """
    if benchmark <= 0:
        return 0.0
    savings = benchmark - actual
    if abs(savings) < rule.minimum_savings_rate * benchmark:
        return 0.0
    if savings > 0:
        return min(rule.sharing_rate * savings, rule.performance_cap * benchmark) if quality_ok else 0.0
    if rule.downside and agreement_year >= rule.upside_only_years:
        return -min(rule.loss_rate * -savings, rule.loss_cap * benchmark)
    return 0.0
