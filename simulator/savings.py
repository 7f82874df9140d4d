"""The `settlements` table: what each settlement measured, what it paid, and the true savings beside it.

Measured savings are what a settlement rule sees: a benchmark (with its estimation error)
against the insurance money paid in one arm. True savings are what only a two-arm model can
show: the status-quo arm's insurance spending minus the reform arm's, on the same scope,
zone and year. The gap between the two is the measurement error a payer lives with.
"""

from __future__ import annotations

import pandas as pd

from simulator.scenario import Scenario
from simulator.scenario.reform import Measurement

COLUMNS = ["arm", "year", "mechanism", "unit", "measure", "value", "paid"]
UNTIED = ("bundle", "p4p")


def settlement_rows(arm: str, settlements: list[dict]) -> pd.DataFrame:
    """Long rows from the regime's records. `payment_eur` comes twice: the part paid (paid = true) and the
    shadow part (paid = false); other measures are marked paid where the reform was paid for the unit."""
    rows = []
    for s in settlements:
        in_force = bool(s.get("_in_force", True))
        for key, value in s.items():
            if key in ("year", "mechanism", "unit") or key.startswith("_"):
                continue
            if key == "payment_eur":
                paid = float(s.get("_paid_eur", value))
                rows.append((arm, s["year"], s["mechanism"], s["unit"], key, paid, True))
                rows.append((arm, s["year"], s["mechanism"], s["unit"], key, float(value) - paid, False))
            else:
                rows.append((arm, s["year"], s["mechanism"], s["unit"], key, float(value), in_force))
    return pd.DataFrame(rows, columns=COLUMNS)


def measured_rules(scenario: Scenario) -> dict[str, Measurement]:
    """The measurement rule behind each measured settlement mechanism of the scenario."""
    r = scenario.reform
    rules: dict[str, Measurement] = {}
    if r.shared_savings:
        rules["shared_savings"] = r.shared_savings
    if r.reinvestment.share > 0:
        rules["reinvestment"] = r.reinvestment.measurement
    if r.budget_guarantee.share > 0:
        rules["budget_guarantee"] = r.budget_guarantee.measurement
    return rules


def in_scope_insurance(annual: pd.DataFrame, rule: Measurement) -> pd.Series:
    """Insurance money per (arm, replication, year, territory) that the rule counts as spending."""
    tied = [m for m in rule.mechanisms if m not in UNTIED]
    untied = [m for m in rule.mechanisms if m in UNTIED]
    rows = annual[(annual["payer"] == "federal_insurance")
                  & ((annual["mechanism"].isin(tied) & annual["category"].isin(rule.scope))
                     | (annual["mechanism"].isin(untied) & (annual["category"] == "none")))]
    return rows.groupby(["arm", "replication", "year", "territory"])["amount_eur"].sum()


def with_true_savings(settlements: pd.DataFrame, annual: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Add `true_savings_eur` per measured settlement unit and year: status-quo minus reform insurance spending."""
    extra = []
    for mechanism, rule in measured_rules(scenario).items():
        units = settlements[(settlements["mechanism"] == mechanism) & (settlements["measure"] == "benchmark_eur")]
        if units.empty:
            continue
        spend = in_scope_insurance(annual, rule).unstack("arm", fill_value=0.0)
        for arm in ("status_quo", "reform"):
            if arm not in spend:
                spend[arm] = 0.0
        true = (spend["status_quo"] - spend["reform"]).rename("value").reset_index().rename(columns={"territory": "unit"})
        rows = units.drop(columns=["value"]).merge(true, on=["replication", "year", "unit"], how="left").fillna({"value": 0.0})
        rows["measure"] = "true_savings_eur"
        extra.append(rows[settlements.columns])
    extra += _programme_true_savings(settlements, annual, scenario)
    return pd.concat([settlements, *extra], ignore_index=True) if extra else settlements


def _programme_true_savings(settlements: pd.DataFrame, annual: pd.DataFrame, scenario: Scenario) -> list[pd.DataFrame]:
    """`true_savings_eur` for each programme's measured settlements: status-quo minus reform insurance spending on the
    programme's measure, over its zones, for its target group (or all residents for a guarantee on the zone)."""
    extra = []
    for p in scenario.programmes:
        units = settlements[(settlements["unit"] == p.name) & (settlements["measure"] == "benchmark_eur")
                            & settlements["mechanism"].isin(["shared_savings", "budget_guarantee"])]
        if units.empty:
            continue
        zone_rows = annual[annual["territory"].isin(p.territories)]
        for mechanism, rows in units.groupby("mechanism"):
            whole_zone = mechanism == "budget_guarantee" and p.budget_guarantee.basis == "zone"
            mine = zone_rows if whole_zone or "population" not in zone_rows else zone_rows[zone_rows["population"] == "target"]
            spend = in_scope_insurance(mine, p.measurement).groupby(["arm", "replication", "year"]).sum().unstack("arm", fill_value=0.0)
            for arm in ("status_quo", "reform"):
                if arm not in spend:
                    spend[arm] = 0.0
            true = (spend["status_quo"] - spend["reform"]).rename("value").reset_index()
            rows = rows.drop(columns=["value"]).merge(true, on=["replication", "year"], how="left").fillna({"value": 0.0})
            rows["measure"] = "true_savings_eur"
            extra.append(rows[settlements.columns])
    return extra


