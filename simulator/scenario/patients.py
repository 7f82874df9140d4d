"""What patients pay beyond co-payments, and its ceiling: the maximum billing (MAF) and supplements."""

from __future__ import annotations

from pydantic import model_validator

from simulator.categories import CATEGORIES
from simulator.scenario.fields import Section, keyed_section, listing, param

#: MAF income ceilings per household by net taxable income band, 2024 euros (MC summary of INAMI; V):
#: 0-12,681 / -22,687 / -34,877 / -47,067 / -58,749 / above.
INCOME_CEILINGS = [254.99, 516.92, 746.66, 1148.70, 1608.18, 2067.66]


class MaximumBilling(Section):
    """The maximum billing (maximum à facturer): a patient's yearly co-payments above the ceiling are refunded by the insurance.

    Applied per person (the MAF counts per household: a person's ceiling here is the household's,
    so fewer people reach it than households do; D). Supplements do not count (AIM 2024).
    """

    enabled: bool = param(True, "switch", "Refund co-payments above the ceiling (false: no ceiling)")
    income_ceilings: list[float] = listing(lambda: list(INCOME_CEILINGS), "euro per year, price year",
                                           "Ceilings of the six income bands, at the tariffs' price year (MC 2024; V)", min_length=6, max_length=6)
    income_band_shares: list[float] = listing(
        lambda: [0.10, 0.20, 0.22, 0.20, 0.12, 0.16], "shares",
        "Share of people without increased reimbursement in each income band. U (no stored source gives the distribution of "
        "household net taxable income over the MAF bands); range: any shares summing to 1", min_length=6, max_length=6)
    bim_ceiling: float = param(516.92, "euro per year, price year", "Ceiling of the social MAF, for people with increased reimbursement (MC 2024; V)", ge=0)
    chronic_reduction: float = param(112.62, "euro per year, price year", "Ceiling lowered for people with chronic status, here those with a followed condition (AIM 2023; V, the status proxied: D)", ge=0)
    child_ceiling: float = param(732.03, "euro per year, price year", "Individual ceiling of children under 19 (AIM 2023; V)", ge=0)

    @model_validator(mode="after")
    def _shares(self) -> MaximumBilling:
        if any(s < 0 for s in self.income_band_shares) or abs(sum(self.income_band_shares) - 1) > 1e-6:
            raise ValueError(f"allowed: income_band_shares of at least 0 that sum to 1 (got sum {sum(self.income_band_shares):.6g})")
        return self


SupplementShare = keyed_section(
    "SupplementShare",
    {c: (0.185 if c == "inpatient_fees" else 0.0) for c in CATEGORIES},
    "share of tariff",
    "Supplements billed to patients on top of the tariff, outside the MAF (inpatient fees: fee supplements were 18.5 % of "
    "the official fees billed in hospital in 2017, IMA-AIM via HSPA; V. Elsewhere 0: U, to be set where known)",
    module=__name__,
    ge=0,
    le=5,
)
