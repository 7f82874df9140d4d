"""Phases 1-5 of a month (demography, morbidity, care seeking, acute events, post-acute care) for every arm at once.

The work is done by the fused kernel (`care.kernel`); this module gathers its inputs from the
month's tables and each arm's state and behaviour, and slices its output into one `Activity`
per arm. The arms' inputs are independent: an arm stepped alone, in another process, sees
the same draws and gives the same activity as when stepped beside the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from simulator.accumulate import gather, slots_where
from simulator.behaviour import Behaviour
from simulator.care import kernel, unpack
from simulator.care.activity import Activity
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.care.tables import MAX_AGE, N_CONDITIONS
from simulator.categories import ADMISSION_REASONS, CATEGORIES
from simulator.workers import available_cores

_NO_EPISODE = np.zeros(1, bool)
MIN_BLOCKS_PER_THREAD = 8  # below 16 blocks a month, one thread: starting threads would cost more than they save
RANGES_PER_THREAD = 4  # slot ranges per thread, taken by whichever thread is free: the slots' costs differ by region
_LAST: dict[tuple[int, int, int], tuple[float, float]] = {}  # (range, ranges, arms) -> last month's events and stays per slot
THREADS = [available_cores()]  # set_threads changes it


@dataclass(frozen=True)
class MonthTables:
    """The month's arm-invariant kernel inputs (tables with this year's trends)."""

    keys: np.ndarray
    shared: np.ndarray
    tables: tuple[np.ndarray, ...]


def month_tables(m: Month) -> MonthTables:
    """Keys of the month's streams, its scalars and tables (float64, so that every month compiles to one signature)."""
    t, s = m.tables, m.scenario
    f64 = lambda a: np.ascontiguousarray(a, np.float64)  # noqa: E731
    admissions = m.trend("admissions")
    admission_other = (t.admission_scale.reshape(-1, MAX_AGE + 1) * (t.admission_other * admissions)[None, :]).ravel()
    home_nursing_ratio = (1 + s.post_acute.home_nursing_condition_ratio * np.arange(8))[N_CONDITIONS]
    grids = np.stack([m.contact_grid(p) for p in kernel.PROCESSES], axis=1)  # [age * 128 + mask, process]
    shared = {"readmission_monthly": s.hospital.readmission_rate / 12, "hip_knee_share": s.hospital.hip_knee_share,
              "stroke_share": s.hospital.stroke_share, "los_sigma": s.hospital.los_sigma,
              "rehabilitation_probability": s.post_acute.rehabilitation_probability,
              "nursing_home_dementia_ratio": s.post_acute.nursing_home_dementia_ratio,
              "home_nursing_stop": s.post_acute.home_nursing_stop,
              "practice_nurse_share": s.primary_care.practice_nurse_share, "drug_trend": float(m.trend("drugs"))}
    keys = np.array([m.draws.key(name) for name in kernel.STREAMS], np.uint64)
    tables = (t.death_base, t.death_ratio, t.onset_total, t.onset.transpose(0, 2, 1), grids, t.drugs[0], t.drugs[1], t.admission_avoidable * admissions,
              t.avoidable_scale, admission_other, t.avoidable_by_condition.T, t.los_median, t.stay_scale, t.nursing_home_entry,
              t.home_nursing_start, home_nursing_ratio)
    return MonthTables(keys, np.array([shared[k] for k in kernel.SCALARS], np.float64), tuple(f64(a) for a in tables))


def multipliers(b: Behaviour, n_cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One arm's behaviour as kernel inputs: [cell, CELL_MULTIPLIERS], [2, reason] (stay, rehabilitation), [7] in-episode."""
    cell = np.ones((len(kernel.CELL_MULTIPLIERS), n_cells))  # transposed on return: a cell's row is one cache line
    named = {**{p: b.supply.get(p) for p in kernel.PROCESSES}, "avoidable": b.avoidable, "readmission": b.readmission,
             "admission": b.admission, "other_admission": b.other_admission, "length_of_stay": b.length_of_stay,
             "rehabilitation": b.rehabilitation, "nurse_delegation": b.nurse_delegation, "nursing_home_entry": b.nursing_home_entry}
    for row, name in enumerate(kernel.CELL_MULTIPLIERS):
        value = named[name]
        if value is not None:
            cell[row] = value
        elif name == "nurse_delegation":
            cell[row] = 0.0
    reason = np.ones((2, len(ADMISSION_REASONS)))
    for row, value in enumerate((b.episode_length_of_stay, b.episode_rehabilitation)):
        if value is not None:
            reason[row] = value
    episode = np.array([b.in_episode_contacts.get(p, 1.0) for p in kernel.PROCESSES] + [b.in_episode_readmission])
    return np.ascontiguousarray(cell.T), reason, episode


def care_months(m: Month, arms: list[tuple[PatientState, Behaviour]], n_cells: int) -> list[Activity]:
    """Phases 1-5 for each (state, behaviour) in `arms`, in one pass; each state is updated in place."""
    c, n_arms = m.cohort, len(arms)
    two = [arms[min(a, n_arms - 1)] for a in range(2)]  # one arm: its arrays are passed twice and read once
    drugs = [np.empty(c.capacity, np.float32) for _ in range(n_arms)]
    entrants = c.entrants(m.step)
    mt = month_tables(m)
    cohort = (m.age, c.stratum, c.propensity, c.death_frailty, c.condition_mult, c.admission_frailty, c.stay_frailty, c.drug_intensity)
    states = tuple((s.alive, s.conditions, s.last_discharge, s.home_nursing, s.nursing_home, s.cell,
                    _NO_EPISODE if b.in_episode is None else b.in_episode) for s, b in two)
    rows = tuple((*multipliers(b, n_cells), b.in_episode is not None) for _, b in two)
    args = (m.step, n_arms, np.array([entrants.start, entrants.stop], np.int64), mt.keys, mt.shared, cohort, mt.tables, states, rows,
            tuple(drugs[min(a, n_arms - 1)] for a in range(2)))
    bounds = _chunks(c.capacity, THREADS[0], entrants.stop)

    def run(k: int) -> tuple[np.ndarray, ...]:
        r, key = bounds[k], (k, len(bounds), n_arms)
        size = r[1] - r[0]
        events, stays = _LAST.get(key, (n_arms / 2, 1 / 20))
        room = (int(1.1 * events * size) + kernel.MAX_EVENTS * kernel.BLOCK, int(1.1 * stays * size) + kernel.BLOCK)
        out = kernel.care_kernel(*r, *args, *room)
        _LAST[key] = (out[1].size / max(size, 1), out[3].size / max(size, 1))  # next month's buffers: this month's and a margin
        return out

    if len(bounds) == 1:
        parts = [run(0)]
        offsets, slots, volume = unpack.events(parts)
        ad_offsets, *admitted = unpack.admissions(parts)
    else:
        with ThreadPoolExecutor(min(THREADS[0], len(bounds))) as pool:
            parts = list(pool.map(run, range(len(bounds))))
            offsets, slots, volume = unpack.events(parts, pool)
            ad_offsets, *admitted = unpack.admissions(parts, pool)
    return [_activity(a, state, offsets, slots, volume, ad_offsets, admitted, drugs[a]) for a, (state, _) in enumerate(arms)]


def _chunks(n: int, threads: int, entered: int | None = None) -> list[tuple[int, int]]:
    """Slot ranges, whole kernel blocks each: `RANGES_PER_THREAD` for each thread, one for a single thread or a small
    population (fewer than `MIN_BLOCKS_PER_THREAD` blocks a range).

    Each range holds as many of the first `entered` slots (those entered by this month); the
    slots of later months' entrants cost almost nothing and go to the last range. At national
    scale they are 12 % of the slots in the first year. Threads take the ranges in turn as they
    finish one, so a range that costs more (older people, more care) does not hold the others up.
    """
    blocks = -(-max(1, min(n, n if entered is None else entered)) // kernel.BLOCK)
    parts = 1 if threads < 2 else min(threads * RANGES_PER_THREAD, blocks // MIN_BLOCKS_PER_THREAD)
    parts = parts if parts >= 2 else 1
    edges = [kernel.BLOCK * (blocks * k // parts) for k in range(parts)] + [n]
    return list(zip(edges[:-1], edges[1:], strict=True))


def set_threads(threads: int) -> None:
    """Threads the kernel (and each arm's monthly work) may use in this process (the results do not depend on it)."""
    THREADS[0] = max(1, int(threads))


@contextmanager
def threads_set(threads: int) -> Iterator[None]:
    """Within the block this process uses `threads` threads; the setting before is restored after it."""
    before = THREADS[0]
    set_threads(threads)
    try:
        yield
    finally:
        THREADS[0] = before


def kernel_threads() -> int:
    """Threads this process may use (`set_threads`)."""
    return THREADS[0]


def _activity(arm: int, state: PatientState, offsets: np.ndarray, slots: np.ndarray, volume: np.ndarray, ad_offsets: np.ndarray,
              admitted: list[np.ndarray], drugs: np.ndarray) -> Activity:
    """One arm's slice of the kernel's output (views, no copies)."""
    activity = Activity()
    base = arm * kernel.N_CODES
    group = lambda code: slice(offsets[base + code], offsets[base + code + 1])  # noqa: E731
    for code, category in enumerate(CATEGORIES):
        activity.add(category, slots[group(code)], volume[group(code)])
    activity.deaths = slots[group(kernel.DEATH)]
    activity.alive = slots_where(state.alive)
    rows = slice(ad_offsets[arm], ad_offsets[arm + 1])
    activity.admissions, activity.stays, activity.avoidable, activity.readmissions, activity.reason, activity.bed_days = (
        column[rows] for column in admitted)
    activity.add("inpatient_stay", activity.admissions, activity.bed_days)
    activity.add("inpatient_fees", activity.admissions, activity.stays)
    activity.add("drugs", activity.alive, gather(drugs, activity.alive))
    activity.dense["drugs"] = drugs
    return activity


def care_month(m: Month, state: PatientState, behaviour: Behaviour, n_cells: int) -> Activity:
    """Phases 1-5 for one arm."""
    return care_months(m, [(state, behaviour)], n_cells)[0]
