"""`report.html` of one run: what a policy reader needs, in order, from the run's tables and manifest.

Summary and sign convention; the year x payer table with intervals; cumulative and
discounted impact; who gains and who loses; settlements; programmes; reinvestment; participation;
Quintuple Aim; key parameters; the manifest, folded. Everything is inlined (SVG charts,
styles in the page); nothing is fetched. Money cells carry the unrounded figure in `data-value`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from simulator import charts
from simulator.labels import label
from simulator.report.budget import headline_html, summary_paragraph, year_payer_html
from simulator.output import write_text_atomically
from simulator.report.page import chart, note, page, section, table
from simulator.report.programmes import programmes_html
from simulator.report.sections import (key_parameters_html, patient_groups_html, patients_html, providers_html,
                                       quintuple_aim_html, settlements_html)

TABLES = ("annual", "indicators", "providers", "budget_impact", "budget_summary", "settlements", "shadow_statements",
          "participation", "reinvestment", "patients_paying_more", "patient_payments", "psa_summary", "psa_parameters", "psa_draws", "psa_indicators", "programme_measures",
          "evaluations")


def read_run(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Tables and manifest of a run folder; a damaged file is a plain error naming it."""
    from simulator.output import read_folder_file

    tables = {name: read_folder_file(folder / f"{name}.parquet", pd.read_parquet)
              for name in TABLES if (folder / f"{name}.parquet").exists()}
    return tables, read_folder_file(folder / "manifest.json", lambda p: json.loads(p.read_text(encoding="utf-8")))


def _phases(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    return list((scenario.get("reform", {}).get("transition") or {}).get("phases") or [])


def render_run(tables: dict[str, pd.DataFrame], manifest: dict[str, Any]) -> str:
    """The whole report page of one run."""
    scenario = manifest["scenario"]
    run, reform = scenario["run"], scenario["reform"]
    overrides = list(manifest.get("overrides") or [])
    phases = _phases(scenario)
    summary = tables["budget_summary"]
    title = f"{run['name']}: {reform['label']} vs status quo" + (" (with overrides)" if overrides else "")
    runs = int(summary["replications"].max())
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="note">{html.escape(run.get("description", ""))} {run["start_year"]}–{run["end_year"]}, {runs} run(s).</p>',
             ('<p class="overrides">--set ' + html.escape(" --set ".join(overrides)) + "</p>") if overrides else "",
             summary_paragraph(tables, scenario),
             section("Budget impact by year and payer", year_payer_html(tables)
                     + chart("impact_by_payer", charts.impact_by_payer(summary, phases)), "budget"),
             section("Cumulative and discounted impact", headline_html(tables)
                     + note(f"Discount rate {scenario['budget']['discount_rate']:.1%} a year, from {run['start_year']}: year t "
                            f"weighs 1 / (1 + r)^(t − {run['start_year']}).")
                     + chart("cumulative", charts.cumulative_and_npv(summary, phases, scenario["budget"]["discount_rate"])), "cumulative"),
             _psa_section(tables),
             section("Who gains and who loses", providers_html(tables["providers"])
                     + chart("revenue_change", charts.revenue_change(tables["providers"]))
                     + patient_groups_html(tables["annual"]) + patients_html(tables)
                     + chart("categories", charts.spending_by_category(tables["annual"]), height=4.8), "gains"),
             section("Settlements: paid and shadow, measured against true savings", settlements_html(tables.get("settlements")),
                     "settlements")]
    if scenario.get("programmes"):
        parts.append(section("Integrated-care programmes", programmes_html(tables, scenario), "programmes"))
    reinvested = tables.get("reinvestment")
    if reinvested is not None and len(reinvested) and reinvested["spend_eur"].sum() > 0:
        parts.append(section("Reinvestment", chart("reinvestment", charts.reinvestment(reinvested, phases)), "reinvestment"))
    else:
        parts.append(section("Reinvestment", note("No savings reinvested in this scenario."), "reinvestment"))
    part = tables.get("participation")
    if part is not None and len(part):
        parts.append(section("Participation", chart("participation", charts.participation(part, phases))
                             + chart("shadow_gains", charts.shadow_gains(part)), "participation"))
    else:
        parts.append(section("Participation", note("No transition phases: the reform applies to every provider from the start."),
                             "participation"))
    parts.append(section("Quintuple Aim", quintuple_aim_html(tables["indicators"]), "quintuple"))
    parts.append(section("Key parameters", key_parameters_html(scenario, overrides), "parameters"))
    shown = {k: manifest[k] for k in ("scenario_file", "scenario_file_sha256", "overrides", "replication_seeds", "versions",
                                      "git_commit", "command", "wall_time_seconds", "platform") if k in manifest}
    parts.append('<details id="manifest"><summary>Manifest (what reruns this report)</summary>'
                 f"<pre>{html.escape(json.dumps(shown, indent=2, default=str))}</pre></details>")
    return page(f"simsim: {title}", "\n".join(p for p in parts if p))


def _psa_section(tables: dict[str, pd.DataFrame]) -> str:
    psa = tables.get("psa_summary")
    if psa is None or not len(psa):
        return ""
    last = psa[(psa["year"] == psa["year"].max()) & (psa["figure"] == "cumulative_impact_eur")]
    frame = pd.DataFrame({"payer": [label(p) for p in last["payer"]], "mean": last["mean"].to_numpy(),
                          "low": last["low"].to_numpy(), "high": last["high"].to_numpy(),
                          "P(saves money)": last["probability_saving"].to_numpy(),
                          "variance: parameters": last["parameter_share"].to_numpy(), "variance: chance": last["stochastic_share"].to_numpy()})
    body = note(f"Cumulative impact to {int(last['year'].iloc[0])}, million EUR, over every draw and replication; shares of the "
                "variance owed to the uncertain parameters and to chance (law of total variance).")
    body += table(frame, "psa", 2, money_columns=("mean", "low", "high"))
    indicators = tables.get("psa_indicators")
    if indicators is not None and len(indicators):
        last_ind = indicators[indicators["year"] == indicators["year"].max()]
        body += note(f"Indicators in {int(last_ind['year'].iloc[0])}, whole population: reform minus status quo with its interval, "
                     "and the chance that the reform lowers the indicator.")
        body += table(pd.DataFrame({"indicator": [label(i) for i in last_ind["indicator"]], "status quo": last_ind["status_quo"].to_numpy(),
                                    "difference": last_ind["mean"].to_numpy(), "low": last_ind["low"].to_numpy(),
                                    "high": last_ind["high"].to_numpy(), "P(lower)": last_ind["probability_lower"].to_numpy(),
                                    "variance: parameters": last_ind["parameter_share"].to_numpy()}), "psa-indicators", 3)
    params = tables.get("psa_parameters")
    if params is not None and len(params):
        top = params[params["payer"] == "all_payers"].head(8)
        body += note("The parameters that move the all-payer cumulative impact most (one at a time, across draws):")
        body += table(pd.DataFrame({"parameter": [label(p) for p in top["parameter"]], "path": top["parameter"].to_numpy(),
                                    "rank correlation": top["rank_correlation"].to_numpy(),
                                    "variance explained": top["variance_explained"].to_numpy()}), "psa-parameters")
    return section("How sure: probabilistic sensitivity analysis", body, "psa")


def write_run_report(folder: Path) -> Path:
    """(Re)generate `report.html` in a run folder from its tables, and refresh the manifest's checksums."""
    from simulator.output import write_manifest

    tables, manifest = read_run(folder)
    target = folder / "report.html"
    write_text_atomically(target, render_run(tables, manifest))
    manifest.pop("files", None)
    write_manifest(folder, manifest)
    return target
