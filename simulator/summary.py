"""The short text summary printed after a run."""

from __future__ import annotations

import pandas as pd

from simulator.targets import base_year_fit


def impact_by_year(budget_impact: pd.DataFrame) -> pd.DataFrame:
    """All payers: mean over replications, with the 5th and 95th percentiles when there are several."""
    total = budget_impact[budget_impact["payer"] == "all_payers"]
    grouped = total.groupby("year")
    table = pd.DataFrame({
        "status_quo_MEUR": grouped["status_quo_eur"].mean() / 1e6,
        "reform_MEUR": grouped["reform_eur"].mean() / 1e6,
        "impact_MEUR": grouped["impact_eur"].mean() / 1e6,
    })
    if total["replication"].nunique() > 1:
        table["impact_p5_MEUR"] = grouped["impact_eur"].quantile(0.05) / 1e6
        table["impact_p95_MEUR"] = grouped["impact_eur"].quantile(0.95) / 1e6
    return table


def render(tables: dict[str, pd.DataFrame], title: str) -> str:
    """Budget impact by year, then the base year against published figures."""
    impact = impact_by_year(tables["budget_impact"])
    fit = base_year_fit(tables["indicators"])
    lines = [f"== {title}", "", "Budget impact, all payers (million EUR, reform minus status quo):",
             impact.to_string(float_format=lambda v: f"{v:,.2f}"), "",
             "Base year, status quo, against published figures:"]
    shown = fit.assign(relative_error=fit["relative_error"].map(lambda v: f"{v:+.1%}"))
    lines.append(shown[["indicator", "model", "target", "relative_error"]].to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    return "\n".join(lines)
