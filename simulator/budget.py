"""The budget impact: reform minus status quo per payer and year, cumulative, discounted, and over replications."""

from __future__ import annotations

import pandas as pd


def budget_impact_detail(annual: pd.DataFrame) -> pd.DataFrame:
    """Reform minus status quo per replication, year, payer, category, territory and patient group, euros."""
    keys = ["replication", "year", "payer", "category", "territory", "patient_group"]
    table = annual.groupby(keys + ["arm"], sort=True)["amount_eur"].sum().unstack("arm", fill_value=0.0).reset_index()
    table.columns.name = None
    table = table.rename(columns={"status_quo": "status_quo_eur", "reform": "reform_eur"})
    table["impact_eur"] = table["reform_eur"] - table["status_quo_eur"]
    return table[keys + ["status_quo_eur", "reform_eur", "impact_eur"]]


def budget_impact(annual: pd.DataFrame, discount_rate: float = 0.0) -> pd.DataFrame:
    """Reform minus status quo, per replication, year and payer (and 'all_payers'), euros.

    Also cumulative, discounted to the start year at `discount_rate` (end-of-year flows are
    not assumed: year t weighs 1 / (1 + r)^(t - start)), and the cumulative discounted (NPV).
    """
    by_payer = annual.groupby(["replication", "year", "payer", "arm"], sort=True)["amount_eur"].sum().unstack("arm")
    total = by_payer.groupby(level=["replication", "year"]).sum()
    total["payer"] = "all_payers"
    total = total.set_index("payer", append=True)
    table = pd.concat([by_payer, total]).sort_index().reset_index()
    table = table.rename(columns={"status_quo": "status_quo_eur", "reform": "reform_eur"})
    table["impact_eur"] = table["reform_eur"] - table["status_quo_eur"]
    table.columns.name = None
    start = table["year"].min()
    table["discounted_impact_eur"] = table["impact_eur"] / (1 + discount_rate) ** (table["year"] - start)
    by = table.groupby(["replication", "payer"], sort=False)
    table["cumulative_impact_eur"] = by["impact_eur"].cumsum()
    table["npv_eur"] = by["discounted_impact_eur"].cumsum()
    return table[["replication", "year", "payer", "status_quo_eur", "reform_eur", "impact_eur",
                  "cumulative_impact_eur", "discounted_impact_eur", "npv_eur"]]


def budget_summary(impact: pd.DataFrame, interval: float = 0.9) -> pd.DataFrame:
    """Every budget figure over replications: mean and the central `interval` (e.g. 5th-95th percentiles)."""
    figures = ["status_quo_eur", "reform_eur", "impact_eur", "cumulative_impact_eur", "npv_eur"]
    low, high = (1 - interval) / 2, 1 - (1 - interval) / 2
    grouped = impact.groupby(["year", "payer"])[figures]
    long = pd.concat({"mean": grouped.mean(), "low": grouped.quantile(low), "high": grouped.quantile(high)}, names=["statistic"])
    long = long.stack().rename("value").reset_index().rename(columns={"level_3": "figure"})
    table = long.pivot_table(index=["year", "payer", "figure"], columns="statistic", values="value").reset_index()
    table.columns.name = None
    table["interval"] = interval
    table["replications"] = impact["replication"].nunique()
    return table[["year", "payer", "figure", "mean", "low", "high", "interval", "replications"]]


def payers_with_impact(summary: pd.DataFrame) -> list[str]:
    """Payers of a budget summary whose mean impact is not zero in some year (all_payers left out)."""
    impact = summary[summary["figure"] == "impact_eur"]
    moving = impact.groupby("payer")["mean"].apply(lambda v: (v.abs() > 0.5).any())
    return [p for p in impact["payer"].unique() if p != "all_payers" and moving.get(p, False)]
