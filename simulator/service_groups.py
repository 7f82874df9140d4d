"""The sixteen service groups of the AIM's expected-versus-actual measure, and the model's categories in each.

The integrated-care pilot convention (seed 001, Art. 9 § 2) has the AIM compute real and
expected compulsory-insurance spending of the target group over sixteen service groups
(the list is in the convention's annex 4A, not in the published text). The groups below
follow the insurance's partial budget objectives. Groups the model does not simulate
count nothing: a programme's measure then covers less than the AIM's, which the report says.
Nursing homes are not insurance spending since the sixth state reform (federated entities).
"""

from __future__ import annotations

SERVICE_GROUP_CATEGORIES: dict[str, tuple[str, ...]] = {
    "general_practice": ("gp", "practice_nurse"),
    "specialist_fees": ("specialist", "inpatient_fees"),
    "clinical_biology_and_imaging": ("lab_imaging",),  # two insurance objectives, one category in the model
    "pharmaceuticals": ("drugs",),
    "hospital_day_price": ("inpatient_stay",),
    "day_hospital": ("day_case",),
    "emergency_care": ("emergency",),
    "rehabilitation": ("rehabilitation",),
    "home_nursing": ("home_nursing",),
    "physiotherapy": ("physiotherapy",),
    "dental_care": (),
    "implants_and_devices": (),
    "mental_health_care": (),
    "dialysis": (),
    "patient_transport": (),
    "other_care": (),  # speech therapy, midwives, opticians, hearing aids
}
SERVICE_GROUPS: tuple[str, ...] = tuple(SERVICE_GROUP_CATEGORIES)
NOT_MODELLED: tuple[str, ...] = tuple(g for g, c in SERVICE_GROUP_CATEGORIES.items() if not c)


def categories_of(groups: list[str] | tuple[str, ...]) -> list[str]:
    """The model's categories in the service groups, in category order."""
    from simulator.categories import CATEGORIES

    wanted = {c for g in groups for c in SERVICE_GROUP_CATEGORIES[g]}
    return [c for c in CATEGORIES if c in wanted]
