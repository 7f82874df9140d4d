"""Report sections beyond the budget: who gains and who loses, settlements, Quintuple Aim, key parameters."""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd

from simulator.labels import label
from simulator.report.page import note, table

#: Quintuple Aim (the Belgian evaluation frame since 2021): aim -> (indicator, unit, digits), each indicator once.
QUINTUPLE_AIM: dict[str, list[tuple[str, str, int]]] = {
    "Population health": [("avoidable_admissions_per_1000", "per 1,000 inhabitants", 2), ("admissions_per_1000", "per 1,000 inhabitants", 1),
                          ("readmission_rate", "share of discharges", 3), ("mortality_per_1000", "per 1,000 inhabitants", 2)],
    "Patient experience": [("continuity_of_care", "usual-provider index, 0–1", 3), ("gp_contact_coverage", "share with a GP contact", 3),
                           ("out_of_pocket_per_capita", "EUR per inhabitant", 0)],
    "Cost": [("insurance_spending_per_capita", "EUR per inhabitant", 0)],
    "Professional well-being": [("gp_contacts_per_capita", "contacts per inhabitant", 2), ("length_of_stay", "days per stay", 2)],
}
EQUITY = ("avoidable_admissions_per_1000", "out_of_pocket_per_capita")  # the BIM minus non-BIM gap


def providers_html(providers: pd.DataFrame) -> str:
    """Revenue over the horizon by provider kind in both arms, the change, and how many providers gain or lose."""
    reps = max(providers["replication"].nunique(), 1)
    per = providers.groupby(["arm", "kind", "provider"])["revenue_eur"].sum().unstack("arm").fillna(0.0) / reps
    rows = []
    for kind, g in per.groupby(level="kind"):
        sq, rf = g["status_quo"].sum(), g["reform"].sum()
        known = g[g["status_quo"].abs() > 0]
        change = known["reform"] / known["status_quo"] - 1
        rows.append({"provider kind": label(kind), "status quo": sq, "reform": rf, "change": rf - sq,
                     "change, %": 100 * (rf / sq - 1) if sq else float("nan"),
                     "providers gaining > 1 %": int((change > 0.01).sum()), "providers losing > 1 %": int((change < -0.01).sum())})
    frame = pd.DataFrame(rows)
    return (note("Revenue from every payer over the whole horizon, million EUR, mean over runs.")
            + table(frame, "providers-table", 1, money_columns=("status quo", "reform", "change")))


def patient_groups_html(annual: pd.DataFrame) -> str:
    """Patients' out-of-pocket over the horizon by patient group, both arms."""
    paid = annual[(annual["payer"] == "patients") & (annual["patient_group"] != "all")]
    if not len(paid):
        return ""
    reps = max(annual["replication"].nunique(), 1)
    by = paid.groupby(["patient_group", "arm"])["amount_eur"].sum().unstack("arm").fillna(0.0) / reps
    frame = pd.DataFrame({"patient group": [label(g) for g in by.index], "status quo": by["status_quo"].to_numpy(),
                          "reform": by["reform"].to_numpy(), "change": (by["reform"] - by["status_quo"]).to_numpy()})
    return note("Out-of-pocket payments over the horizon by patient group, million EUR (negative change: patients pay less).") + table(
        frame, "patient-groups", 1, money_columns=("status quo", "reform", "change"))


def patients_html(tables: dict[str, pd.DataFrame]) -> str:
    """Share of people paying more under the reform per year and patient group; patients' savings by type of income."""
    more, paid = tables.get("patients_paying_more"), tables.get("patient_payments")
    if more is None or paid is None or not len(more):
        return note("No patient-level results in this run.")
    share = (more.query("territory == 'all'").groupby(["year", "patient_group"])["share_paying_more"].mean()
             .unstack("patient_group").mul(100))
    share = share.rename(columns=lambda g: f"% paying more: {label(g) if g != 'all' else 'everyone'}").reset_index()
    n_reps = max(paid["replication"].nunique(), 1)
    saved = paid.groupby("income_type")[["status_quo_eur", "reform_eur", "savings_eur"]].sum() / n_reps
    saved = saved.reset_index()
    saved["income_type"] = saved["income_type"].map(label)
    saved = saved.rename(columns={"income_type": "type of income", "status_quo_eur": "status quo", "reform_eur": "reform",
                                                "savings_eur": "patients' savings"})
    return (note("A person pays more when their out-of-pocket of the year (co-payments after maximum-billing refunds, plus "
                 "supplements) is higher under the reform by more than EUR 1 (hospital pilot convention, Art. 7 5°). Savings by "
                 "type of income are over the whole horizon, million EUR, mean over runs.")
            + f'<div id="paying-more">{table(share.astype({"year": str}), digits=1)}</div>'
            + '<div id="patient-savings">' + table(saved, money_columns=("status quo", "reform", "patients' savings")) + "</div>")


SETTLEMENT_COLUMNS = {"savings_eur": "measured savings", "true_savings_eur": "true savings", "paid": "paid",
                      "shadow": "shadow (not paid)"}


def settlements_html(settlements: pd.DataFrame | None) -> str:
    """Per mechanism and year, million EUR (mean over runs): what the rule measured, the true savings, paid and shadow money."""
    if settlements is None or not len(settlements):
        return note("No settlements in this scenario.")
    s = settlements.copy()
    s.loc[s["measure"] == "payment_eur", "measure"] = s.loc[s["measure"] == "payment_eur", "paid"].map({True: "paid", False: "shadow"})
    s = s[s["measure"].isin(SETTLEMENT_COLUMNS)]
    if not len(s):
        return note("No settlements in this scenario.")
    frame = (s.groupby(["replication", "mechanism", "year", "measure"])["value"].sum().groupby(["mechanism", "year", "measure"]).mean()
             .unstack("measure").reindex(columns=[c for c in SETTLEMENT_COLUMNS if c in set(s["measure"])]))
    frame.columns = [SETTLEMENT_COLUMNS[c] for c in frame.columns]
    frame = frame.reset_index()
    frame["mechanism"] = frame["mechanism"].map(label)
    frame["year"] = frame["year"].astype(str)
    return (note("Measured savings: benchmark minus the insurance money paid, as the settlement rule sees them (with the "
                 "benchmark's estimation error). True savings: status-quo arm minus reform arm, insurance spending on the same "
                 "scope. Paid: settled money; shadow: computed in a virtual phase and not paid. Million EUR; positive: money "
                 "saved or paid to providers.")
            + table(frame, "settlements", money_columns=tuple(SETTLEMENT_COLUMNS.values())))


def quintuple_aim_html(indicators: pd.DataFrame) -> str:
    """Per aim and indicator (plain label, unit): the reform's value and its difference from the status quo, per year."""
    whole = indicators[(indicators["territory"] == "all")]
    mean = whole.groupby(["arm", "patient_group", "indicator", "year"])["value"].mean()
    years = sorted(int(y) for y in whole["year"].unique())
    head = ("<tr><th>aim</th><th>indicator</th><th>unit</th><th>arm</th>" + "".join(f"<th>{y}</th>" for y in years) + "</tr>")
    rows = []

    def line(aim: str, name: str, unit: str, digits: int, what: str, values: list[float]) -> str:
        cells = "".join(f'<td data-value="{v!r}">{f"{v:,.{digits}f}".replace("-", "−")}</td>' if v == v else "<td>–</td>" for v in values)
        return (f"<tr><td>{html.escape(aim)}</td><td>{html.escape(label(name))}</td><td>{html.escape(unit)}</td>"
                f"<td>{html.escape(what)}</td>{cells}</tr>")

    def at(arm: str, name: str, year: int, group: str = "all") -> float:
        return float(mean.get((arm, group, name, year), float("nan")))

    for aim, entries in QUINTUPLE_AIM.items():
        for i, (name, unit, digits) in enumerate(entries):
            shown = aim if i == 0 else ""
            rows.append(line(shown, name, unit, digits, "reform", [at("reform", name, y) for y in years]))
            rows.append(line("", "", "", digits, "difference", [at("reform", name, y) - at("status_quo", name, y) for y in years]))
    units = {n: (u, d) for entries in QUINTUPLE_AIM.values() for n, u, d in entries}
    for i, name in enumerate(EQUITY):
        unit, digits = units[name]
        rows.append(line("Equity" if i == 0 else "", name, unit + ", BIM minus others", digits, "reform",
                         [at("reform", name, y, "bim") - at("reform", name, y, "non_bim") for y in years]))
    return (note("Whole population, mean over runs. \"Difference\" is the reform minus the status quo; equity is the gap between "
                 "patients with increased reimbursement (BIM) and the others.")
            + f'<div class="wide"><table id="quintuple-aim">{head}{"".join(rows)}</table></div>')


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    return {prefix: data}


def key_parameters_html(scenario: dict[str, Any], overrides: list[str]) -> str:
    """Every value that differs from the defaults (lists of zones, hospitals and the like shown by count), and the --set overrides."""
    from simulator.scenario.schema import Scenario

    defaults = Scenario.model_validate({"territories": scenario["territories"]}).model_dump(mode="json")
    given, default = _flatten(scenario), _flatten(defaults)
    rows = []
    for path, value in given.items():
        if path.startswith(("territories", "hospital_network.", "hospital_networks", "run.description")) or default.get(path, object()) == value:
            continue
        shown = f"list of {len(value)}" if isinstance(value, list) and len(json.dumps(value)) > 80 else json.dumps(value)
        base = default.get(path, None) if path in default else "(not set)"
        base_shown = (base if base == "(not set)" else f"list of {len(base)}" if isinstance(base, list) and len(json.dumps(base)) > 80
                      else json.dumps(base))
        rows.append({"parameter": path, "value": shown, "default": base_shown})
    frame = pd.DataFrame(rows, columns=["parameter", "value", "default"])
    zones = ", ".join(t["name"] for t in scenario["territories"])
    text = note(f"Zones: {zones}. Values that differ from simsim's defaults ({len(frame)}); the scenario file and the manifest below "
                "hold everything.")
    if overrides:
        text += '<p class="overrides">Overrides (--set): ' + html.escape(" ".join(overrides)) + "</p>"
    return text + table(frame, "key-parameters")
