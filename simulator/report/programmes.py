"""The report's programmes section: who each programme is for, what it costs, what it measured and what it changed."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from simulator.labels import label
from simulator.report.page import note, table
from simulator.service_groups import NOT_MODELLED

#: money of a programme per year: (column shown, source table, mechanisms).
FLOWS = (("coordination funding", "annual", ("programme_funding",)), ("investments", "annual", ("investment",)),
         ("reinvested gains", "annual", ("reinvestment",)), ("shared savings paid", "settlements", ("shared_savings",)),
         ("guarantee paid", "settlements", ("budget_guarantee",)), ("P4P paid", "settlements", ("p4p",)))
#: evaluation indicators shown per programme (meso level, target group): indicator -> (unit, digits).
SHOWN = {"actual_over_expected_cost": ("ratio", 3), "avoidable_admissions_per_1000": ("per 1,000", 1),
         "emergency_visits_per_1000": ("per 1,000", 0), "mortality_per_1000": ("per 1,000", 1),
         "continuity_of_care": ("index 0–1", 3), "out_of_pocket_per_capita": ("EUR per person", 0),
         "avoidable_admissions_gap_bim_per_1000": ("BIM minus others, per 1,000", 1)}


def _target_text(group: dict[str, Any]) -> str:
    parts = [f"aged {group.get('age_min', 0)}–{group.get('age_max', 120)}"]
    if group.get("conditions"):
        parts.append("with " + " or ".join(label(c) for c in group["conditions"]))
    if group.get("min_conditions"):
        parts.append(f"at least {group['min_conditions']} chronic conditions")
    if group.get("min_risk_score"):
        parts.append(f"expected cost ≥ {group['min_risk_score']:g} × the mean")
    if group.get("bim", "any") != "any":
        parts.append("BIM only" if group["bim"] == "bim" else "without BIM")
    return ", ".join(parts)


def _paid_by_year(settlements: pd.DataFrame) -> pd.DataFrame:
    """The settlements' money really paid, with the year it was paid (measured year where none is recorded)."""
    keys = ["replication", "mechanism", "unit", "year"]
    paid = settlements[(settlements["measure"] == "payment_eur") & settlements["paid"]]
    when = settlements[settlements["measure"] == "paid_year"][keys + ["value"]].rename(columns={"value": "paid_year"})
    paid = paid.merge(when, on=keys, how="left")
    return paid.assign(paid_year=paid["paid_year"].fillna(paid["year"]).astype(int))


def _money(p: dict[str, Any], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Million EUR per year (mean over runs) of each flow, the measured and the true savings of its target group."""
    annual, settlements = tables["annual"], tables.get("settlements")
    years = sorted(int(y) for y in annual["year"].unique())
    frame = pd.DataFrame({"year": [str(y) for y in years]})
    runs = max(int(annual["replication"].nunique()), 1)
    mine = annual[(annual["arm"] == "reform") & annual["territory"].isin(p["territories"])]
    for column, source, mechanisms in FLOWS:
        if source == "annual":
            rows = mine[mine["mechanism"].isin(mechanisms)]
            by_year = rows.groupby("year")["amount_eur"].sum() / runs
        else:
            if settlements is None or not len(settlements):
                continue
            rows = _paid_by_year(settlements[settlements["mechanism"].isin(mechanisms)
                                             & settlements["unit"].str.fullmatch(p["name"] + "(:.*)?")])
            by_year = rows.groupby("paid_year")["value"].sum() / runs
        if len(rows):
            frame[column] = [float(by_year.get(y, 0.0)) for y in years]
    if settlements is not None and len(settlements):
        for measure, column in (("savings_eur", "measured savings"), ("true_savings_eur", "true savings")):
            rows = settlements[(settlements["unit"] == p["name"]) & (settlements["measure"] == measure)]
            rule = next((m for m in ("shared_savings", "budget_guarantee") if (rows["mechanism"] == m).any()), None)
            rows = rows[rows["mechanism"] == rule]  # one rule's measure: shared savings', else the guarantee's basis
            if len(rows):
                by_year = rows.groupby("year")["value"].sum() / runs
                frame[column] = [float(by_year.get(y, float("nan"))) for y in years]
    return frame


def _evaluation(p: dict[str, Any], evaluations: pd.DataFrame) -> pd.DataFrame:
    """The programme's target group at each evaluation point: reform, status quo and difference, mean over runs."""
    rows = evaluations[(evaluations["programme"] == p["name"]) & (evaluations["level"] == "meso") & (evaluations["unit"] == p["name"])
                       & (evaluations["population"] == "target") & evaluations["indicator"].isin(list(SHOWN))]
    mean = rows.groupby(["indicator", "evaluation", "year"])[["reform", "status_quo", "difference"]].mean().reset_index()
    mean = mean.sort_values(["indicator", "year"], key=lambda c: c.map(list(SHOWN).index) if c.name == "indicator" else c)
    return pd.DataFrame({"indicator": [label(i) for i in mean["indicator"]], "unit": [SHOWN[i][0] for i in mean["indicator"]],
                         "evaluation": [label(e) for e in mean["evaluation"]], "year": mean["year"].astype(str).to_numpy(),
                         "reform": mean["reform"].to_numpy(), "status quo": mean["status_quo"].to_numpy(),
                         "difference": mean["difference"].to_numpy()})


def programmes_html(tables: dict[str, pd.DataFrame], scenario: dict[str, Any]) -> str:
    """One block per programme: its terms, its money by year, and its evaluation of the target group."""
    programmes = scenario.get("programmes") or []
    if not programmes:
        return note("No integrated-care programmes in this scenario.")
    parts = [note("Money in million EUR, mean over runs; settlements in the year they are paid (after the data lag). Measured "
                  "savings: the programme's benchmark minus its target group's insurance spending, as the convention sees them; "
                  "true savings: the status-quo arm minus the reform arm on the same measure. The AIM's measure has sixteen "
                  "service groups; the model does not simulate " + ", ".join(label(g) for g in NOT_MODELLED) + ".")]
    evaluations = tables.get("evaluations")
    for p in programmes:
        c = p["convention"]
        last = c.get("extended_to") or c["end"]
        parts.append(f"<h3>{html.escape(label(p['name']))}</h3><p>Zones {html.escape(', '.join(p['territories']))}; target group "
                     f"{html.escape(_target_text(p.get('target_group') or {}))}; convention {html.escape(str(c['start']))} to "
                     f"{html.escape(str(last))}{' (extended)' if c.get('extended_to') else ''}; data lag "
                     f"{p['measurement']['data_lag_quarters']} quarters; partners "
                     f"{html.escape(', '.join(q['name'] for q in p.get('partners') or []) or 'none named')}.</p>")
        money = _money(p, tables)
        parts.append(table(money, f"programme-money-{p['name']}", money_columns=tuple(c for c in money.columns if c != "year")))
        if evaluations is not None and len(evaluations):
            parts.append(table(_evaluation(p, evaluations), f"programme-evaluation-{p['name']}", 3))
    return "".join(parts)
