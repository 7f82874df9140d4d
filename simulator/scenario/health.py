"""Population health in the scenario: mortality (Gompertz by region and sex) and chronic conditions."""

from __future__ import annotations

from pydantic import Field

from simulator.scenario.fields import Section, keyed_section, param

ConditionHazardRatios = keyed_section(
    "ConditionHazardRatios",
    {"diabetes": 1.4, "copd": 1.8, "heart_failure": 2.5, "dementia": 2.5, "cancer": 2.2, "ckd": 1.6, "depression": 1.2},
    "hazard ratio",
    "Mortality hazard ratio of the condition (literature ranges; U)",
    module=__name__,
    ge=0.1,
    le=20,
)
RegionLifeExpectancyGap = keyed_section(
    "RegionLifeExpectancyGap",
    {"brussels": -0.1, "flanders": 0.9, "wallonia": -1.7},
    "years",
    "Regional life expectancy minus the national one (Statbel 2023: 82.2, 83.2, 80.6 vs 82.3)",
    module=__name__,
    ge=-10,
    le=10,
)


CrudeDeathRate = keyed_section(
    "CrudeDeathRate",
    {"brussels_male": 7.0, "brussels_female": 7.7, "flanders_male": 9.5, "flanders_female": 9.5,
     "wallonia_male": 10.2, "wallonia_female": 10.3},
    "deaths per 1,000 per year",
    "Crude death rate by region and sex (Statbel, mortality rates per sex and region, 2019; V), "
    "the last year before COVID-19",
    module=__name__,
    ge=1,
    le=40,
)


class Mortality(Section):
    """Deaths: a Gompertz hazard by region, sex and age (life expectancy and crude rate), times individual risk."""

    life_expectancy_male: float = param(80.2, "years", "Life expectancy at birth, men (Statbel 2023)", ge=40, le=100)
    life_expectancy_female: float = param(84.3, "years", "Life expectancy at birth, women (Statbel 2023)", ge=40, le=100)
    gompertz_slope: float | None = param(
        None, "per year of age", "Rate at which the death hazard rises with age. Default: fitted for each region and "
        "sex so that the Statbel 2021 population at the Gompertz rates has `crude_death_rate` (D)", gt=0.02, le=0.2)
    crude_death_rate: CrudeDeathRate = Field(default_factory=CrudeDeathRate)  # type: ignore[valid-type]
    region_gap: RegionLifeExpectancyGap = Field(default_factory=RegionLifeExpectancyGap)  # type: ignore[valid-type]
    hazard_ratio: ConditionHazardRatios = Field(default_factory=ConditionHazardRatios)  # type: ignore[valid-type]
    frailty_exponent: float = param(0.5, "exponent", "Death hazard scales with frailty to this power (normalised by age)", ge=0, le=3)


class Condition(Section):
    """Prevalence curve of one chronic condition: p(age) = min(cap, p50 * exp(slope * (age - 50)))."""

    prevalence_at_50: float = param(0.05, "share", "Prevalence at age 50", ge=0, le=1)
    age_slope: float = param(0.05, "per year of age", "Log-linear rise of prevalence with age", ge=-0.2, le=0.3)
    min_age: int = param(15, "years", "No cases below this age", ge=0, le=110)
    max_prevalence: float = param(0.3, "share", "Ceiling of prevalence at old ages", ge=0, le=1)


def _condition(p50: float, slope: float, min_age: int, cap: float):  # noqa: ANN202 - default factory
    return Field(default_factory=lambda: Condition(prevalence_at_50=p50, age_slope=slope, min_age=min_age, max_prevalence=cap))


class Conditions(Section):
    """The seven chronic conditions followed (HIS 2018 and AIM orders of magnitude; U per condition)."""

    diabetes: Condition = _condition(0.07, 0.0078, 20, 0.25)  # age slope calibrated (calibration/belgium; D)
    copd: Condition = _condition(0.03, 0.04, 35, 0.20)
    heart_failure: Condition = _condition(0.006, 0.08, 40, 0.20)
    dementia: Condition = _condition(0.002, 0.12, 50, 0.40)
    cancer: Condition = _condition(0.025, 0.04, 20, 0.15)
    ckd: Condition = _condition(0.015, 0.055, 30, 0.30)
    depression: Condition = _condition(0.32, 0.0, 15, 0.25)  # calibration pushes it past its 25 % ceiling (calibration/belgium; D)


class Morbidity(Section):
    """Chronic conditions at the start and their onset over time."""

    conditions: Conditions = Field(default_factory=Conditions)
    frailty_sigma: float = param(1.1, "log-sd", "Spread of the individual frailty (lognormal, mean 1) shared by conditions, admissions and deaths", ge=0, le=3)
    frailty_condition_exponent: float = param(2.33, "exponent", "Condition probability scales with frailty to this power (rescaled to mean one) (calibrated to the Belgian base year, calibration/belgium; D)", ge=0, le=3)
    bim_prevalence_ratio: float = param(1.3, "ratio", "Prevalence among BIM relative to others (social gradient)", ge=0.2, le=5)
    incidence_multiplier: float = param(1.0, "ratio", "Scales onsets implied by the prevalence curves (1 keeps prevalence stable by age)", ge=0, le=10)
