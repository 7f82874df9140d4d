"""The reform arm: payment rules, how they blend, and how providers respond.

Each rule names the provider kind it pays and the service categories (its *scope*) it
covers. Where rules cover a category for a provider kind, fee-for-service keeps paying only
`1 - sum of their weights` of the tariff: a mix such as "60 % fee-for-service at a reduced
tariff + 40 % capitation" is a capitation rule of weight 0.4 plus a tariff change.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from simulator.categories import ADMISSION_REASONS, CATEGORIES, CONDITIONS
from simulator.scenario.fields import Section, keyed_section, listing, param
from simulator.scenario.pathways import Pathways

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
ConditionName = Literal[CONDITIONS]  # type: ignore[valid-type]
Reason = Literal[ADMISSION_REASONS]  # type: ignore[valid-type]
IDENTIFIER = r"^[A-Za-z][A-Za-z0-9_\-]*$"
AMBULATORY = ["gp", "specialist", "lab_imaging", "emergency", "day_case"]
EPISODE_SCOPE = ["specialist", "lab_imaging", "emergency", "inpatient_stay", "inpatient_fees", "rehabilitation", "home_nursing"]

TariffChange = keyed_section(
    "TariffChange",
    {c: 0.0 for c in CATEGORIES},
    "relative change",
    "Change of the fee-for-service tariff in the reform arm (0.1 = +10 %)",
    module=__name__,
    ge=-1,
    le=10,
)

CopaymentChange = keyed_section(
    "CopaymentChange",
    {c: 0.0 for c in CATEGORIES},
    "relative change",
    "Change of the patient's co-payment share in the reform arm, for both BIM and other patients (0.5 = +50 %; the share "
    "stays at most 1)",
    module=__name__,
    ge=-1,
    le=10,
)


class FeeForServiceReform(Section):
    """Fee-for-service in the reform arm: the status-quo tariffs and co-payment shares changed per category."""

    tariff_change: TariffChange = Field(default_factory=TariffChange)  # type: ignore[valid-type]
    copayment_change: CopaymentChange = Field(default_factory=CopaymentChange)  # type: ignore[valid-type]


class Capitation(Section):
    """A fixed amount per enrolee per month for a scope of categories (Belgian medical houses: GP, nurse, physio)."""

    name: str = param("capitation", "identifier", "Name of the rule in tables", pattern=IDENTIFIER)
    provider_kind: Literal["gp_practice", "home_care"] = param("gp_practice", "provider kind", "Who receives it; patients are enrolled with their GP practice or zone service")
    scope: list[Category] = listing(lambda: ["gp"], "categories", "Categories the amount covers", min_length=1)
    weight: float = param(1.0, "share", "Blend weight: share of in-scope money paid by capitation; fee-for-service pays the rest of the tariff", ge=0, le=1)
    rates: Literal["status_quo_cost", "given", "budget_neutral"] = param(
        "status_quo_cost", "method", "status_quo_cost: the reference population's cost of the scope per risk cell; given: `rate`; "
        "budget_neutral: set by the optimiser to hit [reform.rate_setting]'s target budget"
    )
    rate: dict[Category, float] = listing(dict, "euro per enrolee-month", "With rates = 'given': euros per enrolee-month per scope category at price-year prices")
    patient_copayment: Literal["kept", "waived"] = param(
        "kept", "rule", "kept: patients still pay their co-payment on in-scope services, to the capitated provider (the rate, "
        "at status-quo cost, replaces the insurance's part only); waived: they pay nothing, as in Belgian medical houses")
    risk_adjustment: Literal["cells", "none"] = param(
        "cells", "method", "cells: rate per age band x sex x BIM x recorded condition count; none: one rate for all"
    )
    target_conditions: list[ConditionName] = listing(list, "conditions", "Only enrolees with one of these conditions are capitated (e.g. a diabetes care-group fee); empty: all")
    territories: list[str] = listing(list, "zone names", "Zones where it applies; empty: all")
    practice_share: float = param(
        1.0, "share", "Share of GP practices in those zones that take it (medical houses: 4.4 % of Belgians in 2020, AIM); the others stay on fee-for-service", ge=0, le=1
    )
    add_on: bool = param(
        False, "yes/no", "Paid on top of fee-for-service, which keeps paying the full tariff (an enrolment payment, as the German "
        "disease-management programmes' fees per enrolled patient); booked as `enrolment`. Needs rates = 'given'")

    @model_validator(mode="after")
    def _given_rates_cover_scope(self) -> Capitation:
        if self.add_on and self.rates != "given":
            raise ValueError("allowed: rates = 'given' for an add-on payment (a status-quo cost on top of fee-for-service would pay twice)")
        if self.rates == "given":
            missing = [c for c in self.scope if c not in self.rate]
            if missing:
                raise ValueError(f"allowed: a rate for every scope category; missing {', '.join(missing)}")
        return self


class Episode(Section):
    """An episode type: triggered by a kind of admission, covering a window around it."""

    name: str = param(..., "identifier", "Name of the episode type", pattern=IDENTIFIER)
    trigger: list[Reason] = listing(..., "reasons", "Admission reasons that open an episode", min_length=1)
    days_before: int = param(30, "days", "Window before the admission (claims already paid are recovered at settlement)", ge=0, le=90)
    days_after: int = param(90, "days", "Window after the admission", ge=0, le=180)
    price: Literal["status_quo_cost", "given", "budget_neutral"] = param(
        "status_quo_cost", "method", "status_quo_cost: the reference population's mean episode cost, minus `discount`; given: `price_eur`; "
        "budget_neutral: set by the optimiser with the capitation rates to hit [reform.rate_setting]'s target budget")
    price_eur: float = param(0.0, "euro per episode", "Price at price-year prices when price = 'given'", ge=0)
    discount: float = param(0.0, "share", "Discount on the status-quo cost", ge=0, le=0.5)
    stop_loss: float = param(3.0, "multiple of price", "The payer covers an episode's claims above this multiple of its price (0: no stop-loss)", ge=0, le=20)

    @model_validator(mode="after")
    def _window_at_most_six_months(self) -> Episode:
        if self.days_before + self.days_after > 180:
            raise ValueError("allowed: days_before + days_after <= 180 (six months, as in the Belgian hospital pilots)")
        return self


class Bundled(Section):
    """Episode payment held by the hospital network, which pays the in-scope claims from the bundle."""

    scope: list[Category] = listing(lambda: list(EPISODE_SCOPE), "categories", "Categories whose claims in the window the bundle covers", min_length=1)
    episodes: list[Episode] = listing(..., "list", "Episode types", min_length=1)


PaidMechanism = Literal["fee_for_service", "capitation", "bundle", "global_budget", "p4p", "enrolment"]


class Measurement(Section):
    """Expected against actual cost per zone and year, the AIM way (integrated-care pilots, seed 001).

    Actual: the compulsory-insurance money really paid for the scope by the listed mechanisms
    (co-payments excluded). Expected: the reference population's insurance cost per risk cell
    times the zone's enrolee-months, with an estimation error drawn per zone and year.
    """

    scope: list[Category] = listing(lambda: [c for c in CATEGORIES if c != "nursing_home"], "categories", "Categories counted in spending", min_length=1)
    mechanisms: list[PaidMechanism] = listing(
        lambda: ["fee_for_service", "capitation", "bundle", "global_budget", "p4p"], "mechanisms",
        "Insurance payments counted as actual spending (bundle margins and P4P bonuses count when listed)", min_length=1)
    benchmark_error_sd: float = param(0.0, "share of benchmark", "Error of the expected-cost estimate, drawn per zone and year (disputed in the Belgian pilots)", ge=0, le=0.5)
    outlier_rule: Literal["cap", "exclude", "none"] = param(
        "cap", "rule", "cap: a patient's yearly spending counts up to `outlier_cap_eur`; exclude: patients above it are left out of "
        "actual and expected (the AIM pilots' disputed rule); none: all counted")
    outlier_cap_eur: float = param(100_000.0, "euro per patient-year", "Outlier threshold (insurance share of in-scope claims)", gt=0)
    minimum_savings_rate: float = param(0.0, "share of benchmark", "Differences below this are noise and not counted; above it, counted from the first euro", ge=0, le=0.5)
    noise_corridor: float = param(0.0, "share of benchmark", "A deductible: this share of the benchmark is taken off every difference before it counts", ge=0, le=0.5)
    data_lag_quarters: int = param(
        0, "quarters", "Quarters after the end of a year before its measure is known: its settlement is paid, and its gain "
        "reinvested from the January after, that much later (AIM: 2, six accounting quarters; 0: at the year's end)", ge=0, le=16)


class SharingTerms(Section):
    """How a measured difference is shared: the minimum savings rate, sharing and loss rates, caps, the quality gate."""

    minimum_savings_rate: float = param(0.02, "share of benchmark", "Savings (or losses) below this are noise and not shared (MSSP 2-3.9 %)", ge=0, le=0.5)
    noise_corridor: float = param(0.0, "share of benchmark", "A deductible: this share of the benchmark is taken off every difference before it counts", ge=0, le=0.5)
    sharing_rate: float = param(0.5, "share", "Share of savings paid to the providers (MSSP 40-75 %)", ge=0, le=1)
    performance_cap: float = param(0.10, "share of benchmark", "Ceiling of the shared-savings payment (MSSP 10-20 %)", ge=0, le=1)
    downside: bool = param(False, "yes/no", "Two-sided risk after the upside-only years")
    loss_rate: float = param(0.3, "share", "Share of losses paid back when two-sided (MSSP 30-75 %)", ge=0, le=1)
    loss_cap: float = param(0.05, "share of benchmark", "Ceiling of losses paid back", ge=0, le=1)
    upside_only_years: int = param(2, "years", "Upside-only years before losses are shared, counted from the first paid year "
                                   "(KCE: start upside-only)", ge=0, le=50)
    quality_gate: float = param(
        1.2, "ratio", "Savings are shared only if avoidable admissions are at most this multiple of the reference rate (0: no gate)", ge=0, le=10
    )


class SharedSavings(SharingTerms, Measurement):
    """Fee-for-service continues; yearly, attributed spending is compared with a risk-adjusted benchmark."""

    territories: list[str] = listing(list, "zone names", "Zones with an agreement; empty: all")
    benchmark_error_sd: float = param(0.02, "share of benchmark", "Error of the expected-cost estimate, drawn per zone and year (disputed in the Belgian pilots)", ge=0, le=0.5)


class P4PIndicator(Section):
    """One quality indicator with its target and bonus."""

    indicator: Literal["gp_contact_coverage", "avoidable_admissions_per_1000", "readmission_rate"] = param(
        ..., "indicator", "Measured per provider over its enrolees and the year"
    )
    target: float = param(..., "indicator unit", "Level to reach (coverage at least; admissions and readmissions at most)", ge=0)
    bonus_eur: float = param(..., "euro per enrolee-year", "Bonus when the target is reached", ge=0)


class P4P(Section):
    """Pay for performance: a yearly bonus per indicator reached."""

    provider_kind: Literal["gp_practice"] = param("gp_practice", "provider kind", "Who is measured and paid")
    indicators: list[P4PIndicator] = listing(..., "list", "Indicators, targets and bonuses", min_length=1)


class GlobalBudget(Section):
    """A fixed yearly envelope per hospital for a scope (the Belgian budget of financial means, BMF)."""

    scope: list[Category] = listing(lambda: ["inpatient_stay"], "categories", "Categories the envelope replaces", min_length=1)
    weight: float = param(1.0, "share", "Blend weight: share of in-scope money paid by the envelope", ge=0, le=1)
    growth: float = param(0.0, "per year", "Real growth of the envelope on top of indexation", ge=-0.2, le=0.5)
    basis: Literal["reference", "base_year"] = param(
        "reference", "choice", "How each envelope is priced: `reference`, the expected status-quo cost of the hospital's users on "
        "the reference population, year by year; `base_year`, the hospital's own status-quo cost in the horizon's first year "
        "(paid per act, then the envelope from the second year on), as the BMF rests on a hospital's own history")


SupplyElasticity = keyed_section(
    "SupplyElasticity",
    {c: {"gp": 0.2, "specialist": 0.3, "lab_imaging": 0.3, "day_case": 0.2, "physiotherapy": 0.2}.get(c, 0.0) for c in CATEGORIES},
    "elasticity",
    "Relative change of volume per relative change of the provider's marginal price (0: no response)",
    module=__name__,
    ge=0,
    le=2,
)


class Behaviour(Section):
    """How providers respond to the reform; every strength at 0 switches that response off."""

    supply_elasticity: SupplyElasticity = Field(default_factory=SupplyElasticity)  # type: ignore[valid-type]
    effort_max_effect: float = param(0.3, "share", "Largest cut of avoidable-admission hazards that coordination effort can buy", ge=0, le=1)
    effort_curvature: float = param(3.0, "per unit effort", "Diminishing returns: effect = max * (1 - exp(-curvature * effort)) / (1 - exp(-curvature))", gt=0, le=50)
    effort_cost_eur: float = param(25.0, "euro per enrolee-year", "Cost to providers of full effort (quadratic in effort)", ge=0)
    los_response: float = param(0.15, "share", "Shortening of stays when a hospital earns nothing more per bed-day", ge=0, le=0.9)
    post_acute_response: float = param(0.15, "share", "Fewer rehabilitation episodes when the episode holder pays for them", ge=0, le=0.9)
    readmission_response: float = param(0.3, "share", "Fewer readmissions when the episode holder pays for them", ge=0, le=0.9)
    coding_drift: float = param(
        0.0, "per year", "Share of patients paid by risk cell coded one condition higher, added each year. U, default 0: Belgium "
        "has no risk-adjusted payment on recorded diagnoses to learn from; for sensitivity, 0-0.02 from US Medicare Advantage "
        "(coding intensity +1-2 % of risk score a year; Kronick & Welch 2014, Geruso & Layton 2020)", ge=0, le=0.5)
    coding_cap: float = param(0.04, "share", "Ceiling of that share (MSSP caps risk-score growth at 3 % per agreement)", ge=0, le=1)
    risk_selection: float = param(0.0, "per year", "Share of high unfunded-risk enrolees that capitated practices shed yearly to fee-for-service practices", ge=0, le=1)
    demand_elasticity: float = param(
        -0.2, "elasticity", "Patients' demand for GP, specialist, lab and imaging, emergency and day-case care per relative "
        "change of what they pay per unit (co-payment share x tariff): about -0.2 for all care in the RAND Health Insurance "
        "Experiment, US, 1974-82 (Manning et al. 1987; Aron-Dine, Einav & Finkelstein 2013). D; range -0.4-0", ge=-2, le=0)
    pathways: Pathways = Field(default_factory=Pathways)


class Reference(Section):
    """The reference population from which status-quo costs, rates and benchmarks are estimated."""

    size: int = param(100_000, "persons", "Simulated reference patients (one base year, status quo); smaller means noisier rates", ge=10_000, le=2_000_000)


class Intervention(Section):
    """A way to reinvest savings in care, with diminishing returns."""

    name: str = param(..., "identifier", "Name of the intervention", pattern=IDENTIFIER)
    share: float = param(1.0, "weight", "Relative share of each zone's allocation it receives", ge=0)
    cost_per_unit_eur: float = param(..., "euro per unit-year", "Yearly cost of one unit (a coordinator post, a home-care place...) at price-year prices", gt=0)
    max_effect: float = param(..., "share", "Largest cut of avoidable-admission hazards it can bring", ge=0, le=1)
    units_for_half_effect: float = param(..., "units per 100,000 inhabitants", "Units that bring half of the largest effect", gt=0)
    lag_years: int = param(0, "years", "Years between funding and effect (0: effective in the year funded, the year after the savings)", ge=0, le=10)
    max_units_per_100k: float | None = param(None, "units per 100,000 inhabitants", "Capacity limit for the optimiser (none: no limit)", gt=0)


class Reinvestment(Section):
    """A declared share of each year's efficiency gain (expected minus actual cost, per zone) returned to care next year."""

    share: float = param(0.0, "share", "Share of the positive efficiency gain reinvested (0: none)", ge=0, le=1)
    measurement: Measurement = Field(default_factory=Measurement)
    method: Literal["proportional_to_savings", "per_capita", "optimise"] = param(
        "proportional_to_savings", "rule", "How the pot is allocated: to zones by savings or residents (then over interventions by "
        "share), or by the optimiser (Pyomo + HiGHS) to prevent the most avoidable admissions")
    equity_floor: float = param(0.0, "share", "With optimise: each zone gets at least this share of its population share of the pot", ge=0, le=1)
    integer_units: bool = param(False, "yes/no", "With optimise: fund whole units only (the pot is then spent at most)")
    interventions: list[Intervention] = listing(lambda: [
        Intervention(name="care_coordinators", cost_per_unit_eur=75_000.0, max_effect=0.15, units_for_half_effect=20.0),
        Intervention(name="home_care_capacity", cost_per_unit_eur=45_000.0, max_effect=0.10, units_for_half_effect=50.0),
    ], "list", "Interventions funded (defaults illustrative, U)")


class BudgetGuarantee(Section):
    """The hospital pilots' budget guarantee (seed 000): each year, per zone, budgeted minus actual spending is paid
    to the project partners when they spend less, and recovered from them when they spend more."""

    share: float = param(0.0, "share", "Share of the difference corrected (1: the full guarantee; 0: none)", ge=0, le=1)
    hospital_share: float = param(0.5, "share", "Part of each correction borne by the hospital network; the rest by the zone's GP practices", ge=0, le=1)
    measurement: Measurement = Field(default_factory=Measurement)


class Phase(Section):
    """A phase of the transition, from its start year until the next phase."""

    kind: Literal["baseline", "virtual", "voluntary", "glide", "mandatory"] = param(
        ..., "phase", "baseline: status quo; virtual: paid as before, shadow statements of the reform; voluntary: providers opt in; "
        "glide: everyone, blend weights rising; mandatory: everyone, full reform")
    start_year: int = param(..., "calendar year", "First year of the phase", ge=2000, le=2150)


class Transition(Section):
    """How the reform arm moves from fee-for-service to the reform (KCE: virtual payments, voluntary participation)."""

    phases: list[Phase] = listing(list, "list", "Phases by start year; empty: mandatory from the start year")
    territory_delay: dict[str, int] = listing(dict, "years per zone", "Years a zone enters every phase later than the others")
    anticipation: float = param(0.0, "share", "Share of the full provider response already shown during a virtual phase", ge=0, le=1)
    glide_weights: list[float] = listing(lambda: [0.25, 0.5, 0.75, 1.0], "share per year", "Reform weight in the 1st, 2nd ... year of a glide phase (the last repeats)")
    admin_cost_eur: float = param(2.0, "euro per inhabitant-year", "Cost of running two systems side by side (virtual, voluntary, glide phases; U)", ge=0)
    switching_cost_eur: float = param(5_000.0, "euro per provider", "Gain a provider needs before joining the reform (voluntary phase)", ge=0)
    opt_in_noise_eur: float = param(10_000.0, "euro per provider-year", "Spread of the idiosyncratic term in the opt-in decision", ge=0)
    exit_rate: float = param(0.2, "per year", "Chance that a participant whose shadow gain is negative leaves", ge=0, le=1)
    expectation_memory: float = param(
        0.0, "weight", "Weight of last year's expectation in this year's (adaptive expectations, Nerlove 1958): "
        "expected gain = m x last expectation + (1 - m) x last year's shadow gain. U, default 0: last year's statement alone; range 0-0.8",
        ge=0, le=0.95)
    switching_cost_spread: float = param(
        0.0, "log-spread", "Spread of the providers' own switching costs, lognormal around switching_cost_eur, fixed for the run. "
        "U, default 0: the same for all; range 0-1", ge=0, le=3)
    risk_aversion: float = param(
        0.0, "euro per euro", "Mean certainty-equivalent loss per euro of a provider's expected forecast error of its gain. "
        "U, default 0: risk neutral; range 0-1", ge=0, le=5)
    risk_aversion_spread: float = param(0.0, "log-spread", "Spread of the providers' own risk aversion, lognormal. U, default 0; range 0-1", ge=0, le=3)
    peer_weight: float = param(
        0.0, "share", "Share of a provider's switching cost that its peers' participation removes when all of them took part last "
        "year (imitation: Bass 1969, Sultan, Farley & Lehmann 1990; physicians' peer effects: Nair, Manchanda & Bhatia 2010, "
        "Iyengar, Van den Bulte & Valente 2011). Peers: a practice's zone and network, a hospital's and a network's referring "
        "practices, a service's kind in its network. U, default 0; range 0-1", ge=0, le=1)

    @field_validator("phases")
    @classmethod
    def _in_order(cls, phases: list[Phase]) -> list[Phase]:
        years = [p.start_year for p in phases]
        if years != sorted(set(years)):
            raise ValueError("allowed: phases with increasing start years")
        return phases

    @field_validator("glide_weights")
    @classmethod
    def _shares(cls, weights: list[float]) -> list[float]:
        if not weights or any(not 0 <= w <= 1 for w in weights):
            raise ValueError("allowed: a non-empty list of shares between 0 and 1")
        return weights


class IndexedAmount(Section):
    """An amount expressed in its own price year and uprated each 1 January (convention Art. 7 § 2, seed 001)."""

    price_year: int = param(2021, "calendar year", "Year in which the amount is expressed", ge=2000, le=2150)
    indexation: float = param(0.02, "per year", "Yearly uprating of the amount from its price year", ge=-0.1, le=0.2)

    def uprated(self, amount: float, year: int) -> float:
        """`amount` (at `price_year` prices) in `year`'s euros."""
        return amount * (1 + self.indexation) ** (year - self.price_year)


class CoordinationFunding(IndexedAmount):
    """Integration management paid to each zone's coordination body, whatever the payment rules (seed 001)."""

    eur_per_territory: float = param(
        0.0, "euro per zone-year", "Paid to every zone in `territories` from its first year out of the baseline phase (every year "
        "without phases); the integrated-care pilots had EUR 159,342.07 (2021, indexed) + EUR 208,333 = EUR 367,675 a year", ge=0)
    territories: list[str] = listing(list, "zone names", "Zones funded; empty: all")


class MunicipalCopayment(Section):
    """The municipality pays for hospital bed-days beyond a length threshold, in place of the insurance (Norway's
    coordination reform, 2012: municipalities pay for stays beyond a set length; Health ProspectING 2019, seed 002)."""

    threshold_days: float = param(10.0, "days", "Bed-days of a stay beyond this are co-paid by the patient's municipality", ge=0, le=365)
    share: float = param(1.0, "share", "Share of the bed-day tariff beyond the threshold the municipality pays; the insurance pays the rest", ge=0, le=1)
    territories: list[str] = listing(list, "zone names", "Zones whose municipalities pay; empty: all")


class RateSetting(Section):
    """Budget-neutral rates (capitation `rates` or episode `price` = "budget_neutral"), solved each year on the reference's
    status-quo activity: least absolute (relative) deviation from observed cost per risk cell and episode type."""

    target_saving: float = param(0.0, "share", "Target budget = status-quo cost of the priced lines x (1 - this)", ge=-0.5, le=0.5)
    cell_corridor: float = param(0.2, "share", "Each rate stays within this share of its observed cost", ge=0, le=1)
    revenue_corridor: float = param(0.1, "share", "Each provider kind's priced revenue stays within this share of its status-quo revenue", ge=0, le=1)


class Reform(Section):
    """The reform arm. The other arm is always the status quo (fee-for-service as today)."""

    label: str = param("reform", "text", "Name of the reform arm in tables and reports")
    fee_for_service: FeeForServiceReform = Field(default_factory=FeeForServiceReform)
    capitation: list[Capitation] = listing(list, "list", "Capitation rules")
    bundled: Bundled | None = Field(None, description="Episode payment [section]", json_schema_extra={"unit": "section"})
    shared_savings: SharedSavings | None = Field(None, description="Shared-savings agreement [section]", json_schema_extra={"unit": "section"})
    p4p: P4P | None = Field(None, description="Pay for performance [section]", json_schema_extra={"unit": "section"})
    global_budget: GlobalBudget | None = Field(None, description="Hospital global budget [section]", json_schema_extra={"unit": "section"})
    behaviour: Behaviour = Field(default_factory=Behaviour)
    reference: Reference = Field(default_factory=Reference)
    rate_setting: RateSetting = Field(default_factory=RateSetting)
    transition: Transition = Field(default_factory=Transition)
    reinvestment: Reinvestment = Field(default_factory=Reinvestment)
    budget_guarantee: BudgetGuarantee = Field(default_factory=BudgetGuarantee)
    coordination: CoordinationFunding = Field(default_factory=CoordinationFunding)
    municipal_copayment: MunicipalCopayment | None = Field(None, description="Municipal co-payment of long stays [section]",
                                                           json_schema_extra={"unit": "section"})
    forbid_supplements: list[Category] = listing(
        list, "categories", "Categories whose supplements the reform forbids where it is paid (royal decree of 29 March 2024, Art. 6: "
        "no supplement on a programme's services)")

    @field_validator("capitation")
    @classmethod
    def _unique_names(cls, rules: list[Capitation]) -> list[Capitation]:
        names = [r.name for r in rules]
        if len(set(names)) != len(names):
            raise ValueError("allowed: capitation rules with distinct names")
        return rules
