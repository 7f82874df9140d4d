"""The fixed vocabulary of the model: service categories, payers, provider kinds, regions.

Order matters: arrays in the care, payment and ledger layers are indexed by position
in these tuples, so they are defined once here and nowhere else.
"""

from __future__ import annotations

#: Service categories. Each claim belongs to exactly one; the unit of volume is given.
CATEGORIES: tuple[str, ...] = (
    "gp",  # GP contacts (consultations and visits)
    "specialist",  # ambulatory specialist contacts
    "lab_imaging",  # clinical biology and medical imaging episodes
    "drugs",  # reimbursed drugs, volume in euros at price-year prices
    "emergency",  # emergency-department visits not followed by admission
    "inpatient_stay",  # acute classic stays, volume in bed-days (hospital budget, BMF)
    "inpatient_fees",  # physician fees per acute classic stay, volume in stays
    "day_case",  # day-hospital stays
    "rehabilitation",  # post-acute rehabilitation episodes
    "home_nursing",  # patient-months of home nursing
    "nursing_home",  # resident-months of nursing-home care (federated entities)
    "physiotherapy",  # physiotherapy sessions (independent physiotherapists, or in a medical house's team)
    "practice_nurse",  # contacts with a nurse of the GP practice (chronic-care follow-up, delegated GP tasks)
)
CATEGORY_INDEX: dict[str, int] = {name: i for i, name in enumerate(CATEGORIES)}

#: Unit of volume per category, for tables and the schema.
CATEGORY_UNITS: dict[str, str] = {
    "gp": "contact",
    "specialist": "contact",
    "lab_imaging": "episode",
    "drugs": "euro at price-year prices",
    "emergency": "visit",
    "inpatient_stay": "bed-day",
    "inpatient_fees": "stay",
    "day_case": "day stay",
    "rehabilitation": "episode",
    "home_nursing": "patient-month",
    "nursing_home": "resident-month",
    "physiotherapy": "session",
    "practice_nurse": "contact",
}

#: The federated entities that pay for care since the sixth state reform (nursing homes, and
#: programme money they co-fund): the Flemish Community, Wallonia's AVIQ, Brussels' Iriscare
#: (COCOM) and the German-speaking Community.
FEDERATED_ENTITIES: tuple[str, ...] = ("flemish_community", "aviq", "iriscare", "german_speaking_community")

#: Who pays: the compulsory insurance, patients, the federated entities, and municipalities (a territory payer).
PAYERS: tuple[str, ...] = ("federal_insurance", "patients") + FEDERATED_ENTITIES + ("municipalities",)
PAYER_INDEX: dict[str, int] = {name: i for i, name in enumerate(PAYERS)}
INSURANCE = "federal_insurance"  # the compulsory insurance (INAMI/RIZIV): the payer of reform rules and settlements
#: Categories the zone's federated entity pays instead of the insurance (what the patient does not).
ENTITY_CATEGORIES: tuple[str, ...] = ("nursing_home",)

#: Provider kinds (Mesa agents) and which kind bills each category.
PROVIDER_KINDS: tuple[str, ...] = ("gp_practice", "hospital", "pharmacy", "home_care", "nursing_home", "hospital_network",
                                   "administration", "integration_management", "physiotherapy")
CATEGORY_PROVIDER_KIND: dict[str, str] = {
    "gp": "gp_practice",
    "specialist": "hospital",
    "lab_imaging": "hospital",
    "drugs": "pharmacy",
    "emergency": "hospital",
    "inpatient_stay": "hospital",
    "inpatient_fees": "hospital",
    "day_case": "hospital",
    "rehabilitation": "hospital",
    "home_nursing": "home_care",
    "nursing_home": "nursing_home",
    "physiotherapy": "physiotherapy",
    "practice_nurse": "gp_practice",
}

#: Categories a kind's capitation may cover although another kind bills them: a medical house's
#: team has its own physiotherapists and nurses (home nursing too), paid by the house's forfait.
TEAM_SCOPE: dict[str, tuple[str, ...]] = {"gp_practice": ("physiotherapy", "home_nursing")}

#: Chronic conditions, one bit each in the patients' condition mask.
CONDITIONS: tuple[str, ...] = (
    "diabetes",
    "copd",
    "heart_failure",
    "dementia",
    "cancer",
    "ckd",
    "depression",
)
CONDITION_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(CONDITIONS)}

REGIONS: tuple[str, ...] = ("brussels", "flanders", "wallonia")
REGION_INDEX: dict[str, int] = {name: i for i, name in enumerate(REGIONS)}
#: The federated entity of a region's zones unless a zone names another (German-speaking zones of Wallonia).
REGION_ENTITY: dict[str, str] = {"brussels": "iriscare", "flanders": "flemish_community", "wallonia": "aviq"}

PATIENT_GROUPS: tuple[str, ...] = ("non_bim", "bim")

#: How money is paid. Every transfer in the ledger carries one.
MECHANISMS: tuple[str, ...] = ("fee_for_service", "capitation", "bundle", "global_budget", "shared_savings", "p4p",
                               "transition_admin", "coordination", "reinvestment", "budget_guarantee", "supplement",
                               "maximum_billing", "programme_funding", "investment", "enrolment", "municipal_copayment")
MECHANISM_INDEX: dict[str, int] = {name: i for i, name in enumerate(MECHANISMS)}

#: Money items: the service categories plus `none` for payments not tied to a service
#: (shared-savings and P4P bonuses, bundle margins).
ITEMS: tuple[str, ...] = CATEGORIES + ("none",)
NO_CATEGORY = len(CATEGORIES)

#: Reasons for an acute classic admission: avoidable ones carry the condition that caused
#: them; other admissions are a hip or knee replacement, a stroke, or anything else.
ADMISSION_REASONS: tuple[str, ...] = ("other", "hip_knee", "stroke") + CONDITIONS
REASON_INDEX: dict[str, int] = {name: i for i, name in enumerate(ADMISSION_REASONS)}
FIRST_AVOIDABLE_REASON = 3
