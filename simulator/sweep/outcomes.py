"""Scalar outcomes of one run, read from its tables (one replication per run)."""

from __future__ import annotations

import math

import pandas as pd

from simulator.sweep.spec import Outcome


def _years(table: pd.DataFrame, year: int | str) -> pd.DataFrame:
    if year == "all":
        return table
    chosen = int(table["year"].max()) if year == "last" else int(year)
    if chosen not in set(table["year"].astype(int)):
        raise ValueError(f"year {chosen} is not simulated (years {int(table['year'].min())}-{int(table['year'].max())})")
    return table[table["year"] == chosen]


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def budget_impact(tables: dict[str, pd.DataFrame], o: Outcome) -> float:
    t = tables["budget_impact"]
    t = t[t["payer"] == o.payer]
    if t.empty:
        raise ValueError(f"payer {o.payer!r} not in the budget_impact table")
    if o.year == "all" and o.figure in ("cumulative_impact_eur", "npv_eur"):
        return float(t.loc[t["year"] == t["year"].max(), o.figure].sum())
    return float(_years(t, o.year)[o.figure].sum())


def indicator(tables: dict[str, pd.DataFrame], o: Outcome) -> float:
    t = tables["indicators"]
    t = t[(t["indicator"] == o.indicator) & (t["territory"] == o.territory) & (t["patient_group"] == o.patient_group)]
    if t.empty:
        raise ValueError(f"no indicator {o.indicator!r} for territory {o.territory!r} and group {o.patient_group!r}")
    t = _years(t, o.year)

    def value(arm: str) -> float:
        rows = t[t["arm"] == arm]
        return _ratio(rows["numerator"].sum(), rows["denominator"].sum()) if o.year == "all" else float(rows["value"].mean())

    return value("reform") - value("status_quo") if o.arm == "difference" else value(o.arm)


def participation(tables: dict[str, pd.DataFrame], o: Outcome) -> float:
    t = tables["participation"]
    if o.kind:
        t = t[t["kind"] == o.kind]
    if t.empty:
        return 0.0  # no transition: nobody is asked to take part
    return float(_years(t, o.year)["participating"].astype(float).mean())


def provider_revenue_change(tables: dict[str, pd.DataFrame], o: Outcome) -> float:
    t = tables["providers"]
    t = _years(t[t["kind"] == o.kind], o.year)
    if t.empty:
        raise ValueError(f"no providers of kind {o.kind!r}")
    by_arm = t.groupby("arm")["revenue_eur"].sum()
    return _ratio(by_arm.get("reform", 0.0) - by_arm.get("status_quo", 0.0), by_arm.get("status_quo", 0.0))


def spending(tables: dict[str, pd.DataFrame], o: Outcome) -> float:
    t = _years(tables["annual"], o.year)
    if o.payer != "all_payers":
        t = t[t["payer"] == o.payer]
    if o.category:
        t = t[t["category"] == o.category]
    by_arm = t.groupby("arm")["amount_eur"].sum()
    if o.arm == "difference":
        return float(by_arm.get("reform", 0.0) - by_arm.get("status_quo", 0.0))
    return float(by_arm.get(o.arm, 0.0))


READERS = {"budget_impact": budget_impact, "indicator": indicator, "participation": participation,
           "provider_revenue_change": provider_revenue_change, "spending": spending}


def measure(tables: dict[str, pd.DataFrame], outcome: Outcome) -> float:
    """The outcome's value in a run's tables."""
    return READERS[outcome.of](tables, outcome)


def measure_each(tables: dict[str, pd.DataFrame], outcome: Outcome) -> pd.Series:
    """The outcome of every replication of a run of several (a PSA's runs too), indexed by the tables' replication number."""
    numbers = sorted(int(r) for r in tables["budget_impact"]["replication"].unique())
    values = {}
    for r in numbers:
        one = {name: t[t["replication"] == r] if "replication" in t.columns else t for name, t in tables.items()}
        values[r] = measure(one, outcome)
    return pd.Series(values, name=outcome.name).rename_axis("replication")
