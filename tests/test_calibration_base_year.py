"""With default parameters the base year lands within +-15 % of the published Belgian figures."""

from __future__ import annotations

import pytest

from simulator.experiment import simulate
from simulator.targets import base_year_fit
from tests.conftest import small_scenario

WITHIN_15_PERCENT = (
    "admissions_per_1000",
    "length_of_stay",
    "gp_contact_coverage",
    "chronic_prevalence_15plus",
    "spending_share_top5pct",
    "insurance_spending_target_sectors_per_capita_price_year",
)


@pytest.fixture(scope="module")
def fit():
    s = small_scenario("population.size=60000", "run.end_year=2026",
                       "territories[0].inhabitants=60000", "territories[1].inhabitants=60000",
                       "territories[0].bim_share=0.21", "territories[1].bim_share=0.21")
    return base_year_fit(simulate(s, 0)["indicators"]).set_index("indicator")


@pytest.mark.parametrize("indicator", WITHIN_15_PERCENT)
def test_base_year_within_15_percent(fit, indicator):
    row = fit.loc[indicator]
    assert abs(row["relative_error"]) <= 0.15, f"{indicator}: model {row['model']:.3f} vs target {row['target']}"
