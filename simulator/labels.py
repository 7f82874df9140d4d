"""Plain labels for the names the tables use (payers, categories, indicators, provider kinds, parameters, outcomes).

Reports and charts show these; the tables keep the names, which are stable identifiers.
A name without an entry is turned into words (underscores to spaces, the last part of a
dotted path, known abbreviations kept).
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    # payers
    "all_payers": "All payers (incl. patients)", "federal_insurance": "Federal insurance (INAMI/RIZIV)",
    "patients": "Patients (out of pocket)", "flemish_community": "Flemish Community", "aviq": "AVIQ (Wallonia)",
    "iriscare": "Iriscare (Brussels)", "german_speaking_community": "German-speaking Community", "municipalities": "Municipalities",
    # provider kinds
    "gp_practice": "GP practices", "hospital": "Hospitals", "hospital_network": "Hospital networks", "pharmacy": "Pharmacies",
    "home_care": "Home care", "nursing_home": "Nursing homes", "physiotherapy": "Physiotherapists",
    "administration": "Administration", "integration_management": "Integration management",
    # mechanisms and phases
    "fee_for_service": "Fee for service", "capitation": "Capitation", "bundle": "Episode bundles", "global_budget": "Global budget",
    "shared_savings": "Shared savings", "p4p": "Pay for performance", "maximum_billing": "Maximum billing (MAF)",
    "supplement": "Supplements", "shadow": "Shadow (virtual) payment", "voluntary": "Voluntary transition",
    # patient groups and arms
    "bim": "Increased reimbursement (BIM)", "non_bim": "Standard reimbursement", "reform": "Reform", "status_quo": "Status quo",
    # figures
    "impact_eur": "Impact", "cumulative_impact_eur": "Cumulative impact", "npv_eur": "Net present value",
    "status_quo_eur": "Status quo", "reform_eur": "Reform",
    # service categories and types of income
    "gp": "GP care", "specialist": "Specialist care", "lab_imaging": "Lab and imaging", "drugs": "Drugs", "emergency": "Emergency care",
    "inpatient_stay": "Inpatient stay", "inpatient_fees": "Inpatient fees", "day_case": "Day cases", "rehabilitation": "Rehabilitation",
    "home_nursing": "Home nursing", "practice_nurse": "Practice nurses", "bmf": "Hospital budget (BMF)", "fees": "Fees",
    "extramural": "Extramural care", "maximum_billing_refunds": "Maximum-billing refunds", "supplements": "Supplements",
    # indicators
    "admissions_per_1000": "Admissions per 1,000", "avoidable_admissions_per_1000": "Avoidable admissions per 1,000",
    "emergency_visits_per_1000": "Emergency visits per 1,000", "mortality_per_1000": "Deaths per 1,000",
    "readmission_rate": "Readmissions within 30 days", "continuity_of_care": "Continuity of care (usual-provider index)",
    "gp_contacts_per_capita": "GP contacts per inhabitant", "out_of_pocket_per_capita": "Out of pocket per inhabitant",
    "length_of_stay": "Length of stay", "bed_days_per_capita": "Bed days per inhabitant",
    "insurance_spending_per_capita": "Insurance spending per inhabitant",
    # behavioural parameters and levers (last part of the dotted path)
    "sharing_rate": "Sharing rate", "minimum_savings_rate": "Minimum savings rate", "coding_drift": "Coding drift",
    "benchmark_error_sd": "Benchmark error (sd)", "effort_max_effect": "Maximum effect of coordination",
}

UPPER = {"gp": "GP", "bim": "BIM", "maf": "MAF", "eur": "EUR", "los": "LOS", "p4p": "P4P", "sd": "sd", "aim": "AIM"}


def label(name: str) -> str:
    """A plain label for a table name or a dotted parameter path."""
    if name in LABELS:
        return LABELS[name]
    last = name.rsplit(".", 1)[-1]
    if last in LABELS:
        parent = name.rsplit(".", 2)[-2] if name.count(".") >= 1 else ""
        return LABELS[last] if parent in ("shared_savings", "behaviour", "") else f"{LABELS[last]} ({label(parent)})"
    text = _words(last)
    if "." in name:
        parent = name.rsplit(".", 2)[-2]
        if parent not in ("behaviour", "reform", "pathways"):
            text = f"{_words(parent)} ({text})"
    return text[:1].upper() + text[1:]


def _words(name: str) -> str:
    return " ".join(UPPER.get(w, w) for w in name.split("_"))
