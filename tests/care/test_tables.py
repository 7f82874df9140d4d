"""Lookup tables: mortality reproduces life expectancy; prevalence curves; mask tables."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.care.life_table import gompertz_scale
from simulator.care.tables import HAS, N_CONDITIONS, build_tables, hazard_ratio_per_mask, per_mask
from simulator.categories import CONDITIONS, REGIONS


@pytest.mark.parametrize("expectancy", [78.0, 82.3, 86.0])
def test_gompertz_scale_reproduces_life_expectancy(expectancy):
    slope = 0.11
    level = gompertz_scale(expectancy, slope)
    x = np.arange(0, 130, 0.01)
    assert np.trapezoid(np.exp(-level / slope * np.expm1(slope * x)), x) == pytest.approx(expectancy, abs=0.01)


def test_monthly_death_tables_give_regional_life_expectancy(scenario):
    tables = build_tables(scenario)
    region = REGIONS.index("flanders")
    monthly = tables.death_hazard[region, 1].astype(np.float64)  # women
    survival = np.concatenate([[1.0], np.cumprod((1 - monthly) ** 12)])
    expectancy = survival[:-1].sum() - 0.5  # whole-year life table, deaths mid-year
    assert expectancy == pytest.approx(84.3 + 0.9, abs=1.2)  # truncated at 110 and yearly steps


def test_mask_tables():
    assert N_CONDITIONS[0] == 0 and N_CONDITIONS[(1 << len(CONDITIONS)) - 1] == len(CONDITIONS)
    values = {c: float(i + 1) for i, c in enumerate(CONDITIONS)}
    mask = 0b101  # first and third condition
    assert per_mask(values)[mask] == 1 + 3
    assert hazard_ratio_per_mask(values)[mask] == 1 * 3
    assert HAS[:, mask].tolist()[:3] == [True, False, True]


def test_prevalence_curve_has_floor_age_and_cap(scenario):
    tables = build_tables(scenario)
    dementia = CONDITIONS.index("dementia")
    assert tables.prevalence[dementia, :50].max() == 0
    assert tables.prevalence[dementia, 110] == scenario.morbidity.conditions.dementia.max_prevalence
    assert tables.prevalence[dementia, 50] == pytest.approx(0.002)
    assert (tables.onset >= 0).all()


def test_risk_score_is_one_on_average_and_rises_with_age_and_conditions(scenario):
    from simulator.care.risk import expected_monthly_cost, risk_scores

    tables = build_tables(scenario)
    age = np.array([30, 30, 80, 80], np.uint8)
    mask = np.array([0, 1 << CONDITIONS.index("heart_failure"), 0, 1 << CONDITIONS.index("heart_failure")], np.uint8)
    cost = expected_monthly_cost(tables, scenario, age, mask)
    assert cost[1] > cost[0] and cost[2] > cost[0] and cost[3] > cost[2]
    alive = np.array([True, True, True, False])
    scores, mean = risk_scores(tables, scenario, age, mask, alive)
    assert mean == float(cost[alive].mean())  # the same numpy sum over the living
    np.testing.assert_array_equal(scores, np.where(alive, cost / mean, 0.0).astype(np.float32))
    assert scores[alive].mean() == pytest.approx(1.0) and scores[3] == 0
    assert risk_scores(tables, scenario, age, mask, np.zeros(4, bool))[1] == 1.0  # nobody alive: the unit stays 1


def test_risk_cells_are_age_band_sex_bim_and_capped_condition_count():
    from simulator.care.risk import AGE_BAND_EDGES, risk_cell

    rng = np.random.default_rng(3)
    age, sex, bim = rng.integers(0, 111, 5000).astype(np.uint8), rng.integers(0, 2, 5000).astype(np.uint8), rng.integers(0, 2, 5000).astype(np.uint8)
    count = rng.integers(0, 7, 5000).astype(np.uint8)
    band = np.searchsorted(AGE_BAND_EDGES, age, side="right")
    cell = risk_cell(age, sex, bim, count)
    assert cell.dtype == np.int16
    np.testing.assert_array_equal(cell, ((band * 2 + sex) * 2 + bim) * 4 + np.minimum(count, 3))
    assert risk_cell(np.array([4, 5, 85]), np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([0, 9, 2])).tolist() == [0, 23, 4 * 28 - 2]


def test_cost_table_rows_are_ages_and_columns_condition_masks(scenario):
    from simulator.care.risk import cost_table

    tables, price = build_tables(scenario), scenario.tariffs.unit_price
    age, mask = 80, 1 << CONDITIONS.index("heart_failure")
    share = scenario.primary_care.practice_nurse_share
    by_hand = 0.0
    for process, (by_age, by_mask) in tables.contacts.items():
        unit = (1 - share) * price.gp + share * price.practice_nurse if process == "gp" else getattr(price, process)
        by_hand += (float(by_age[age]) + float(by_mask[mask])) * unit
    by_hand += (float(tables.drugs[0][age]) + float(tables.drugs[1][mask])) * price.drugs
    stay = float(tables.los_median[age]) * np.exp(scenario.hospital.los_sigma**2 / 2)
    by_hand += (float(tables.admission_other[age]) + float(tables.admission_avoidable[mask])) * (price.inpatient_fees + stay * price.inpatient_stay)
    table = cost_table(tables, scenario)
    assert table.shape == (tables.los_median.size, tables.admission_avoidable.size)
    assert table[age, mask] == pytest.approx(by_hand, rel=1e-6)
    assert table[age, mask] != pytest.approx(table[mask, age], rel=1e-3)
