"""Charts for reports, drawn with matplotlib and inlined as SVG: sharp at any zoom, no file, no network.

Every chart is drawn by a function of its tables that returns `draw(ax)`. `figure()` builds
the figure and puts the legend below the axes, outside the plotted area by construction;
`svg()` returns the figure's SVG text, with deterministic ids (the chart's name salts them)
so that reports rerun byte for byte. Transition phases are shaded on every chart over
years, each span an SVG group with id `phase-<kind>-<year>`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from simulator.labels import label

MILLION = 1e6
PHASE_COLOURS = {"baseline": "#ffffff", "virtual": "#e8f0fb", "voluntary": "#fdf0e2", "glide": "#eaf6ea", "mandatory": "#f4e6f4"}
PHASE_NAMES = {"baseline": "status quo", "virtual": "shadow payment", "voluntary": "voluntary", "glide": "glide path",
               "mandatory": "mandatory"}
Phases = Sequence[dict[str, Any]]


def figure(draw: Callable, width: float = 8.0, height: float = 3.8):
    """A matplotlib figure with `draw(ax)` applied and the legend (if any) below the axes.

    A bare `Figure`, not pyplot's: the user's backend and open figures (in a notebook) are left alone.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    draw(ax)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 3), frameon=False, fontsize=9)
    return fig


def svg(name: str, draw: Callable, width: float = 8.0, height: float = 3.8) -> str:
    """The chart as SVG text (no XML header), its ids salted by `name`."""
    from matplotlib import rc_context

    with rc_context({"svg.hashsalt": name, "svg.fonttype": "none", "font.size": 10}):
        fig = figure(draw, width, height)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)
    return text


def mark_phases(ax, phases: Phases, years: Sequence[int]) -> None:
    """Shade each transition phase over the years it covers, with its name above the axes."""
    if not phases or not len(years):
        return
    last = max(years)
    starts = sorted(phases, key=lambda p: p["start_year"])
    for i, phase in enumerate(starts):
        start = max(phase["start_year"], min(years))
        end = starts[i + 1]["start_year"] if i + 1 < len(starts) else last + 1
        if start > last or end <= start:
            continue
        span = ax.axvspan(start - 0.5, end - 0.5, color=PHASE_COLOURS.get(phase["kind"], "#f2f2f2"), zorder=0, lw=0)
        span.set_gid(f"phase-{phase['kind']}-{phase['start_year']}")
        ax.text((start + end - 1) / 2, 1.01, PHASE_NAMES.get(phase["kind"], phase["kind"]), transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, color="#555")


def _years_axis(ax, years: Sequence[int]) -> None:
    ax.set_xticks(list(years), [str(y) for y in years], fontsize=9)
    ax.set_xlim(min(years) - 0.6, max(years) + 0.6)


def impact_by_payer(summary: pd.DataFrame, phases: Phases = ()) -> Callable:
    """Bars of mean impact per payer and year (payers with any impact), the all-payers line, its interval if replicated."""
    def draw(ax) -> None:
        from simulator.budget import payers_with_impact

        impact = summary[summary["figure"] == "impact_eur"]
        payers = payers_with_impact(summary)
        years = sorted(impact["year"].unique())
        mark_phases(ax, phases, years)
        width = 0.8 / max(len(payers), 1)
        for i, payer in enumerate(payers):
            rows = impact[impact["payer"] == payer].set_index("year").reindex(years)
            ax.bar([y + (i - len(payers) / 2 + 0.5) * width for y in years], rows["mean"] / MILLION, width, label=label(payer))
        total = impact[impact["payer"] == "all_payers"].set_index("year").reindex(years)
        ax.plot(years, total["mean"] / MILLION, "k.-", label=label("all_payers"))
        if int(total["replications"].max()) > 1:
            ax.fill_between(years, total["low"] / MILLION, total["high"] / MILLION, color="grey", alpha=0.25,
                            label=f"{total['interval'].iloc[0]:.0%} interval, all payers")
        ax.axhline(0, color="black", lw=0.8)
        _years_axis(ax, years)
        ax.set(ylabel="million EUR (+ costs more, − saves)")
        ax.set_title("Budget impact by payer, reform minus status quo", pad=16)
    return draw


def cumulative_and_npv(summary: pd.DataFrame, phases: Phases = (), discount_rate: float = 0.0) -> Callable:
    """Cumulative and discounted cumulative impact, all payers, with intervals when replicated."""
    def draw(ax) -> None:
        total = summary[summary["payer"] == "all_payers"]
        years = sorted(total["year"].unique())
        mark_phases(ax, phases, years)
        for figure_name, name in (("cumulative_impact_eur", "cumulative"),
                                  ("npv_eur", f"net present value ({discount_rate:.1%} a year)")):
            rows = total[total["figure"] == figure_name].sort_values("year")
            line, = ax.plot(rows["year"], rows["mean"] / MILLION, marker="o", label=name)
            if int(rows["replications"].max()) > 1:
                ax.fill_between(rows["year"], rows["low"] / MILLION, rows["high"] / MILLION, alpha=0.2, color=line.get_color())
        ax.axhline(0, color="black", lw=0.8)
        _years_axis(ax, years)
        ax.set(ylabel="million EUR")
        ax.set_title("Cumulative and discounted impact, all payers (incl. patients)", pad=16)
    return draw


def spending_by_category(annual: pd.DataFrame) -> Callable:
    """Spending over the horizon per category in both arms (mean over replications)."""
    def draw(ax) -> None:
        per_rep = annual.groupby(["replication", "arm", "category"])["amount_eur"].sum()
        table = per_rep.groupby(["arm", "category"]).mean().unstack("arm").fillna(0.0) / MILLION
        table = table.rename(index={"none": "not a service (bonuses, margins, transition)"})
        table = table.rename(index=lambda c: c if c.startswith("not a service") else label(c))
        table = table.sort_values(table.columns[0])
        for i, arm in enumerate(["status_quo", "reform"]):
            if arm in table:
                ax.barh([j + (i - 0.5) * 0.4 for j in range(len(table))], table[arm], 0.4, label=label(arm))
        ax.set_yticks(range(len(table)), list(table.index), fontsize=8)
        ax.set(xlabel="million EUR over the horizon")
        ax.set_title("Spending by category in both arms")
    return draw


def revenue_change(providers: pd.DataFrame) -> Callable:
    """Distribution of providers' revenue change (reform vs status quo, whole horizon) by provider type."""
    def draw(ax) -> None:
        total = providers.groupby(["arm", "kind", "provider"])["revenue_eur"].sum().unstack("arm")
        total = total[total["status_quo"].abs() > 0]
        change = (100 * (total["reform"] / total["status_quo"] - 1)).reset_index(name="change")
        kinds = list(change["kind"].unique())
        ax.boxplot([change.loc[change["kind"] == k, "change"] for k in kinds], tick_labels=[label(k) for k in kinds],
                   orientation="horizontal")
        ax.axvline(0, color="black", lw=0.8)
        ax.set(xlabel="revenue change over the horizon, % (winners right, losers left)")
        ax.set_title("Winners and losers by provider type")
    return draw


def participation(participation: pd.DataFrame, phases: Phases = ()) -> Callable:
    """Share of providers paid under the reform over time, by kind: distinct markers and dashes, so no line hides another."""
    styles = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")]

    def draw(ax) -> None:
        kinds = participation[participation["kind"].isin(("gp_practice", "hospital", "hospital_network", "home_care"))]
        share = kinds.groupby(["year", "kind"])["participating"].mean().unstack("kind") * 100
        years = sorted(share.index)
        mark_phases(ax, phases, years)
        for i, kind in enumerate(share.columns):
            marker, dash = styles[i % len(styles)]
            offset = (i - (len(share.columns) - 1) / 2) * 0.06  # a small shift: equal lines stay visible side by side
            ax.plot([y + offset for y in years], share[kind], marker=marker, linestyle=dash, label=label(kind), ms=6 - i)
        _years_axis(ax, years)
        ax.set(ylabel="% paid under the reform", ylim=(-5, 105))
        ax.set_title("Participation over time", pad=16)
    return draw


def shadow_gains(participation: pd.DataFrame) -> Callable:
    """Mean shadow gain (the basis of the opt-in choice) of GP practices that joined vs those that did not."""
    def draw(ax) -> None:
        gp = participation[(participation["kind"] == "gp_practice") & (participation["phase"] == "voluntary")]
        if gp.empty:
            gp = participation[participation["kind"] == "gp_practice"]
        gains = gp.groupby("participating")["shadow_gain_eur"].mean() / 1e3
        names = {True: "volunteers", False: "others"}
        ax.bar([names[bool(k)] for k in gains.index], gains.to_numpy(), color=["tab:grey", "tab:green"][: len(gains)])
        ax.axhline(0, color="black", lw=0.8)
        ax.set(ylabel="thousand EUR per practice-year")
        ax.set_title("Shadow gain of volunteers and others (GP practices)")
    return draw


def reinvestment(reinvestment: pd.DataFrame, phases: Phases = ()) -> Callable:
    """Reinvested money per year and intervention, stacked."""
    def draw(ax) -> None:
        spend = reinvestment.groupby(["replication", "year", "intervention"])["spend_eur"].sum()
        table = spend.groupby(["year", "intervention"]).mean().unstack("intervention").fillna(0.0) / MILLION
        years = sorted(table.index)
        mark_phases(ax, phases, years)
        bottom = pd.Series(0.0, index=table.index)
        for name in table.columns:
            ax.bar(years, table[name], 0.7, bottom=bottom, label=label(name))
            bottom = bottom + table[name]
        _years_axis(ax, years)
        ax.set(ylabel="million EUR")
        ax.set_title("Savings reinvested in care, by intervention", pad=16)
    return draw


def overlay(series: dict[str, pd.DataFrame], title: str, ylabel: str) -> Callable:
    """Several runs' series by year on one chart: `mean`, and `low`/`high` as a band where given."""
    def draw(ax) -> None:
        for name, values in series.items():
            line, = ax.plot(values.index, values["mean"] / MILLION, marker="o", label=name)
            if "low" in values and (values["high"] > values["low"]).any():
                ax.fill_between(values.index, values["low"] / MILLION, values["high"] / MILLION, alpha=0.15, color=line.get_color())
        ax.axhline(0, color="black", lw=0.8)
        ax.set(xlabel="year", ylabel=ylabel)
        ax.set_title(title)
    return draw
