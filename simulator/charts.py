"""Charts for reports, drawn with matplotlib (Agg) and inlined as base64 PNG: no file, no network."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import pandas as pd

MILLION = 1e6


def inline_png(draw: Callable, width: float = 7.5, height: float = 3.6) -> str:
    """Run `draw(ax)` on a new figure and return it as a data: URL."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=90)
    try:
        draw(ax)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def impact_by_payer(summary: pd.DataFrame) -> Callable:
    """Bars of mean impact per payer and year, with the all-payers interval as a band."""
    def draw(ax) -> None:
        impact = summary[summary["figure"] == "impact_eur"]
        payers = [p for p in impact["payer"].unique() if p != "all_payers"]
        years = sorted(impact["year"].unique())
        width = 0.8 / max(len(payers), 1)
        for i, payer in enumerate(payers):
            rows = impact[impact["payer"] == payer].set_index("year").reindex(years)
            ax.bar([y + (i - len(payers) / 2 + 0.5) * width for y in years], rows["mean"] / MILLION, width, label=payer)
        total = impact[impact["payer"] == "all_payers"].set_index("year").reindex(years)
        ax.plot(years, total["mean"] / MILLION, "k.-", label="all payers")
        ax.fill_between(years, total["low"] / MILLION, total["high"] / MILLION, color="grey", alpha=0.25,
                        label=f"{total['interval'].iloc[0]:.0%} interval")
        ax.axhline(0, color="black", lw=0.8)
        ax.set(xlabel="year", ylabel="million EUR", title="Budget impact by payer (reform minus status quo)")
        ax.legend(fontsize=7)
    return draw


def cumulative_and_npv(summary: pd.DataFrame) -> Callable:
    """Cumulative and discounted cumulative impact, all payers, with intervals."""
    def draw(ax) -> None:
        total = summary[summary["payer"] == "all_payers"]
        for figure, label in (("cumulative_impact_eur", "cumulative"), ("npv_eur", "net present value")):
            rows = total[total["figure"] == figure].sort_values("year")
            ax.plot(rows["year"], rows["mean"] / MILLION, marker="o", label=label)
            ax.fill_between(rows["year"], rows["low"] / MILLION, rows["high"] / MILLION, alpha=0.2)
        ax.axhline(0, color="black", lw=0.8)
        ax.set(xlabel="year", ylabel="million EUR", title="Cumulative and discounted impact, all payers")
        ax.legend(fontsize=8)
    return draw


def spending_by_category(annual: pd.DataFrame) -> Callable:
    """Spending over the horizon per category in both arms (mean over replications)."""
    def draw(ax) -> None:
        per_rep = annual.groupby(["replication", "arm", "category"])["amount_eur"].sum()
        table = per_rep.groupby(["arm", "category"]).mean().unstack("arm").fillna(0.0) / MILLION
        table = table.rename(index={"none": "not a service (bonuses, margins, transition)"})
        table = table.sort_values(table.columns[0])
        table.plot.barh(ax=ax)
        ax.set(xlabel="million EUR over the horizon", ylabel="", title="Spending by category in both arms")
        ax.legend(fontsize=8)
    return draw


def revenue_change(providers: pd.DataFrame) -> Callable:
    """Distribution of providers' revenue change (reform vs status quo, whole horizon) by provider type."""
    def draw(ax) -> None:
        total = providers.groupby(["arm", "kind", "provider"])["revenue_eur"].sum().unstack("arm")
        total = total[total["status_quo"].abs() > 0]
        change = (100 * (total["reform"] / total["status_quo"] - 1)).reset_index(name="change")
        kinds = [k for k in change["kind"].unique()]
        ax.boxplot([change.loc[change["kind"] == k, "change"] for k in kinds], tick_labels=kinds, orientation="horizontal")
        ax.axvline(0, color="black", lw=0.8)
        ax.set(xlabel="revenue change, % (winners right, losers left)", title="Winners and losers by provider type")
    return draw


def participation(participation: pd.DataFrame, shadow: pd.DataFrame) -> Callable:
    """Share of providers paid under the reform over time, by kind."""
    def draw(ax) -> None:
        kinds = participation[participation["kind"].isin(("gp_practice", "hospital", "hospital_network", "home_care"))]
        share = kinds.groupby(["year", "kind"])["participating"].mean().unstack("kind") * 100
        share.plot(ax=ax, marker="o")
        ax.set(xlabel="year", ylabel="% paid under the reform", title="Participation over time", ylim=(-5, 105))
        ax.legend(fontsize=8)
    return draw


def shadow_gains(participation: pd.DataFrame) -> Callable:
    """Mean shadow gain (the basis of the opt-in choice) of GP practices that joined vs those that did not."""
    def draw(ax) -> None:
        gp = participation[(participation["kind"] == "gp_practice") & (participation["phase"] == "voluntary")]
        if gp.empty:
            gp = participation[participation["kind"] == "gp_practice"]
        gains = gp.groupby("participating")["shadow_gain_eur"].mean() / 1e3
        labels = {True: "volunteers", False: "others"}
        ax.bar([labels[bool(k)] for k in gains.index], gains.to_numpy(), color=["tab:grey", "tab:green"][: len(gains)])
        ax.axhline(0, color="black", lw=0.8)
        ax.set(ylabel="thousand EUR per practice-year", title="Shadow gain of volunteers and others (GP practices)")
    return draw


def reinvestment(reinvestment: pd.DataFrame) -> Callable:
    """Reinvested money per year and intervention."""
    def draw(ax) -> None:
        spend = reinvestment.groupby(["replication", "year", "intervention"])["spend_eur"].sum()
        spend.groupby(["year", "intervention"]).mean().unstack("intervention").div(MILLION).plot.bar(ax=ax, stacked=True)
        ax.set(xlabel="year", ylabel="million EUR", title="Savings reinvested in care, by intervention")
        ax.legend(fontsize=8)
    return draw


def overlay(series: dict[str, pd.Series], title: str, ylabel: str) -> Callable:
    """Several runs' series by year on one chart."""
    def draw(ax) -> None:
        for label, values in series.items():
            ax.plot(values.index, values.to_numpy() / MILLION, marker="o", label=label)
        ax.axhline(0, color="black", lw=0.8)
        ax.set(xlabel="year", ylabel=ylabel, title=title)
        ax.legend(fontsize=8)
    return draw
