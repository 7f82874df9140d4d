"""`simsim compare`: several runs side by side, with intervals, a breakdown by payer, and what makes them incomparable."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from simulator import charts
from simulator.labels import label
from simulator.report.page import chart, note, page, section, table

COLUMNS = ["run", "payer", "years", "status_quo_MEUR", "reform_MEUR", "impact_MEUR", "impact_low_MEUR", "impact_high_MEUR",
           "npv_MEUR", "replications"]


def distinct_labels(names: list[str], parents: list[str]) -> list[str]:
    """The runs' names, made distinct: a repeated name gets its parent folder, then a number."""
    out: list[str] = []
    for name, parent in zip(names, parents):
        candidate = name if names.count(name) == 1 else f"{name} ({parent})"
        n = 2
        base = candidate
        while candidate in out:
            candidate, n = f"{base} #{n}", n + 1
        out.append(candidate)
    return out


def _setting(manifest: dict[str, Any], what: str) -> Any:
    s = manifest.get("scenario", {})
    run, population = s.get("run", {}), s.get("population", {})
    return {"size": (population.get("size"), population.get("sample_fraction")), "seed": run.get("seed"),
            "horizon": (run.get("start_year"), run.get("end_year")), "replications": run.get("replications"),
            "zones": tuple((t.get("name"), t.get("inhabitants")) for t in s.get("territories", []))}[what]


def comparison(runs: dict[str, dict[str, pd.DataFrame]], manifests: dict[str, dict[str, Any]] | None = None,
               interval: float = 0.9) -> tuple[pd.DataFrame, list[str], list[int]]:
    """Per run and payer, over the years all runs share: totals, impact with its interval, NPV; notes on what differs."""
    manifests = manifests or {}
    shared = sorted(set.intersection(*[set(t["budget_summary"]["year"]) for t in runs.values()]))
    notes = []
    for name, t in runs.items():
        extra = sorted(set(t["budget_summary"]["year"]) - set(shared))
        if extra:
            notes.append(f"{name}: years {extra[0]}-{extra[-1]} are not in every run and are left out")
    zones = [set(t["annual"]["territory"]) for t in runs.values()]
    for name, t in runs.items():
        only = sorted(set(t["annual"]["territory"]) - set.intersection(*zones))
        if only:
            notes.append(f"{name}: zones {', '.join(only)} are not in every run; money figures include them")
    low, high = (1 - interval) / 2, 1 - (1 - interval) / 2
    rows = []
    for name, t in runs.items():
        impact = t["budget_impact"][t["budget_impact"]["year"].isin(shared)]
        for payer, g in impact.groupby("payer", sort=False):
            per_rep = g.groupby("replication")[["status_quo_eur", "reform_eur", "impact_eur", "discounted_impact_eur"]].sum()
            if payer != "all_payers" and not (per_rep.abs() > 0.5).any().any():
                continue
            rows.append({"run": name, "payer": payer, "years": f"{shared[0]}-{shared[-1]}" if shared else "",
                         "status_quo_MEUR": per_rep["status_quo_eur"].mean() / 1e6, "reform_MEUR": per_rep["reform_eur"].mean() / 1e6,
                         "impact_MEUR": per_rep["impact_eur"].mean() / 1e6, "impact_low_MEUR": per_rep["impact_eur"].quantile(low) / 1e6,
                         "impact_high_MEUR": per_rep["impact_eur"].quantile(high) / 1e6,
                         "npv_MEUR": per_rep["discounted_impact_eur"].mean() / 1e6, "replications": len(per_rep)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["_order"] = frame["payer"] != "all_payers"
    frame = frame.sort_values(["_order", "run"], kind="stable").drop(columns="_order").reset_index(drop=True)
    notes += status_quo_notes(frame, manifests)
    return frame, notes, shared


def status_quo_notes(frame: pd.DataFrame, manifests: dict[str, dict[str, Any]]) -> list[str]:
    """A notice when the runs' status-quo totals differ, with the settings that explain it."""
    totals = frame[frame["payer"] == "all_payers"].set_index("run")["status_quo_MEUR"]
    if len(totals) < 2 or (totals.max() - totals.min()) <= 1e-9 * max(abs(totals.max()), 1.0):
        return []
    differ = [what for what in ("size", "seed", "horizon", "replications", "zones")
              if len({repr(_setting(m, what)) for m in manifests.values()}) > 1] if len(manifests) == len(totals) else []
    why = ("they differ in " + ", ".join(differ)) if differ else "the settings in their manifests do not say why (another model version?)"
    spread = ", ".join(f"{name}: {value:,.1f}" for name, value in totals.items())
    return [f"the status-quo totals differ between runs (million EUR: {spread}): {why}. Impacts are each against its own "
            "status quo; compare them with care"]


def render_comparison(runs: dict[str, dict[str, pd.DataFrame]], manifests: dict[str, dict[str, Any]] | None = None
                      ) -> tuple[str, pd.DataFrame, list[str]]:
    """compare.html, the comparison table and the notes."""
    frame, notes, shared = comparison(runs, manifests)

    def yearly(t: dict[str, pd.DataFrame], column: str) -> pd.DataFrame:
        impact = t["budget_impact"]
        total = impact[(impact["payer"] == "all_payers") & impact["year"].isin(shared)]
        per = total.groupby(["replication", "year"])[column].sum()
        by = per.groupby("year")
        return pd.DataFrame({"mean": by.mean(), "low": by.quantile(0.05), "high": by.quantile(0.95)})

    impact = {name: yearly(t, "impact_eur") for name, t in runs.items()}
    cumulative = {name: yearly(t, "cumulative_impact_eur") for name, t in runs.items()}
    shown = frame.assign(payer=frame["payer"].map(label)).rename(columns={
        "status_quo_MEUR": "status quo", "reform_MEUR": "reform", "impact_MEUR": "impact", "impact_low_MEUR": "impact, low (5 %)",
        "impact_high_MEUR": "impact, high (95 %)", "npv_MEUR": "net present value"})
    body = ["<h1>simsim: comparison</h1>",
            note("Million EUR over the years every run covers; reform minus status quo (positive: costs more). Intervals: the "
                 "central 90 % over each run's replications (or PSA runs)."),
            section("Figures by run and payer", table(shown, "comparison", 1)),
            section("Notes", "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>" if notes
                    else note("All runs cover the same years and zones, on the same status quo.")),
            section("Budget impact by year", chart("compare_impact", charts.overlay(impact, "Budget impact, all payers", "million EUR"))),
            section("Cumulative impact", chart("compare_cumulative", charts.overlay(cumulative, "Cumulative impact, all payers",
                                                                                     "million EUR")))]
    return page("simsim: comparison", "\n".join(body)), frame, notes
