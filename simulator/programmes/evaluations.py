"""The `evaluations` table: each programme followed from its zero measurement, Quintuple-Aim indicators at three levels.

Evaluation points: the zero measurement (the year before the convention starts), year 1 (the
convention's first year), year 2, then yearly to the convention's last year. Levels: macro
(the whole scenario), meso (the programme's target group, and each of its zones), micro
(each GP practice of its zones). Dimensions: costs, outcomes, patient experience,
professional workload, equity. Each row gives the reform arm, the status quo and the
difference, per replication.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.scenario.schema import Scenario

#: rate of the `indicators` tables -> Quintuple-Aim dimension.
RATE_DIMENSIONS: dict[str, str] = {
    "insurance_spending_per_capita": "costs",
    "avoidable_admissions_per_1000": "outcomes",
    "mortality_per_1000": "outcomes",
    "readmission_rate": "outcomes",
    "emergency_visits_per_1000": "outcomes",
    "out_of_pocket_per_capita": "patient_experience",
    "continuity_of_care": "patient_experience",
    "gp_contacts_per_capita": "professional_workload",
}
EQUITY = "avoidable_admissions_gap_bim_per_1000"  # BIM minus other patients
DIMENSIONS: dict[str, str] = {**RATE_DIMENSIONS, EQUITY: "equity", "gp_contacts": "professional_workload",  # per practice (micro)
                              "programme_money_eur": "costs", "actual_over_expected_cost": "costs"}
COLUMNS = ["replication", "programme", "evaluation", "year", "level", "unit", "population", "dimension", "indicator",
           "reform", "status_quo", "difference"]


def evaluation_years(scenario: Scenario, programme) -> list[tuple[str, int]]:
    """(label, year): zero measurement, year_1, year_2, ... to the convention's last year, within the horizon."""
    first, last = programme.convention.start.year, programme.convention.last_day.year
    points = [("zero_measurement", first - 1)] + [(f"year_{k + 1}", y) for k, y in enumerate(range(first, last + 1))]
    return [(label, y) for label, y in points if y in scenario.years]


def _pivot(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Reform and status-quo values side by side, with their difference."""
    wide = rows.pivot_table(index=keys, columns="arm", values="value", aggfunc="first").reset_index()
    wide.columns.name = None
    for arm in ("reform", "status_quo"):
        if arm not in wide:
            wide[arm] = np.nan
    wide["difference"] = wide["reform"] - wide["status_quo"]
    return wide


def _rates(by_population: pd.DataFrame, zones: list[str], population: str) -> pd.DataFrame:
    """Rates over several zones, re-aggregated from numerators and denominators (value = multiplier x num / den)."""
    from simulator.results import RATES  # the rates' multipliers (results builds this table: imported when called)

    rows = by_population[by_population["territory"].isin(zones) & (by_population["population"] == population)
                         & by_population["indicator"].isin(list(RATE_DIMENSIONS))]
    summed = rows.groupby(["replication", "arm", "year", "patient_group", "indicator"])[["numerator", "denominator"]].sum().reset_index()
    multiplier = summed["indicator"].map(lambda name: RATES[name][2])
    summed["value"] = (multiplier * summed["numerator"] / summed["denominator"]).where(summed["denominator"] > 0)
    return summed


def _with_equity(rates: pd.DataFrame) -> pd.DataFrame:
    """The indicators for all patients, plus the BIM-minus-other gap in avoidable admissions (equity)."""
    out = rates[rates["patient_group"] == "all"].drop(columns="patient_group")
    gap = rates[rates["indicator"] == "avoidable_admissions_per_1000"].pivot_table(
        index=["replication", "arm", "year"], columns="patient_group", values="value").reset_index()
    if {"bim", "non_bim"} <= set(gap.columns):
        gap = gap.assign(indicator=EQUITY, value=gap["bim"] - gap["non_bim"])
        out = pd.concat([out, gap[["replication", "arm", "year", "indicator", "value"]]], ignore_index=True)
    return out


def evaluations(tables: dict[str, pd.DataFrame], scenario: Scenario) -> pd.DataFrame:
    """One row per programme, evaluation point, level, unit, population and indicator."""
    by_population = tables.get("indicators_by_population")
    if not scenario.programmes or by_population is None:
        return pd.DataFrame(columns=COLUMNS)
    zones_all = [t.name for t in scenario.territories]
    parts = []
    for p in scenario.programmes:
        points = {y: label for label, y in evaluation_years(scenario, p)}
        units = [("macro", "scenario", zones_all, "all"), ("meso", p.name, p.territories, "target")]
        units += [("meso", zone, [zone], "target") for zone in p.territories]
        mine = []
        for level, unit, zones, population in units:
            rates = _with_equity(_rates(by_population, zones, population))
            wide = _pivot(rates[rates["year"].isin(points)], ["replication", "year", "indicator"])
            mine.append(wide.assign(level=level, unit=unit, population=population))
        mine += [_practices(tables["providers"], p, points), _measure_rows(tables.get("programme_measures"), p, points)]
        mine = [part for part in mine if len(part)]
        if mine:
            frame = pd.concat(mine, ignore_index=True)
            parts.append(frame.assign(programme=p.name, evaluation=frame["year"].map(points)))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["dimension"] = frame["indicator"].map(DIMENSIONS)
    return frame[COLUMNS].sort_values(["replication", "programme", "year", "level", "unit", "indicator"], kind="stable").reset_index(drop=True)


def _practices(providers: pd.DataFrame, programme, points: dict[int, str]) -> pd.DataFrame:
    """Micro level: each GP practice of the programme's zones, its GP contacts (workload) and programme money (costs)."""
    rows = providers[(providers["kind"] == "gp_practice") & providers["territory"].isin(programme.territories)
                     & providers["year"].isin(points)]
    money = [c for c in ("by_programme_funding_eur", "by_investment_eur", "by_reinvestment_eur", "by_shared_savings_eur",
                         "by_budget_guarantee_eur") if c in rows]
    rows = rows.assign(programme_money_eur=rows[money].sum(axis=1))
    long = rows.melt(id_vars=["replication", "arm", "year", "provider"], value_vars=["gp_contacts", "programme_money_eur"],
                     var_name="indicator", value_name="value")
    wide = _pivot(long, ["replication", "year", "provider", "indicator"]).rename(columns={"provider": "unit"})
    return wide.assign(level="micro", population="all")


def _measure_rows(measures: pd.DataFrame | None, programme, points: dict[int, str]) -> pd.DataFrame:
    """Meso level, costs: the AIM measure of the target group, actual over expected."""
    if measures is None or not len(measures):
        return pd.DataFrame()
    rows = measures[(measures["programme"] == programme.name) & (measures["area"] == "programme") & measures["year"].isin(points)]
    rows = rows.assign(indicator="actual_over_expected_cost", value=rows["actual_eur"] / rows["expected_eur"])
    wide = _pivot(rows, ["replication", "year", "population", "indicator"])
    return wide.assign(level="meso", unit=programme.name)
