"""The scenario: every input of a run, validated and frozen.

Sections mirror the model's layers. Defaults are the calibrated Belgian values (see
`calibration/` and the README); each field states its unit and, where it is a figure,
its source. Times are in months or years as the unit says; money in euros at
`tariffs.price_year` prices unless the unit says otherwise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from simulator.categories import CONDITIONS, FEDERATED_ENTITIES
from simulator.scenario.fields import Section, keyed_section, listing, param
from simulator.scenario.health import Morbidity, Mortality
from simulator.scenario.pathways import RegionContinuity
from simulator.scenario.patients import MaximumBilling, SupplementShare
from simulator.scenario.programmes import Programme
from simulator.scenario.reform import Reform
from simulator.scenario.uncertainty import PsaSection, Uncertainty

Region = Literal["brussels", "flanders", "wallonia"]
IDENTIFIER = r"^[A-Za-z][A-Za-z0-9_\-]*$"
SAFE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # a file name, never a path: no slash, no leading dot


class RunSection(Section):
    """What to simulate, over which years, with which seeds."""

    name: str = param("scenario", "file name", "Name of the scenario, used in output folders (runs/<name>) and reports: "
                      "letters, digits, '_', '-' and '.', starting with a letter or digit", pattern=SAFE_NAME, max_length=100)
    description: str = param("", "text", "Free text describing the scenario")
    start_year: int = param(2026, "calendar year", "First simulated year (the base year)", ge=2000, le=2100)
    end_year: int = param(2035, "calendar year", "Last simulated year, inclusive", ge=2000, le=2150)
    seed: int = param(20260101, "integer", "Base seed; replication r uses a seed derived from it and r", ge=0, le=2**63 - 1)
    replications: int = param(1, "count", "Independent replications (new population and events each)", ge=1, le=10_000)
    first_replication: int = param(0, "number", "Number of the first replication: replications first .. first + n - 1 run (a sweep "
                                   "runs replication r of a point alone with first_replication = r)", ge=0, le=1_000_000)
    workers: int = param(1, "cores", "Cores the run may use: replications run in parallel processes, up to one per replication, "
                         "and cores left over run each replication's care processes and arms in threads; results do not "
                         "depend on it", ge=1, le=256)

    @field_validator("end_year")
    @classmethod
    def _end_after_start(cls, end_year: int, info) -> int:  # noqa: ANN001 - pydantic signature
        start = info.data.get("start_year")
        if start is not None and end_year < start:
            raise ValueError(f"allowed: >= run.start_year ({start})")
        return end_year


class PopulationSection(Section):
    """The synthetic population: how many patients are simulated and how it renews."""

    size: int | None = param(
        None,
        "persons",
        "Simulated patients; each stands for (sum of territory inhabitants / size) people. "
        "Default: one patient per inhabitant",
        ge=10_000,
        le=12_000_000,
    )
    sample_fraction: float | None = param(
        None, "share", "Alternative to `size`: simulate this share of the inhabitants (weights scale counts back up), "
        "e.g. 0.01 for a quick national run", gt=0, le=1)
    birth_rate: float = param(0.0095, "births per person-year", "Births entering at age 0 (Statbel 2023: ~9.5 per 1,000)", ge=0, le=0.05)
    net_migration_rate: float = param(0.004, "persons per person-year", "Net immigrants entering at ages 18-45", ge=0, le=0.05)
    bim_age_ratio_65plus: float = param(
        1.5, "ratio", "Probability of BIM status at 65+ relative to under 65 (pensioners with low income)", ge=0.1, le=10
    )


class Practice(Section):
    """A GP practice of a territory, from a practices file (`[data] practices`)."""

    name: str = param(..., "identifier", "Name of the practice", pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$", max_length=64)
    list_size: float = param(..., "patients", "Patients on its list: residents choose practices in proportion", gt=0)


class Territory(Section):
    """A primary-care zone: residents, region, social mix and GP supply."""

    name: str = param(..., "identifier", "Name of the zone", pattern=IDENTIFIER, max_length=64)
    region: Region = param(..., "region", "Region, which sets the age-sex structure (Statbel 2021) and life expectancy")
    inhabitants: int = param(..., "persons", "Inhabitants of the zone", ge=1, le=12_000_000)
    bim_share: float = param(0.21, "share", "Share of residents with increased reimbursement (BIM; 21 % nationally in 2025, INAMI)", ge=0, le=1)
    gp_practices: int | None = param(
        None, "practices", "GP practices in the zone; default: inhabitants / providers.patients_per_gp_practice", ge=1, le=100_000
    )
    home_hospital: str | None = param(
        None, "hospital name", "Hospital most residents use; default: the network's hospitals in turn"
    )
    cross_network_share: float = param(
        0.0, "share", "Share of residents whose usual hospital belongs to another network (their episodes are held by that "
        "network); 0 keeps every resident in the zone's network. Set from the zone's hospital-use data", ge=0, le=1)
    federated_entity: Literal[FEDERATED_ENTITIES] | None = param(  # type: ignore[valid-type]
        None, "payer", "Federated entity paying the zone's nursing homes and co-funding its programmes; default by region: "
        "flemish_community, aviq (Wallonia), iriscare (Brussels). A zone of the German-speaking Community sets "
        "german_speaking_community")
    structure: list[list[float]] | None = param(
        None, "persons", "Inhabitants by age band (0-4 ... 85+) and male non-BIM, male BIM, female non-BIM, female BIM: "
        "written from `[data] population`; none: the region's Statbel pyramid and bim_share", min_length=18, max_length=18)
    practices: list[Practice] | None = param(
        None, "list", "The zone's GP practices: written from `[data] practices`; none: gp_practices generated ones")

    @model_validator(mode="after")
    def _structure_rows(self) -> Territory:
        if self.structure is not None and any(len(r) != 4 or min(r) < 0 for r in self.structure):
            raise ValueError("allowed: 18 rows of 4 persons >= 0 (structure)")
        return self


class DataFiles(Section):
    """A researcher's own data, as CSV files (formats: docs/own-data.md); paths relative to the file that names them."""

    population: str | None = param(None, "path", "Inhabitants per territory by age band, sex and BIM (replaces the region's "
                                   "Statbel pyramid and the zone's bim_share)")
    tariffs: str | None = param(None, "path", "Tariffs and co-payments per nomenclature group, averaged by volume into the "
                                "categories they cover")
    practices: str | None = param(None, "path", "GP practices per territory with their list sizes (replaces generated practices)")


class Hospital(Section):
    """One hospital (campus) of the network."""

    name: str = param(..., "identifier", "Name of the hospital", pattern=IDENTIFIER, max_length=64)


class HospitalNetwork(Section):
    """The loco-regional hospital network serving the territories."""

    name: str = param("network", "identifier", "Name of the network", pattern=IDENTIFIER, max_length=64)
    hospitals: list[Hospital] = listing(lambda: [Hospital(name="hospital_1")], "list", "Hospitals of the network", min_length=1)
    loyalty: float = param(0.8, "probability", "Probability that a resident's usual hospital is the zone's home hospital", ge=0, le=1)


class ProviderSection(Section):
    """Supply side defaults."""

    patients_per_gp_practice: int = param(
        1650, "persons", "Inhabitants per GP practice when a zone does not say (14,286 GPs, 57 % in groups; INAMI 2023)", ge=100, le=1_000_000
    )
    gp_practice_size_shape: float = param(3.0, "gamma shape", "Spread of practice list sizes (larger is more even)", gt=0, le=1000)


ConditionContacts = keyed_section(
    "ConditionContacts",
    {c: 1.0 for c in CONDITIONS},
    "contacts per person-year",
    "Extra contacts a year with the condition",
    module=__name__,
    ge=0,
    le=100,
)


class ContactProcess(Section):
    """Poisson contacts with rate = (base * exp(slope*(age-40)) + sum of condition extras) * propensity."""

    base_rate: float = param(3.0, "contacts per person-year", "Rate of a healthy 40-year-old", ge=0, le=100)
    age_slope: float = param(0.015, "per year of age", "Log-linear rise with age", ge=-0.2, le=0.2)
    under5_ratio: float = param(1.0, "ratio", "Rate of children under 5 relative to the age curve", ge=0, le=10)
    per_condition: ConditionContacts = Field(default_factory=ConditionContacts)  # type: ignore[valid-type]


def _contacts(base: float, slope: float, under5: float, extra: float):  # noqa: ANN202 - default factory
    return Field(
        default_factory=lambda: ContactProcess(
            base_rate=base, age_slope=slope, under5_ratio=under5, per_condition=ConditionContacts(**{c: extra for c in CONDITIONS})
        )
    )


class PrimaryCare(Section):
    """Ambulatory contacts: GP practice (GP or practice nurse), specialist, lab and imaging, emergency department, physiotherapy."""

    gp: ContactProcess = _contacts(4.14, 0.012, 1.6, 2.0)  # base rate calibrated (calibration/belgium; D)
    specialist: ContactProcess = _contacts(2.2, 0.015, 0.8, 1.2)
    lab_imaging: ContactProcess = _contacts(2.5, 0.015, 0.5, 1.5)
    emergency: ContactProcess = _contacts(0.119, 0.008, 1.5, 0.12)  # base rate calibrated to visits sent home (calibration/belgium; D)
    physiotherapy: ContactProcess = _contacts(2.18, 0.025, 0.2, 2.3)  # base rate calibrated to INAMI 2016: 730.5 M EUR (MC) -> 75.7 EUR insured per capita at 2024 prices (D)
    continuity: RegionContinuity = Field(default_factory=RegionContinuity)  # type: ignore[valid-type]
    practice_nurse_share: float = param(
        0.01, "share", "Share of a GP practice's contacts (the `gp` process) made by a practice nurse in the status quo: rare "
        "outside medical houses, no fee-for-service code (U)", ge=0, le=1)
    propensity_shape: float = param(
        1.55, "gamma shape", "Spread of individual care-seeking propensity (mean 1; smaller is more unequal) (calibrated to the Belgian base year, calibration/belgium; D)", gt=0.05, le=100
    )


ConditionDrugCost = keyed_section(
    "ConditionDrugCost",
    {"diabetes": 100.0, "copd": 95.0, "heart_failure": 80.0, "dementia": 45.0, "cancer": 900.0, "ckd": 200.0, "depression": 35.0},
    "euro per patient-month",
    "Drug cost of the condition",
    module=__name__,
    ge=0,
)


class Drugs(Section):
    """Monthly drug volume = (base * exp(slope*(age-50)) + condition costs) * individual intensity."""

    base_at_50: float = param(22.0, "euro per patient-month", "Drug cost of a person of 50 without followed condition", ge=0)
    age_slope: float = param(0.03, "per year of age", "Log-linear rise with age", ge=-0.2, le=0.2)
    per_condition: ConditionDrugCost = Field(default_factory=ConditionDrugCost)  # type: ignore[valid-type]
    intensity_sigma: float = param(2.53, "log-sd", "Spread of individual drug intensity (lognormal, mean 1) (calibrated to the Belgian base year, calibration/belgium; D)", ge=0, le=3)


ConditionAdmissionRate = keyed_section(
    "ConditionAdmissionRate",
    {"diabetes": 0.02, "copd": 0.10, "heart_failure": 0.20, "dementia": 0.04, "cancer": 0.12, "ckd": 0.03, "depression": 0.01},
    "admissions per person-year",
    "Ambulatory-care-sensitive (avoidable) admission rate added by the condition",
    module=__name__,
    ge=0,
    le=5,
)


class HospitalCare(Section):
    """Acute classic stays, day cases, readmissions and length of stay."""

    admission_rate_at_50: float = param(0.124, "admissions per person-year", "Non-avoidable admission rate at 50 (frailty 1) (calibrated to the Belgian base year, calibration/belgium; D)", ge=0, le=5)
    admission_age_slope: float = param(0.025, "per year of age", "Log-linear rise of the admission rate with age", ge=-0.2, le=0.2)
    avoidable_rate: ConditionAdmissionRate = Field(default_factory=ConditionAdmissionRate)  # type: ignore[valid-type]
    frailty_exponent: float = param(1.8, "exponent", "Admission hazard scales with frailty to this power (rescaled to mean one)", ge=0, le=3)
    readmission_rate: float = param(0.3, "admissions per person-year", "Extra admission rate in the month after a discharge (30-day readmissions)", ge=0, le=12)
    los_median: float = param(0.900, "days", "Median length of stay at 50 for frailty 1; the mean over stays is 4.6 days once frailty and age act (healthybelgium 2017; calibrated, D)", gt=0, le=60)
    los_sigma: float = param(1.05, "log-sd", "Spread of length of stay (lognormal)", ge=0, le=3)
    los_frailty_exponent: float = param(0.7, "exponent", "Length of stay scales with frailty to this power (mean one)", ge=0, le=3)
    los_age_slope: float = param(0.012, "per year of age", "Log-linear rise of length of stay with age", ge=-0.1, le=0.1)
    day_case: ContactProcess = _contacts(0.11, 0.025, 0.5, 0.05)
    hip_knee_share: float = param(0.05, "share", "Share of non-avoidable admissions at 50+ that are hip or knee replacements (~2 % of all stays, U)", ge=0, le=1)
    stroke_share: float = param(0.03, "share", "Share of non-avoidable admissions at 50+ that are strokes (~2 % of all stays, U)", ge=0, le=1)


class PostAcute(Section):
    """Rehabilitation after a stay, home nursing spells and nursing-home entry."""

    rehabilitation_probability: float = param(0.15, "probability", "Chance that a stay at 65+ is followed by a rehabilitation episode", ge=0, le=1)
    home_nursing_start_at_80: float = param(0.0075, "per month", "Monthly chance of starting home nursing at 80 without condition", ge=0, le=1)
    home_nursing_age_slope: float = param(0.07, "per year of age", "Log-linear rise of the start hazard with age (from 40)", ge=0, le=0.3)
    home_nursing_condition_ratio: float = param(0.6, "ratio per condition", "Each condition multiplies the start hazard by (1 + this)", ge=0, le=10)
    home_nursing_stop: float = param(0.07, "per month", "Monthly chance that a home-nursing spell ends", ge=0, le=1)
    nursing_home_entry_at_85: float = param(0.004, "per month", "Monthly chance of entering a nursing home at 85 without dementia", ge=0, le=1)
    nursing_home_age_slope: float = param(0.1, "per year of age", "Log-linear rise of entry with age (from 65)", ge=0, le=0.5)
    nursing_home_dementia_ratio: float = param(5.0, "ratio", "Entry hazard with dementia relative to without", ge=1, le=50)
    nursing_home_mean_stay: float = param(30.0, "months", "Used to set the share already resident at the start", gt=0, le=240)


CategoryTariffs = keyed_section(
    "CategoryTariffs",
    {
        "gp": 63.0,
        "specialist": 100.0,
        "lab_imaging": 110.0,
        "drugs": 1.0,
        "emergency": 150.0,
        "inpatient_stay": 964.0,
        "inpatient_fees": 1570.0,
        "day_case": 640.0,
        "rehabilitation": 2000.0,
        "home_nursing": 650.0,
        "nursing_home": 1700.0,
        "physiotherapy": 27.0,
        "practice_nurse": 30.0,
    },
    "euro per unit of volume",
    "Fee-for-service tariff at price-year prices (unit per category in the README; derived from the Court of Audit 2018 split uprated to 2024; "
    "physiotherapy: a standard session, D; practice nurse: no Belgian fee-for-service code, priced as a nurse's half hour, U)",
    module=__name__,
    ge=0,
)


class Tariffs(Section):
    """Fee-for-service tariffs and their yearly uprating."""

    price_year: int = param(2024, "calendar year", "Year whose prices the tariffs are expressed in", ge=2000, le=2100)
    indexation: float = param(0.02, "per year", "Yearly uprating of tariffs from the price year on", ge=-0.2, le=0.5)
    unit_price: CategoryTariffs = Field(default_factory=CategoryTariffs)  # type: ignore[valid-type]


CopayNonBim = keyed_section(
    "CopayNonBim",
    {"gp": 0.15, "specialist": 0.25, "lab_imaging": 0.08, "drugs": 0.20, "emergency": 0.15, "inpatient_stay": 0.03,
     "inpatient_fees": 0.02, "day_case": 0.05, "rehabilitation": 0.15, "home_nursing": 0.05, "nursing_home": 0.0,
     "physiotherapy": 0.25, "practice_nurse": 0.0},
    "share of tariff",
    "Patient co-payment (ticket modérateur) for people without increased reimbursement",
    module=__name__,
    ge=0,
    le=1,
)
CopayBim = keyed_section(
    "CopayBim",
    {"gp": 0.04, "specialist": 0.08, "lab_imaging": 0.03, "drugs": 0.12, "emergency": 0.05, "inpatient_stay": 0.01,
     "inpatient_fees": 0.01, "day_case": 0.02, "rehabilitation": 0.05, "home_nursing": 0.0, "nursing_home": 0.0,
     "physiotherapy": 0.08, "practice_nurse": 0.0},
    "share of tariff",
    "Patient co-payment for people with increased reimbursement (BIM)",
    module=__name__,
    ge=0,
    le=1,
)


class CoPayment(Section):
    """Shares of each tariff paid by the patient; the rest is paid by insurance or the federated entity."""

    non_bim: CopayNonBim = Field(default_factory=CopayNonBim)  # type: ignore[valid-type]
    bim: CopayBim = Field(default_factory=CopayBim)  # type: ignore[valid-type]


SecularTrends = keyed_section(
    "SecularTrends",
    {"gp": 0.0, "specialist": 0.0, "lab_imaging": 0.0, "emergency": 0.0, "day_case": 0.0, "drugs": 0.0, "admissions": 0.0,
     "physiotherapy": 0.0},
    "relative change per year",
    "Secular trend of use per person at a given age and set of conditions, compounded from the start year, in both "
    "arms (default 0: the status quo holds still; declare a trend with its source, e.g. the shift to day care)",
    module=__name__,
    ge=-0.2,
    le=0.2,
)


class BudgetSection(Section):
    """How budget impact is summarised."""

    discount_rate: float = param(0.03, "per year", "Discount rate for the net present value of the impact, from the start year", ge=0, le=0.2)
    interval: float = param(0.90, "share", "Width of the interval over replications reported for every budget figure", gt=0, lt=1)


class Scenario(Section):
    """A complete scenario: one TOML file, possibly `extends` another."""

    run: RunSection = Field(default_factory=RunSection)
    population: PopulationSection = Field(default_factory=PopulationSection)
    territories: list[Territory] = listing(..., "list", "Primary-care zones", min_length=1)
    hospital_network: HospitalNetwork = Field(default_factory=HospitalNetwork)
    hospital_networks: list[HospitalNetwork] = listing(
        list, "list", "Several hospital networks (a national run); when given, they replace `hospital_network`, and each zone "
        "belongs to the network of its `home_hospital`")
    providers: ProviderSection = Field(default_factory=ProviderSection)
    mortality: Mortality = Field(default_factory=Mortality)
    morbidity: Morbidity = Field(default_factory=Morbidity)
    primary_care: PrimaryCare = Field(default_factory=PrimaryCare)
    drugs: Drugs = Field(default_factory=Drugs)
    hospital: HospitalCare = Field(default_factory=HospitalCare)
    post_acute: PostAcute = Field(default_factory=PostAcute)
    tariffs: Tariffs = Field(default_factory=Tariffs)
    copayment: CoPayment = Field(default_factory=CoPayment)
    maximum_billing: MaximumBilling = Field(default_factory=MaximumBilling)
    supplements: SupplementShare = Field(default_factory=SupplementShare)  # type: ignore[valid-type]
    reform: Reform = Field(default_factory=Reform)
    trends: SecularTrends = Field(default_factory=SecularTrends)  # type: ignore[valid-type]
    budget: BudgetSection = Field(default_factory=BudgetSection)
    programmes: list[Programme] = listing(
        list, "list", "Integrated-care programmes of the reform arm (royal decree of 29 March 2024): target group, convention, "
        "partners, funding, investments, AIM-style measurement")
    uncertainties: list[Uncertainty] = listing(
        list, "list", "Uncertain inputs for a probabilistic sensitivity analysis (`simsim run --psa N`): a dotted path and a "
        "distribution each, with its source")
    psa: PsaSection = Field(default_factory=PsaSection)
    data: DataFiles = Field(default_factory=DataFiles)

    @property
    def years(self) -> list[int]:
        """Simulated calendar years."""
        return list(range(self.run.start_year, self.run.end_year + 1))

    @property
    def networks(self) -> list[HospitalNetwork]:
        """The hospital networks: `hospital_networks` if given, else the single `hospital_network`."""
        return list(self.hospital_networks) or [self.hospital_network]

    @property
    def inhabitants(self) -> int:
        """Inhabitants represented, over all territories."""
        return sum(t.inhabitants for t in self.territories)

    @property
    def simulated_size(self) -> int:
        """Number of simulated patients at the start."""
        if self.population.sample_fraction is not None:
            return max(1, round(self.population.sample_fraction * self.inhabitants))
        return self.population.size or self.inhabitants

