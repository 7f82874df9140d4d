"""The data dictionary: every output table and column, its unit and meaning.

`simsim tables` prints it and `docs/outputs.md` is generated from it; a test runs scenarios
that produce every table and fails when a column is missing here, or documented but never
produced. One name has one meaning in every table (`unit` is always an entity; a measurement
unit is `volume_unit`), and `is_total` marks the rows that sum others.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.categories import MECHANISMS, PAYERS

Column = tuple[str, str]  # unit, meaning

#: Columns that mean the same wherever they appear.
COMMON: dict[str, Column] = {
    "arm": ("arm", "`reform` or `status_quo`: the two arms run on the same population and draws"),
    "replication": ("number", "Replication (with --psa: draw x replications + replication within the draw; see psa_draws)"),
    "year": ("calendar year", "Year the row covers (a settlement: the year measured)"),
    "payer": ("payer", f"Who pays: {', '.join(PAYERS)}; `all_payers` is their sum (is_total)"),
    "mechanism": ("mechanism", f"Payment mechanism: {', '.join(MECHANISMS)}"),
    "category": ("category", "Service category (gp, specialist, lab_imaging, drugs, emergency, inpatient_stay, inpatient_fees, "
                 "day_case, rehabilitation, home_nursing, nursing_home, physiotherapy, practice_nurse)"),
    "territory": ("territory", "Primary-care zone of the patient's residence (or of the provider); `all`: every zone (is_total)"),
    "patient_group": ("group", "`bim` (increased reimbursement) or `non_bim`; `all`: both (is_total)"),
    "population": ("population", "With programmes: `target` (the programme's target group) or `rest`; `all`: both (is_total)"),
    "is_total": ("true/false", "True on rows that sum other rows of the table (payer all_payers; territory, patient_group or "
                 "population all): drop them before summing parts"),
    "kind": ("provider kind", "gp_practice, hospital, pharmacy, home_care, nursing_home, hospital_network, administration, "
             "integration_management, physiotherapy (decisions: also zone)"),
    "provider": ("name", "Provider, as named in the layout (e.g. a practice or hospital)"),
    "indicator": ("name", "Indicator name; its unit is in the name (per_1000, per_capita, share, days, eur)"),
    "value": ("see indicator or measure", "The value of the row's indicator, measure or decision"),
    "numerator": ("count or EUR", "What the indicator counts (its value = multiplier x numerator / denominator)"),
    "denominator": ("persons, stays or person-years", "What the indicator divides by"),
    "unit": ("entity", "The entity the row is about: a zone, a programme, an episode type, a P4P indicator or a GP practice"),
    "status_quo_eur": ("EUR", "What the status quo pays: fee-for-service at today's tariffs (the status-quo arm; in "
                       "shadow_statements, for the provider's own activity)"),
    "reform_eur": ("EUR", "What the reform arm pays"),
    "impact_eur": ("EUR", "Reform minus status quo: positive costs the payer money, negative saves it"),
    "mean": ("as the figure", "Mean over replications (or runs)"),
    "low": ("as the figure", "Lower end of the central interval"),
    "high": ("as the figure", "Upper end of the central interval"),
    "interval": ("share", "Width of the central interval (0.9: 5th to 95th percentile)"),
    "figure": ("column", "Which budget figure: status_quo_eur, reform_eur, impact_eur, cumulative_impact_eur or npv_eur"),
    "expected_gain_eur": ("EUR a year", "The gain the provider expects from taking part (learnt from its shadow statements)"),
}


@dataclass(frozen=True)
class Table:
    """One output table: what a row is, and its columns (name -> unit, meaning; COMMON ones by name only)."""

    row: str
    columns: dict[str, Column | None]
    when: str = "every run"


def _own(**columns: Column) -> dict[str, Column]:
    return columns


TABLES: dict[str, Table] = {
    "annual": Table("money: arm x replication x year x payer x mechanism x category x territory x patient group (x population)",
                    {"arm": None, "replication": None, "year": None, "payer": None, "mechanism": None, "category": None,
                     "territory": None, "patient_group": None, "population": None,
                     "amount_eur": ("EUR", "Money paid by the payer through the mechanism for the category (weighted to inhabitants)"),
                     "is_total": None}),
    "activity": Table("volumes: arm x replication x year x category x territory x patient group (x population)",
                      {"arm": None, "replication": None, "year": None, "category": None, "territory": None, "patient_group": None,
                       "population": None, "volume": ("volume_unit", "Units of care delivered (weighted to inhabitants)"),
                       "volume_unit": ("unit", "What `volume` counts: contact, episode, stay, day, month or euro (drugs)"),
                       "is_total": None}),
    "indicators": Table("one indicator per arm, replication, year, zone and patient group (zone and group `all` included)",
                        {"arm": None, "replication": None, "year": None, "territory": None, "patient_group": None,
                         "indicator": None, "value": None, "numerator": None, "denominator": None, "is_total": None}),
    "indicators_by_population": Table("the indicators for the target group, the rest and all", {
        "arm": None, "replication": None, "year": None, "territory": None, "patient_group": None, "population": None,
        "indicator": None, "value": None, "numerator": None, "denominator": None, "is_total": None}, "with programmes"),
    "providers": Table("one provider a year: revenue by payer and by mechanism, and its GP-practice contacts", {
        "arm": None, "replication": None, "year": None, "provider": None, "kind": None, "territory": None,
        "revenue_eur": ("EUR", "Everything the provider received in the year"),
        **{f"from_{p}_eur": ("EUR", f"Revenue paid by {p.replace('_', ' ')}") for p in PAYERS},
        **{f"by_{m}_eur": ("EUR", f"Revenue through {m.replace('_', ' ')}") for m in MECHANISMS},
        "gp_contacts": ("contacts", "GP contacts made by the practice (GP practices only)"),
        "practice_nurse_contacts": ("contacts", "Practice-nurse contacts made by the practice (GP practices only)")}),
    "settlements": Table("one measure of one settlement: mechanism x unit x year x measure (expected, benchmark, actual, savings, payment...)", {
        "arm": None, "replication": None, "year": None, "mechanism": None, "unit": None,
        "measure": ("name", "What `value` is: expected_eur, benchmark_error, benchmark_eur, actual_eur, savings_eur, counted_savings_eur, "
                    "true_savings_eur, payment_eur, agreement_year, quality_ratio, episodes, claims_eur, margin_eur, providers_reaching, "
                    "due_year (when the measure is known, after the data lag), paid_year, funded_year (reinvestment), "
                    "partner_<name>_eur (a programme partner's part)..."),
        "value": None, "paid": ("true/false", "True: money really paid; false: a shadow settlement (virtual phase), or one due after "
                                "the convention's end or the horizon, not paid")}),
    "decisions": Table("one decision of one agent in one year, with the inputs it weighed", {
        "arm": None, "replication": None, "year": None, "kind": None,
        "agent": ("name", "The decision maker: a provider, or a zone"),
        "decision": ("name", "participation, coding, selection_shed, supply_<category>, length_of_stay, effort, reinvestment, ..."),
        "value": None, "expected_gain_eur": None,
        "peer_share": ("share", "Share of the agent's peers taking part last year"),
        "cost_eur": ("EUR", "The agent's own switching or effort cost")}),
    "shadow_statements": Table("one provider a year in a transition: what it was paid and what the reform would have paid", {
        "arm": None, "replication": None, "year": None, "provider": None, "kind": None, "territory": None,
        "paid_eur": ("EUR", "Paid under its phase"), "would_have_been_paid_eur": ("EUR", "Under the reform's rules"),
        "status_quo_eur": None,
        "difference_eur": ("EUR", "Would have been paid minus status quo: the shadow gain")}, "with a transition"),
    "participation": Table("one provider a year in a transition: its phase, whether it takes part, its gains", {
        "arm": None, "replication": None, "year": None, "provider": None, "kind": None, "territory": None,
        "phase": ("phase", "baseline, virtual, voluntary, glide or mandatory"),
        "participating": ("true/false", "Whether the reform pays it this year"),
        "shadow_gain_eur": ("EUR", "Last year's shadow gain"), "expected_gain_eur": None}, "with a transition"),
    "reinvestment": Table("savings reinvested: one intervention in one zone and year", {
        "arm": None, "replication": None, "year": None, "territory": None,
        "intervention": ("name", "The intervention funded"), "savings_year": ("calendar year", "The year whose savings fund it"),
        "pot_eur": ("EUR", "Money available to the zone"), "spend_eur": ("EUR", "Money spent on the intervention"),
        "units": ("units", "Units bought (spend / cost per unit, indexed)"),
        "effect": ("share", "Fall in avoidable admissions it brings (0.1: 10 % fewer)")}, "with reinvestment"),
    "rates": Table("one rate line set by the optimiser: a capitation risk cell or an episode type in a year", {
        "arm": None, "replication": None, "year": None, "line": ("name", "The rule and its cell or episode type"), "kind": None,
        "volume": ("enrolee-months or episodes", "Volume the rate applies to"),
        "observed_eur": ("EUR", "Status-quo cost of the line"), "rate_eur": ("EUR", "The budget-neutral rate set")}, "with rate setting"),
    "programme_measures": Table("one programme, year and population of the AIM-style measure (target and rest; zone and reference)", {
        "arm": None, "replication": None, "year": None, "programme": ("name", "The programme"), "population": None,
        "area": ("area", "`programme`: its zones; `reference`: the reference population"),
        "person_years": ("person-years", "Persons measured, weighted by months present"),
        "expected_eur": ("EUR", "Expected compulsory-insurance cost (reference rates per risk cell)"),
        "benchmark_eur": ("EUR", "Expected cost with the drawn benchmark error"),
        "actual_eur": ("EUR", "Compulsory-insurance money paid for the sixteen service groups covered"),
        "actual_per_person_year_eur": ("EUR per person-year", "Actual / person-years"),
        "expected_per_person_year_eur": ("EUR per person-year", "Expected / person-years"), "is_total": None}, "with programmes"),
    "evaluations": Table("one indicator of one programme's evaluation (zero measurement, year_1, year_2, ...) at one level", {
        "replication": None, "programme": ("name", "The programme"),
        "evaluation": ("name", "zero_measurement (the year before the convention), year_1, year_2, ..."), "year": None,
        "level": ("level", "macro: the scenario; meso: the programme's target group and zones; micro: a GP practice"),
        "unit": None, "population": None,
        "dimension": ("Quintuple Aim", "costs, outcomes, patient_experience, professional_workload or equity"),
        "indicator": None, "reform": ("see indicator", "Reform arm"), "status_quo": ("see indicator", "Status-quo arm"),
        "difference": ("see indicator", "Reform minus status quo"), "is_total": None}, "with programmes"),
    "patients_paying_more": Table("who pays more out of pocket: replication x year x zone x patient group (and all)", {
        "year": None, "replication": None, "territory": None, "patient_group": None,
        "persons": ("persons", "People present in the year (weighted)"),
        "paying_more": ("persons", "People whose out-of-pocket is higher under the reform by more than EUR 1"),
        "share_paying_more": ("share", "paying_more / persons"),
        "mean_extra_eur": ("EUR a year", "Mean extra out-of-pocket of those paying more"), "is_total": None}),
    "budget_impact": Table("both arms and the impact: replication x year x payer (and all_payers)", {
        "replication": None, "year": None, "payer": None, "status_quo_eur": None, "reform_eur": None, "impact_eur": None,
        "cumulative_impact_eur": ("EUR", "Impact summed from the first year"),
        "discounted_impact_eur": ("EUR", "Impact discounted to the first year at budget.discount_rate"),
        "npv_eur": ("EUR", "Discounted impact summed from the first year"), "is_total": None}),
    "budget_summary": Table("every budget figure over replications: year x payer x figure", {
        "year": None, "payer": None, "figure": None, "mean": None, "low": None, "high": None, "interval": None,
        "replications": ("runs", "Replications summarised"), "is_total": None}),
    "budget_impact_detail": Table("both arms and the impact: replication x year x payer x category x zone x patient group", {
        "replication": None, "year": None, "payer": None, "category": None, "territory": None, "patient_group": None,
        "status_quo_eur": None, "reform_eur": None, "impact_eur": None, "is_total": None}),
    "patient_payments": Table("patients' payments: replication x year x zone x patient group x type of income", {
        "replication": None, "year": None, "territory": None, "patient_group": None,
        "income_type": ("name", "Type of income of the payment (BMF, fees, drugs, emergency, lab and imaging, extramural, "
                        "federated entities, MAF refunds)"),
        "status_quo_eur": None, "reform_eur": None, "savings_eur": ("EUR", "Status quo minus reform: what patients save"),
        "is_total": None}),
    "psa_draws": Table("one run of the PSA: its draw and the drawn value of every uncertainty", {
        "replication": None, "draw": ("number", "Parameter draw"), "draw_replication": ("number", "Replication within the draw"),
        "seed": ("seed", "The replication's seed (the same in every draw)"),
        "<parameter path>": ("the parameter's unit", "One column per uncertainty: its drawn value (e.g. reform.behaviour.los_response)")},
        "with --psa"),
    "psa_summary": Table("the PSA per year, payer and figure", {
        "year": None, "payer": None, "figure": None, "mean": None, "low": None, "high": None,
        "sd": ("as the figure", "Standard deviation over all runs"),
        "parameter_share": ("share", "Share of the variance owed to the parameters (law of total variance)"),
        "stochastic_share": ("share", "Share owed to chance; with parameter_share it sums to 1"),
        "probability_saving": ("probability", "Share of runs in which the reform saves the payer money"),
        "interval": None, "draws": ("runs", "Parameter draws"), "replications_per_draw": ("runs", "Replications in each draw"),
        "is_total": None}, "with --psa"),
    "psa_indicators": Table("the PSA per year and indicator of the whole population: reform minus status quo", {
        "year": None, "indicator": None,
        "reform": ("see indicator", "Reform arm"), "status_quo": ("see indicator", "Status-quo arm"),
        "mean": None, "low": None, "high": None,
        "sd": ("indicator unit", "Standard deviation of the difference over all runs"),
        "parameter_share": ("share", "Share of the difference's variance owed to the parameters (law of total variance)"),
        "stochastic_share": ("share", "Share owed to chance; with parameter_share it sums to 1"),
        "probability_lower": ("probability", "Share of runs in which the reform lowers the indicator"),
        "interval": None, "draws": ("runs", "Parameter draws"), "replications_per_draw": ("runs", "Replications in each draw")},
        "with --psa"),
    "psa_parameters": Table("one uncertainty against one payer's impact", {
        "payer": None, "figure": None, "year": None, "parameter": ("path", "The uncertainty"),
        "rank_correlation": ("Spearman's rho", "Rank correlation with the figure across draws"),
        "variance_explained": ("share", "Share of the figure's variance a straight line in the parameter explains"),
        "is_total": None}, "with --psa"),
}


def columns(table: str) -> dict[str, Column]:
    """Every column of a table with its unit and meaning (common ones filled in)."""
    return {name: own if own is not None else COMMON[name] for name, own in TABLES[table].columns.items()}


def frame(table: str | None = None):
    """The dictionary as a DataFrame: table, column, unit, meaning (one table, or all)."""
    import pandas as pd

    names = [table] if table else list(TABLES)
    rows = [(t, c, unit, meaning) for t in names for c, (unit, meaning) in columns(t).items()]
    return pd.DataFrame(rows, columns=["table", "column", "unit", "meaning"])


def markdown() -> str:
    """docs/outputs.md: every table, when it is written, what a row is, and its columns."""
    lines = ["# Output tables", "",
             "Generated by `simsim tables --markdown` from `simulator/dictionary.py`; a test keeps it in sync. Every table is",
             "written as `<name>.parquet` and `<name>.csv` in the run folder, and is `result.<name>` in Python",
             "(`simulator.run_scenario`, `simulator.load_run`).", "",
             "Tables are long: one row per combination of their keys. Rows that sum others (payer `all_payers`; territory,",
             "patient group or population `all`) have `is_total` true: drop them before summing, as in",
             "`t[~t.is_total].groupby('year').amount_eur.sum()`. Money is in euros of the year (tariffs uprated by",
             "`tariffs.indexation`), weighted to the inhabitants. `unit` is always an entity (a zone, a programme, an",
             "episode type, a GP practice); a measurement unit is `volume_unit`.", ""]
    for name, table in TABLES.items():
        lines += [f"## `{name}`", "", f"{table.row[0].upper()}{table.row[1:]}. Written {table.when}.", "",
                  "| column | unit | meaning |", "|---|---|---|"]
        lines += [f"| `{c}` | {unit} | {meaning} |" for c, (unit, meaning) in columns(name).items()]
        lines.append("")
    return "\n".join(lines)
