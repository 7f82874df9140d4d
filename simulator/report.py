"""Self-contained HTML reports: one per run (`report.html`) and side-by-side comparisons (`compare.html`).

Everything is inlined (charts as PNG data URLs, styles in the page); nothing is fetched. Each
headline number carries `data-value` with the unrounded figure from the tables.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import charts
from simulator.output import write_atomically

TABLES = ("annual", "indicators", "providers", "budget_impact", "budget_summary", "settlements", "shadow_statements",
          "participation", "reinvestment")

STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:64em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}img.chart{max-width:100%;display:block;margin:1em 0}
.note{color:#666;font-size:.85em}pre{font-size:.75em;background:#f6f6f6;padding:1em;overflow:auto}"""

#: Quintuple Aim: aim -> indicators (the Belgian evaluation frame since 2021).
QUINTUPLE_AIM = {
    "health": ["admissions_per_1000", "avoidable_admissions_per_1000", "readmission_rate", "mortality_per_1000"],
    "experience": ["gp_contact_coverage", "out_of_pocket_per_capita"],
    "cost": ["insurance_spending_per_capita"],
    "equity": ["avoidable_admissions_per_1000", "out_of_pocket_per_capita"],
    "professional well-being": ["gp_contacts_per_capita", "length_of_stay"],
}


def read_run(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Tables and manifest of a run folder; a damaged file is a plain error naming it."""
    from simulator.output import read_folder_file

    tables = {name: read_folder_file(folder / f"{name}.parquet", pd.read_parquet)
              for name in TABLES if (folder / f"{name}.parquet").exists()}
    return tables, read_folder_file(folder / "manifest.json", lambda p: json.loads(p.read_text(encoding="utf-8")))


def number(value: float, unit: str = "MEUR") -> str:
    """A table cell showing a rounded figure, with the exact one in data-value."""
    shown = f"{value / 1e6:,.1f}" if unit == "MEUR" else f"{value:,.3f}"
    return f'<td data-value="{value!r}">{shown}</td>'


def frame_html(frame: pd.DataFrame, digits: int = 2) -> str:
    """A DataFrame as a plain HTML table."""
    return frame.to_html(float_format=lambda v: f"{v:,.{digits}f}", border=0, na_rep="")


def headline(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Mean over replications, all payers: impact in the first and last year, cumulative, NPV at the horizon."""
    summary = tables["budget_summary"]
    total = summary[summary["payer"] == "all_payers"].pivot_table(index="year", columns="figure", values="mean")
    first, last = total.index.min(), total.index.max()
    return pd.DataFrame({
        "figure": [f"impact {first}", f"impact {last}", f"cumulative impact {first}-{last}", f"net present value {first}-{last}",
                   f"status-quo spending {first}"],
        "value": [total.loc[first, "impact_eur"], total.loc[last, "impact_eur"], total.loc[last, "cumulative_impact_eur"],
                  total.loc[last, "npv_eur"], total.loc[first, "status_quo_eur"]],
        "key": ["impact_first", "impact_last", "cumulative", "npv", "status_quo_first"],
    })


def quintuple_aim(indicators: pd.DataFrame) -> pd.DataFrame:
    """Last year, both arms: each aim's indicators, the BIM minus non-BIM gap and the spread between zones (reform arm)."""
    last = indicators[indicators["year"] == indicators["year"].max()]
    mean = last.groupby(["arm", "territory", "patient_group", "indicator"])["value"].mean()
    rows = []
    for aim, names in QUINTUPLE_AIM.items():
        for name in names:
            def at(arm: str, territory: str = "all", group: str = "all") -> float:
                return float(mean.get((arm, territory, group, name), float("nan")))
            zones = [at("reform", t) for t in last["territory"].unique() if t != "all"]
            rows.append({"aim": aim, "indicator": name, "status quo": at("status_quo"), "reform": at("reform"),
                         "difference": at("reform") - at("status_quo"),
                         "BIM gap (reform)": at("reform", group="bim") - at("reform", group="non_bim"),
                         "zone spread (reform)": max(zones) - min(zones) if zones else float("nan")})
    return pd.DataFrame(rows)


def section(title: str, body: str) -> str:
    return f"<h2>{html.escape(title)}</h2>\n{body}\n"


def chart(name: str, draw) -> str:
    return f'<img class="chart" id="{name}" alt="{html.escape(name)}" src="{charts.inline_png(draw)}">'


def render_run(tables: dict[str, pd.DataFrame], manifest: dict[str, Any]) -> str:
    """The whole report page of one run."""
    scenario = manifest["scenario"]
    run, reform = scenario["run"], scenario["reform"]
    head = headline(tables)
    rows = "".join(f'<tr data-key="{k}"><td>{html.escape(f)}</td>{number(v)}</tr>' for f, v, k in head.itertuples(index=False))
    parts = [f"<h1>{html.escape(run['name'])}: {html.escape(reform['label'])} vs status quo</h1>",
             f'<p class="note">{html.escape(run.get("description", ""))} {run["start_year"]}-{run["end_year"]}, '
             f'{run["replications"]} replication(s); money in million EUR, mean over replications.</p>',
             section("Headline", f'<table id="headline"><tr><th>figure</th><th>million EUR</th></tr>{rows}</table>'),
             section("Budget impact", chart("impact_by_payer", charts.impact_by_payer(tables["budget_summary"]))
                     + chart("cumulative", charts.cumulative_and_npv(tables["budget_summary"]))),
             section("Spending by category", chart("categories", charts.spending_by_category(tables["annual"]))),
             section("Providers: winners and losers", chart("revenue_change", charts.revenue_change(tables["providers"])))]
    part = tables.get("participation")
    if part is not None and len(part):
        parts.append(section("Transition", chart("participation", charts.participation(part, tables["shadow_statements"]))
                             + chart("shadow_gains", charts.shadow_gains(part))))
    else:
        parts.append(section("Transition", '<p class="note">No transition phases: the reform applies from the start.</p>'))
    parts.append(section("Settlements: measured against true savings", settlements_html(tables.get("settlements"))))
    reinvested = tables.get("reinvestment")
    if reinvested is not None and len(reinvested) and reinvested["spend_eur"].sum() > 0:
        parts.append(section("Reinvestment", chart("reinvestment", charts.reinvestment(reinvested))))
    else:
        parts.append(section("Reinvestment", '<p class="note">No savings reinvested in this scenario.</p>'))
    parts.append(section("Patients: who pays more, and what patients save", patients_html(tables)))
    parts.append(section("Quintuple Aim, last year", frame_html(quintuple_aim(tables["indicators"]), 3)))
    key = {k: reform[k] for k in ("label", "fee_for_service", "capitation", "bundled", "shared_savings", "p4p", "global_budget",
                                  "transition", "reinvestment", "budget_guarantee") if reform.get(k)}
    parts.append(section("Key parameters", f"<pre>{html.escape(json.dumps(key, indent=2))}</pre>"))
    shown = {k: manifest[k] for k in ("scenario_file", "replication_seeds", "versions", "git_commit", "wall_time_seconds") if k in manifest}
    parts.append(section("Manifest", f"<pre>{html.escape(json.dumps(shown, indent=2, default=str))}</pre>"))
    return page(f"simsim: {run['name']}", "\n".join(parts))


def patients_html(tables: dict[str, pd.DataFrame]) -> str:
    """Share of people paying more under the reform per year and patient group; patients' savings by type of income."""
    more, paid = tables.get("patients_paying_more"), tables.get("patient_payments")
    if more is None or paid is None or not len(more):
        return '<p class="note">No patient-level results in this run.</p>'
    share = (more.query("territory == 'all'").groupby(["year", "patient_group"])["share_paying_more"].mean()
             .unstack("patient_group").rename(columns=lambda g: f"share paying more: {g}"))
    n_reps = max(paid["replication"].nunique(), 1)
    saved = (paid.groupby("income_type")[["status_quo_eur", "reform_eur", "savings_eur"]].sum() / n_reps / 1e6)
    saved.columns = ["status quo (MEUR)", "reform (MEUR)", "patients' savings (MEUR)"]
    return ('<p class="note">A person pays more when their out-of-pocket of the year (co-payments after maximum-billing '
            'refunds, plus supplements) is higher under the reform by more than EUR 1 (hospital pilot convention, Art. 7 5°). '
            'Savings by type of income are over the whole horizon, mean over replications.</p>'
            f'<div id="paying-more">{frame_html(share, 3)}</div><div id="patient-savings">{frame_html(saved, 2)}</div>')


SETTLEMENT_COLUMNS = {"savings_eur": "measured savings", "true_savings_eur": "true savings", "paid": "paid",
                      "shadow": "shadow (not paid)"}


def settlements_html(settlements: pd.DataFrame | None) -> str:
    """Per mechanism and year, million EUR (mean over replications): what the rule measured, what the two arms show,
    what was paid and what stayed on paper."""
    if settlements is None or not len(settlements):
        return '<p class="note">No settlements in this scenario.</p>'
    s = settlements.copy()
    s.loc[s["measure"] == "payment_eur", "measure"] = s.loc[s["measure"] == "payment_eur", "paid"].map({True: "paid", False: "shadow"})
    s = s[s["measure"].isin(SETTLEMENT_COLUMNS)]
    if not len(s):
        return '<p class="note">No settlements in this scenario.</p>'
    table = (s.groupby(["replication", "mechanism", "year", "measure"])["value"].sum().groupby(["mechanism", "year", "measure"]).mean()
             .unstack("measure").reindex(columns=[c for c in SETTLEMENT_COLUMNS if c in set(s["measure"])]) / 1e6)
    table.columns = [SETTLEMENT_COLUMNS[c] for c in table.columns]
    note = ('<p class="note">Measured savings: benchmark minus the insurance money paid, as the settlement rule sees them '
            '(with the benchmark\'s estimation error). True savings: status-quo arm minus reform arm, insurance spending on the '
            'same scope. Positive: money saved or paid to providers.</p>')
    return note + frame_html(table.reset_index(), 2)


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def write_text_atomically(path: Path, text: str) -> None:
    """Write next to the target, then rename over it."""
    write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_run_report(folder: Path) -> Path:
    """(Re)generate `report.html` in a run folder from its tables."""
    tables, manifest = read_run(folder)
    target = folder / "report.html"
    write_text_atomically(target, render_run(tables, manifest))
    return target


# ----------------------------------------------------------------------------- comparison


def comparison(runs: dict[str, dict[str, pd.DataFrame]]) -> tuple[pd.DataFrame, list[str], list[int]]:
    """Headline figures of several runs over the years they share; notes on what they do not share."""
    years = [set(t["budget_summary"]["year"]) for t in runs.values()]
    shared = sorted(set.intersection(*years))
    notes = []
    for label, t in runs.items():
        extra = sorted(set(t["budget_summary"]["year"]) - set(shared))
        if extra:
            notes.append(f"{label}: years {extra[0]}-{extra[-1]} are not in every run and are left out")
    zones = [set(t["annual"]["territory"]) for t in runs.values()]
    for label, t in runs.items():
        only = sorted(set(t["annual"]["territory"]) - set.intersection(*zones))
        if only:
            notes.append(f"{label}: zones {', '.join(only)} are not in every run; money figures include them")
    rows = []
    for label, t in runs.items():
        impact = t["budget_impact"]
        total = impact[(impact["payer"] == "all_payers") & impact["year"].isin(shared)]
        per_rep = total.groupby("replication")
        rows.append({"run": label, "years": f"{shared[0]}-{shared[-1]}" if shared else "",
                     "status_quo_MEUR": per_rep["status_quo_eur"].sum().mean() / 1e6,
                     "reform_MEUR": per_rep["reform_eur"].sum().mean() / 1e6,
                     "impact_MEUR": per_rep["impact_eur"].sum().mean() / 1e6,
                     "npv_MEUR": per_rep["discounted_impact_eur"].sum().mean() / 1e6,
                     "replications": int(total["replication"].nunique())})
    return pd.DataFrame(rows), notes, shared


def render_comparison(runs: dict[str, dict[str, pd.DataFrame]]) -> tuple[str, pd.DataFrame, list[str]]:
    """compare.html, the headline table and the notes."""
    table, notes, shared = comparison(runs)
    def yearly(t: dict[str, pd.DataFrame], column: str) -> pd.Series:
        impact = t["budget_impact"]
        total = impact[(impact["payer"] == "all_payers") & impact["year"].isin(shared)]
        return total.groupby(["replication", "year"])[column].sum().groupby("year").mean()
    impact = {label: yearly(t, "impact_eur") for label, t in runs.items()}
    cumulative = {label: series.cumsum() for label, series in impact.items()}
    body = ["<h1>simsim: comparison</h1>",
            section("Headline figures over the shared years", frame_html(table.set_index("run"), 2)),
            section("Notes", "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>" if notes
                    else '<p class="note">All runs cover the same years and zones.</p>'),
            section("Budget impact by year", chart("compare_impact", charts.overlay(impact, "Budget impact, all payers", "million EUR"))),
            section("Cumulative impact", chart("compare_cumulative", charts.overlay(cumulative, "Cumulative impact, all payers", "million EUR")))]
    return page("simsim: comparison", "\n".join(body)), table, notes
