"""The short text summary printed after a run."""

from __future__ import annotations

import pandas as pd

from simulator.targets import base_year_fit


def impact_by_year(summary: pd.DataFrame) -> pd.DataFrame:
    """All payers, million EUR: means over replications, with the interval of the impact when there are several."""
    total = summary[summary["payer"] == "all_payers"].pivot_table(index="year", columns="figure", values=["mean", "low", "high"])
    table = pd.DataFrame({
        "status_quo": total["mean"]["status_quo_eur"], "reform": total["mean"]["reform_eur"],
        "impact": total["mean"]["impact_eur"], "cumulative": total["mean"]["cumulative_impact_eur"], "npv": total["mean"]["npv_eur"],
    }) / 1e6
    if summary["replications"].iloc[0] > 1:
        share = summary["interval"].iloc[0]
        table[f"impact_low_{share:.0%}"] = total["low"]["impact_eur"] / 1e6
        table[f"impact_high_{share:.0%}"] = total["high"]["impact_eur"] / 1e6
    return table


def by_mechanism(annual: pd.DataFrame) -> pd.DataFrame:
    """Reform arm, all payers: million EUR per year and payment mechanism (mean over replications)."""
    reform = annual[annual["arm"] == "reform"]
    per_rep = reform.groupby(["replication", "year", "mechanism"])["amount_eur"].sum()
    return per_rep.groupby(["year", "mechanism"]).mean().unstack("mechanism").fillna(0.0) / 1e6


def settlements_by_year(settlements: pd.DataFrame) -> pd.DataFrame:
    """Yearly settlement totals per mechanism and measure (mean over replications), money in million EUR."""
    money = settlements[settlements["measure"].str.endswith("_eur") & ~settlements["measure"].str.startswith("price")].copy()
    shadow = (money["measure"] == "payment_eur") & ~money["paid"].astype(bool)
    money.loc[shadow, "measure"] = "shadow_payment_eur"  # settled on paper only (not in the ledger)
    per_rep = money.groupby(["replication", "year", "mechanism", "measure"])["value"].sum()
    table = per_rep.groupby(["year", "mechanism", "measure"]).mean().unstack(["mechanism", "measure"]) / 1e6
    table.columns = [f"{m}:{k.removesuffix('_eur')}" for m, k in table.columns]
    return table


def participation_by_year(participation: pd.DataFrame) -> pd.DataFrame:
    """Share of providers paid under the reform, per year and provider kind (mean over replications)."""
    kinds = participation[participation["kind"].isin(("gp_practice", "hospital", "hospital_network", "home_care"))]
    return kinds.groupby(["year", "kind"])["participating"].mean().unstack("kind")


def render(tables: dict[str, pd.DataFrame], title: str) -> str:
    """Budget impact by year, money by mechanism, settlements, then the base year against published figures."""
    impact = impact_by_year(tables["budget_summary"])
    fit = base_year_fit(tables["indicators"])
    money = lambda v: f"{v:,.2f}"  # noqa: E731
    lines = [f"== {title}", "", "Budget impact, all payers (million EUR, reform minus status quo):",
             impact.to_string(float_format=money), "",
             "Reform arm by payment mechanism (million EUR):", by_mechanism(tables["annual"]).to_string(float_format=money), ""]
    if len(tables.get("participation", [])):
        lines += ["Providers paid under the reform (share, by kind):", participation_by_year(tables["participation"]).to_string(
            float_format=lambda v: f"{v:.0%}"), ""]
    if len(tables.get("reinvestment", [])):
        spent = tables["reinvestment"].groupby(["replication", "year"])["spend_eur"].sum().groupby("year").mean() / 1e6
        lines += ["Savings reinvested in care (million EUR):", spent.to_frame("reinvested").to_string(float_format=money), ""]
    if len(tables.get("settlements", [])):
        lines += ["Settlements (million EUR):", settlements_by_year(tables["settlements"]).to_string(float_format=money), ""]
    lines += ["Base year, status quo, against published figures:"]
    shown = fit.assign(relative_error=fit["relative_error"].map(lambda v: f"{v:+.1%}"))
    lines.append(shown[["indicator", "model", "target", "relative_error"]].to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    return "\n".join(lines)
