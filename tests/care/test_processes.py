"""The monthly processes of the fused kernel: who dies, who falls ill, who uses care, and in which unit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.behaviour import Behaviour
from simulator.care import kernel
from simulator.care.context import Month
from simulator.care.month import care_month, care_months
from simulator.care.state import PatientState
from simulator.care.tables import build_tables
from simulator.categories import ADMISSION_REASONS
from simulator.layout import build_layout
from simulator.population import synthesise
from simulator.rng import MonthlyDraws
from tests.conftest import small_scenario


@pytest.fixture(scope="module")
def world():
    s = small_scenario("population.size=20000", "territories[0].inhabitants=20000", "territories[1].inhabitants=10000")
    tables = build_tables(s)
    layout = build_layout(s)
    cohort = synthesise(s, layout, tables, 5)
    return s, tables, cohort, layout.n_cells


def month(world, step: int, seed: int = 5) -> Month:
    s, tables, cohort, _ = world
    draws = MonthlyDraws(seed, cohort.capacity)
    draws.start(step)
    return Month(step, cohort.age(step), cohort, tables, draws, s)


def test_deaths_only_among_living_and_entrants_join(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    activity = care_month(month(world, 1), state, Behaviour(), cells)
    assert activity.deaths.size and not state.alive[activity.deaths].any()
    assert (cohort.entry_month[activity.deaths] == 0).all()
    assert state.alive[cohort.entrants(1)].all()
    assert not state.alive[cohort.entry_month > 1].any()
    np.testing.assert_array_equal(activity.alive, np.flatnonzero(state.alive))


def test_deaths_rise_with_age(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    before = state.alive.copy()
    dead = np.zeros(cohort.capacity, bool)
    for step in range(12):
        dead[care_month(month(world, step), state, Behaviour(), cells).deaths] = True
    age = cohort.age(0)
    old, middle = before & (age >= 80), before & (age >= 40) & (age < 60)
    assert dead[old].mean() > 10 * dead[middle].mean()


def test_onsets_only_add_conditions(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    before = state.conditions.copy()
    for step in range(12):
        care_month(month(world, step), state, Behaviour(), cells)
    assert ((state.conditions & before) == before).all()
    assert (state.conditions != before).sum() > 0


def test_contacts_and_drugs_are_recorded_for_living_only(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    activity = care_month(month(world, 0), state, Behaviour(), cells)
    for category in ("gp", "specialist", "lab_imaging", "emergency", "day_case", "drugs", "practice_nurse", "physiotherapy"):
        slots = activity.slots[category]
        assert state.alive[slots].all() and (activity.volume[category] > 0).all() and (np.diff(slots) > 0).all()
    assert 0.3 < activity.slots["gp"].size / state.alive.sum() < 0.5  # ~5 contacts a year, some with several
    assert (activity.dense["drugs"][~state.alive] == 0).all()


def test_admissions_set_discharge_and_readmissions_follow_it(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    first = care_month(month(world, 0), state, Behaviour(), cells)
    assert (state.last_discharge[first.admissions] == 0).all()
    assert (first.bed_days >= first.stays).all() and (first.stays >= 1).all() and (first.stays <= 3).all()
    # in the first month only a second stay within the month is a readmission
    np.testing.assert_array_equal(first.readmissions, first.stays - 1)
    second = care_month(month(world, 1), state, Behaviour(), cells)
    after_discharge = np.isin(second.admissions, first.admissions)
    np.testing.assert_array_equal(second.readmissions, after_discharge + second.stays - 1)
    assert after_discharge.any()
    np.testing.assert_array_equal(second.volume["inpatient_stay"], second.bed_days)
    np.testing.assert_array_equal(second.volume["inpatient_fees"], second.stays)


def together_and_alone(world, reform: Behaviour, months: int) -> list:
    """Step the status quo and `reform` in one pass and each alone; assert that each arm gets the same month after
    month (events, stays, drugs, state). Returns the last month's pair of activities."""
    _, _, cohort, cells = world
    together = [PatientState.from_cohort(cohort) for _ in range(2)]
    alone = [PatientState.from_cohort(cohort) for _ in range(2)]
    for step in range(months):
        m = month(world, step)
        pair = care_months(m, [(together[0], Behaviour()), (together[1], reform)], cells)
        single = [care_month(m, alone[0], Behaviour(), cells), care_month(m, alone[1], reform, cells)]
        for a, b in zip(pair, single, strict=True):
            for category in a.slots:
                np.testing.assert_array_equal(a.slots[category], b.slots[category])
                np.testing.assert_array_equal(a.volume[category], b.volume[category])
            for name in ("deaths", "admissions", "stays", "bed_days", "reason", "readmissions", "avoidable"):
                np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
            np.testing.assert_array_equal(a.dense["drugs"], b.dense["drugs"])
    for t, s in zip(together, alone, strict=True):
        for name in ("alive", "conditions", "last_discharge", "home_nursing", "nursing_home"):
            np.testing.assert_array_equal(getattr(t, name), getattr(s, name))
    return pair


def test_an_arm_stepped_alone_sees_what_it_sees_beside_the_other(world):
    """Both arms in one pass give each arm what it gets alone (another process, say): the draws are the slot's own."""
    cells = world[3]
    reform = Behaviour(supply={"gp": np.full(cells, 1.3, np.float32)}, length_of_stay=np.full(cells, 0.8, np.float32))
    pair = together_and_alone(world, reform, months=3)
    assert pair[1].volume["gp"].sum() > pair[0].volume["gp"].sum()  # the reform arm's own multiplier did act


@pytest.mark.parametrize("also", ["", "episodes", "reasons"])
def test_where_the_arms_agree_arm_one_repeats_arm_zero_exactly(world, also):
    """Slots whose state and cell multipliers agree are copied from arm 0 (whole blocks at once where every slot
    agrees), the rest computed: each arm still gets what it gets alone. The reform acts in half the cells; with
    "episodes" it also marks every seventh slot in a bundle, with "reasons" it lengthens stays by reason (then a slot
    with a stay is computed, not copied)."""
    _, _, cohort, cells = world
    half = np.where(np.arange(cells) < cells // 2, 1.5, 1.0).astype(np.float32)
    in_episode = np.zeros(cohort.capacity, bool)
    in_episode[::7] = also == "episodes"
    reform = Behaviour(supply={"gp": half, "specialist": half}, in_episode=in_episode if also == "episodes" else None,
                       in_episode_contacts={"specialist": 1.2},
                       episode_length_of_stay=np.full(len(ADMISSION_REASONS), 1.4) if also == "reasons" else None)
    unchanged = (half[cohort.cell] == 1) & ~in_episode
    assert 0.2 < unchanged.mean() < 0.8  # both paths are taken
    if not also:  # and some blocks agree in every slot
        assert unchanged[: unchanged.size // kernel.BLOCK * kernel.BLOCK].reshape(-1, kernel.BLOCK).all(axis=1).any()
    pair = together_and_alone(world, reform, months=4)
    assert pair[1].volume["gp"].sum() > pair[0].volume["gp"].sum()


def test_post_acute_states_are_exclusive(world):
    _, _, cohort, cells = world
    state = PatientState.from_cohort(cohort)
    for step in range(6):
        m = month(world, step)
        activity = care_month(m, state, Behaviour(), cells)
        assert not (state.home_nursing & state.nursing_home).any()
        assert state.alive[activity.slots["nursing_home"]].all() and state.alive[activity.slots["home_nursing"]].all()
        rehab = activity.slots["rehabilitation"]
        assert np.isin(rehab, activity.admissions).all() and (m.age[rehab] >= 65).all()


def test_threads_share_the_slots_entered_so_far_evenly():
    """Ranges of whole blocks covering every slot, RANGES_PER_THREAD a thread; the slots not yet entered (nearly free)
    go to the last range."""
    from simulator.care.kernel import BLOCK
    from simulator.care.month import MIN_BLOCKS_PER_THREAD, RANGES_PER_THREAD, _chunks

    assert RANGES_PER_THREAD == 4
    n, entered = 800 * BLOCK + 17, 640 * BLOCK + 5
    ranges = _chunks(n, 2, entered)
    assert ranges == [(k * 80 * BLOCK, (k + 1) * 80 * BLOCK) for k in range(7)] + [(560 * BLOCK, n)]
    assert _chunks(n, 2)[:2] == [(0, 100 * BLOCK), (100 * BLOCK, 200 * BLOCK)] and _chunks(n, 2)[-1] == (700 * BLOCK, n)
    assert _chunks(n, 1, entered) == [(0, n)]
    assert _chunks(n, 2, (2 * MIN_BLOCKS_PER_THREAD - 1) * BLOCK) == [(0, n)]  # too few entered slots for two ranges
    assert len(_chunks(n, 2, 3 * MIN_BLOCKS_PER_THREAD * BLOCK)) == 3  # as many ranges as the entered slots allow
    assert _chunks(n, 3, n + 10) == _chunks(n, 3)


def test_threads_change_nothing(world, monkeypatch):
    """The kernel's slot ranges run in threads give the very arrays of one thread."""
    from simulator.care import month as care_month_module

    _, _, cohort, cells = world
    monkeypatch.setattr(care_month_module, "MIN_BLOCKS_PER_THREAD", 1)
    results, default = [], care_month_module.THREADS[0]
    for threads in (1, 2):
        care_month_module.set_threads(threads)
        ranges = 1 if threads == 1 else 2 * care_month_module.RANGES_PER_THREAD
        assert len(care_month_module._chunks(cohort.capacity, threads)) == ranges
        states = [PatientState.from_cohort(cohort) for _ in range(2)]
        for step in range(3):
            pair = care_months(month(world, step), [(states[0], Behaviour()), (states[1], Behaviour())], cells)
        results.append((pair, states))
    care_month_module.set_threads(default)
    (one, s1), (two, s2) = results
    for a, b in zip(one, two, strict=True):
        for category in a.slots:
            np.testing.assert_array_equal(a.slots[category], b.slots[category])
            np.testing.assert_array_equal(a.volume[category], b.volume[category])
        np.testing.assert_array_equal(a.admissions, b.admissions)
        np.testing.assert_array_equal(a.bed_days, b.bed_days)
    for x, y in zip(s1, s2, strict=True):
        np.testing.assert_array_equal(x.conditions, y.conditions)
        np.testing.assert_array_equal(x.alive, y.alive)
