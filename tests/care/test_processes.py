"""The monthly processes: who dies, who falls ill, who uses care, and in which unit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.behaviour import Behaviour
from simulator.care import acute, demography, morbidity, post_acute, utilisation
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.care.tables import build_tables
from simulator.layout import build_layout
from simulator.population import synthesise
from simulator.rng import MonthlyDraws
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def world():
    s = small_scenario("population.size=20000", "territories[0].inhabitants=20000", "territories[1].inhabitants=10000")
    tables = build_tables(s)
    cohort = synthesise(s, build_layout(s), tables, 5)
    return s, tables, cohort


def month(world, step: int, seed: int = 5) -> Month:
    s, tables, cohort = world
    draws = MonthlyDraws(seed, cohort.capacity)
    draws.start(step)
    return Month(step, cohort.age(step), cohort, tables, draws, s)


def test_deaths_only_among_living_and_entrants_join(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    activity = Activity()
    m = month(world, 1)
    demography.step(m, state, activity)
    assert not state.alive[activity.deaths].any()
    assert (cohort.entry_month[activity.deaths] == 0).all()
    assert state.alive[cohort.entrants(1)].all()
    assert not state.alive[cohort.entry_month > 1].any()


def test_death_probability_rises_with_age(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    p = demography.death_probability(month(world, 0), state)
    age = cohort.age(0)
    assert p[age >= 80].mean() > 10 * p[(age >= 40) & (age < 60)].mean()


def test_onsets_only_add_conditions(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    before = state.conditions.copy()
    for step in range(12):
        morbidity.step(month(world, step), state)
    assert ((state.conditions & before) == before).all()
    assert (state.conditions != before).sum() > 0


def test_contacts_and_drugs_are_recorded_for_living_only(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    state.alive[:100] = False
    activity = Activity()
    utilisation.step(month(world, 0), state, activity, Behaviour())
    for category in ("gp", "specialist", "lab_imaging", "emergency", "day_case", "drugs"):
        slots = activity.slots[category]
        assert state.alive[slots].all() and (activity.volume[category] > 0).all()
    assert 0.3 < activity.slots["gp"].size / state.alive.sum() < 0.5  # ~5 contacts a year, some with several


def test_admissions_set_discharge_and_readmissions_follow_it(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    first = Activity()
    acute.step(month(world, 0), state, first, Behaviour())
    assert (state.last_discharge[first.admissions] == 0).all()
    assert (first.bed_days >= first.stays).all() and (first.stays >= 1).all()
    # in the first month only a second stay within the month is a readmission
    np.testing.assert_array_equal(first.readmissions, first.stays - 1)
    second = Activity()
    acute.step(month(world, 1), state, second, Behaviour())
    after_discharge = np.isin(second.admissions, first.admissions)
    np.testing.assert_array_equal(second.readmissions, after_discharge + second.stays - 1)
    assert after_discharge.any()
    np.testing.assert_array_equal(second.volume["inpatient_stay"], second.bed_days)
    np.testing.assert_array_equal(second.volume["inpatient_fees"], second.stays)


def test_length_of_stay_is_same_for_same_slot_whatever_subset(world):
    m = month(world, 3)
    slots = np.arange(0, 5000, 7)
    np.testing.assert_array_equal(acute.length_of_stay(m, slots)[::2], acute.length_of_stay(m, slots[::2]))


def test_post_acute_states_are_exclusive(world):
    _, _, cohort = world
    state = PatientState.from_cohort(cohort)
    for step in range(6):
        activity = Activity()
        m = month(world, step)
        demography.step(m, state, activity)
        acute.step(m, state, activity, Behaviour())
        post_acute.step(m, state, activity, Behaviour())
        assert not (state.home_nursing & state.nursing_home).any()
        assert state.alive[activity.slots["nursing_home"]].all()
        rehab = activity.slots["rehabilitation"]
        assert np.isin(rehab, activity.admissions).all() and (m.age[rehab] >= 65).all()
