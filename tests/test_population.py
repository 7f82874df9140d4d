"""The synthetic population follows Statbel's structure and the scenario's zones."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.care.tables import build_tables
from simulator.categories import CONDITIONS
from simulator.layout import build_layout
from simulator.population import entries_schedule, frailty_power, stable_order, statbel_age_sex, synthesise
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def built():
    s = small_scenario("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=10000")
    layout = build_layout(s)
    return s, layout, synthesise(s, layout, build_tables(s), seed=11)


def test_statbel_table_total():
    assert sum(int(v.sum()) for v in statbel_age_sex().values()) == 11_521_238


def test_sizes_weights_and_zones(built):
    s, _, c = built
    assert c.n_initial == 20_000 and c.weight == pytest.approx(2.0)
    initial = c.entry_month == 0
    assert np.bincount(c.territory[initial]).tolist() == [15_000, 5_000]
    births, migrants = entries_schedule(s, 20_000)
    assert c.capacity == 20_000 + births.sum() + migrants.sum()
    assert (np.diff(c.entry_month) >= 0).all()  # slots in order of entry


def test_age_structure_matches_statbel(built):
    _, _, c = built
    age = c.age(0)[c.entry_month == 0]
    counts = statbel_age_sex()["wallonia"] + 0 * statbel_age_sex()["flanders"]
    expected_share_65 = counts[13:].sum() / counts.sum()
    share_65 = (age[c.territory[c.entry_month == 0] == 0] >= 65).mean()
    assert share_65 == pytest.approx(expected_share_65, abs=0.015)
    assert 38 < age.mean() < 44


def test_bim_share_per_zone_and_older_more_often(built):
    _, _, c = built
    initial = c.entry_month == 0
    for t, share in ((0, 0.3), (1, 0.1)):
        assert c.bim[initial & (c.territory == t)].mean() == pytest.approx(share, abs=0.02)
    age = c.age(0)
    assert c.bim[initial & (age >= 65)].mean() > c.bim[initial & (age < 65)].mean()


def test_conditions_rise_with_age_and_newborns_are_healthy(built):
    _, _, c = built
    age = c.age(0)
    initial = c.entry_month == 0
    for i, name in enumerate(CONDITIONS[:-1]):  # depression is flat by design
        has = (c.conditions >> i) & 1
        assert has[initial & (age >= 70)].mean() > has[initial & (age < 50)].mean(), name
    newborn = (c.entry_month > 0) & (c.birth_month == c.entry_month)
    assert newborn.any() and (c.conditions[newborn] == 0).all()


def test_cells_agree_with_zone_and_bim(built):
    _, layout, c = built
    assert np.array_equal(layout.cell_territory[c.cell], c.territory)
    assert np.array_equal(layout.cell_bim[c.cell], c.bim)


def test_slots_follow_entry_month_then_cell(built):
    _, _, c = built
    key = c.entry_month.astype(np.int64) * (int(c.cell.max()) + 1) + c.cell
    assert (np.diff(key) >= 0).all()


def test_stable_order_is_a_stable_argsort():
    key = np.random.default_rng(3).integers(0, 50, 5_000)
    np.testing.assert_array_equal(stable_order(key, 50), np.argsort(key, kind="stable"))
    np.testing.assert_array_equal(stable_order(np.zeros(0, np.int64), 4), np.zeros(0, np.int64))


def test_individual_terms_have_mean_one_at_birth_and_frailty_is_selected_by_age(built):
    _, _, c = built
    assert c.propensity.mean() == pytest.approx(1.0, rel=0.05)
    initial, age = c.entry_month == 0, c.age(0)
    young, old = initial & (age < 20), initial & (age >= 80)
    assert c.frailty[young].mean() == pytest.approx(1.0, rel=0.1)
    assert c.frailty[old].mean() < 0.8 * c.frailty[young].mean()  # the frail die first: survivors are less frail


@pytest.mark.parametrize(("sigma", "exponent"), [(0.5, 2.0), (0.8, 0.5), (0.3, 1.0)])
def test_frailty_power_is_rescaled_to_mean_one(sigma, exponent):
    frailty = np.random.default_rng(1).lognormal(-sigma * sigma / 2, sigma, 2_000_000)
    assert frailty_power(frailty, exponent, sigma).mean() == pytest.approx(1.0, rel=0.01)


def test_same_seed_same_population(scenario):
    layout, tables = build_layout(scenario), build_tables(scenario)
    a, b = synthesise(scenario, layout, tables, 3), synthesise(scenario, layout, tables, 3)
    assert np.array_equal(a.frailty, b.frailty) and np.array_equal(a.cell, b.cell)
    assert not np.array_equal(a.frailty, synthesise(scenario, layout, tables, 4).frailty)
