"""Care pathways that respond to payment: continuity and access of primary care, and hospitals' admission choices.

Every effect is a parameter with its source and mark (V verified, D derived, U assumption) in
its description; each at 0 switches its channel off. A multiplier is exp(effect x change): the
change of continuity is in shares of GP contacts with the usual practice.
"""

from __future__ import annotations

from simulator.scenario.fields import Section, keyed_section, param

RegionContinuity = keyed_section(
    "RegionContinuity",
    {"brussels": 0.64, "flanders": 0.86, "wallonia": 0.76},
    "share",
    "Status-quo continuity of GP care (share of a patient's GP contacts with the usual practice), proxied by the share "
    "of people with a global medical record (GGC 2020: Flanders 86 %, Wallonia 76 %, Brussels 64 %; D)",
    module=__name__,
    ge=0,
    le=1,
)


class Pathways(Section):
    """How specialist, emergency and hospital care respond to primary care and to how hospitals are paid (reform arm)."""

    enrolment_continuity: float = param(
        0.5, "share", "Share of the gap to full continuity that enrolment with a capitated practice closes (list enrolment, "
        "as in Belgian medical houses). U; range 0-1", ge=0, le=1)
    continuity_avoidable: float = param(
        -0.31, "log-change per unit of continuity", "Avoidable (care-sensitive) admissions: +0.2 in the usual-provider "
        "index, -6.2 % admissions, in 230,472 English patients aged 62-82 (Barker, Steventon & Deeny 2017, BMJ 356:j84); "
        "ln(0.938)/0.2. D; range -0.6-0", ge=-3, le=0)
    continuity_emergency: float = param(
        -0.3, "log-change per unit of continuity", "Emergency visits without admission: fewer where more patients have a "
        "preferred GP (Tammes et al. 2017, BMC Health Serv Res 17:546, English practices). U in size; range -0.6-0", ge=-3, le=0)
    continuity_specialist: float = param(
        -0.3, "log-change per unit of continuity", "Specialist contacts: fewer in Belgian capitated practices than in "
        "fee-for-service ones (KCE report 85, Annemans et al. 2008). U in size; range -0.6-0", ge=-3, le=0)
    continuity_readmission: float = param(
        -0.2, "log-change per unit of continuity", "30-day readmissions. U; range -0.5-0", ge=-3, le=0)
    after_hours_uptake: float = param(
        0.5, "share", "Share of capitated practices (enrolees' share) that offer after-hours care; fee-for-service practices "
        "rely on the rota as today. U; range 0-1", ge=0, le=1)
    after_hours_emergency: float = param(
        -0.05, "log-change", "Emergency visits of a practice offering after-hours care: -26.4 % of minor attendances with "
        "extended hours in 56 Manchester practices (Whittaker et al. 2016, BJGP 66:e1), times an assumed 20 % minor share. "
        "D/U; range -0.15-0", ge=-1, le=0)
    envelope_admissions: float = param(
        -0.03, "log-change at full envelope", "Avoidable and other classic admissions when a hospital's stay money is an "
        "envelope: admission thresholds rise (direction of hospital global budgets, e.g. Maryland; size U); scaled by the "
        "envelope's share of the money. U; range -0.1-0", ge=-1, le=0)
    day_case_shift: float = param(
        0.05, "share of other stays at full envelope", "Share of other (not avoidable) classic stays moved to day care "
        "when a hospital's stay money is an envelope rather than per bed-day, scaled by the envelope's share (day-case "
        "substitution, hospital pilot convention, Art. 8 para 1). U; range 0-0.2", ge=0, le=0.5)
    bundle_emergency: float = param(
        -0.05, "log-change", "Emergency visits of patients inside an episode window, their holder paying for them "
        "(hospital pilot convention, Art. 8 para 1). U; range -0.2-0", ge=-1, le=0)
    bundle_workup: float = param(
        -0.1, "log-change", "Lab and imaging episodes of patients inside an episode window, their holder paying for them: "
        "duplicate pre-admission work-up avoided (hospital pilot convention, Art. 8 para 1: imaging and lab). U; range -0.3-0",
        ge=-1, le=0)
    bundle_specialist: float = param(
        -0.1, "log-change", "Specialist contacts of patients covered by a chronic-care fee whose scope includes specialist "
        "care (the care group or holder refers less; Dutch care groups). U; range -0.3-0", ge=-1, le=0)
    nurse_delegation: float = param(
        0.15, "share of GP contacts", "Share of GP contacts a capitated team with a practice nurse in its scope delegates "
        "to the nurse (nurse-doctor substitution with similar or better outcomes: Laurant et al. 2018, Cochrane review "
        "CD001271, 18 trials). U in size; range 0-0.3", ge=0, le=0.5)
    nurse_avoidable: float = param(
        -0.27, "log-change per unit of delegated share", "Avoidable admissions of patients whose care is nurse-led: "
        "RR 0.76 (0.64-0.91) of hospital admission in trials of ongoing nurse-led primary care (Martinez-Gonzalez et al. "
        "2014, BMC Health Serv Res 14:214), ln(0.76), times the share delegated. D; range -0.45-0", ge=-2, le=0)
    emergency_conversion: float = param(
        0.5, "share", "Share of the classic stays a higher admission threshold turns away that remain emergency visits "
        "sent home (in Wallonia and Brussels about 4 in 5 emergency patients go home; over 75, more than half are "
        "admitted: healthybelgium). U; range 0-1", ge=0, le=1)
    discharge_post_acute: float = param(
        0.5, "elasticity", "Relative rise of rehabilitation after stays per relative shortening of stays, when a hospital "
        "no longer earns per bed-day (direction: shorter stays and more discharges to post-acute care after Medicare's "
        "prospective payment, Kahn et al. 1990, JAMA 264:1984). U in size; range 0-1.5", ge=0, le=3)
    access_switching: float = param(
        0.02, "share per year", "Yearly share of a practice's patients who move to a practice of their zone offering more "
        "access (after-hours care, a team with a practice nurse) with room on its list (direction: patients choose "
        "practices on quality and access, Santos, Gravelle & Propper 2017, Econ J 127:445, English registrations). U in "
        "size; range 0-0.05", ge=0, le=0.5)
    list_room: float = param(
        0.1, "share of the first year's list", "Growth of a capitated practice's list beyond its first-year size at which "
        "it closes its list to newcomers (Belgian medical houses keep waiting lists). U; range 0-0.3; 0: lists closed", ge=0, le=2)
