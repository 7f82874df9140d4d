"""One replication: the reform arm and the status-quo arm in lockstep on one population.

Each month's random numbers are drawn once and read by both arms (common random
numbers), so any difference between the arms comes from the policy, not from chance.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulator.allocator import reuse_freed_memory
from simulator.care.context import Month
from simulator.care.month import care_months, kernel_threads
from simulator.care.tables import CareTables, build_tables
from simulator.layout import build_layout
from simulator.model import HealthSystemModel
from simulator.payment.mix import Regime
from simulator.population import Cohort, synthesise
from simulator.reference import ReferenceCosts, build_reference, needs_reference
from simulator.patient_payments import paying_more
from simulator.results import replication_tables
from simulator.rng import MonthlyDraws, derived_seed
from simulator.scenario import Scenario

ARMS: tuple[str, ...] = ("status_quo", "reform")
MIN_SLOTS_FOR_THREADS = 100_000  # below, starting two threads a month costs more than the arms' work saves


def replication_seed(scenario: Scenario, replication: int) -> int:
    """Seed of replication r: derived from the scenario's base seed, independent of workers."""
    return derived_seed(scenario.run.seed, "replication", replication)


@dataclass
class Replication:
    """Everything one replication steps: shared cohort, tables and draws; one model per arm."""

    scenario: Scenario
    cohort: Cohort
    tables: CareTables
    draws: MonthlyDraws
    arms: dict[str, HealthSystemModel]
    paying_more: list[pd.DataFrame] = field(default_factory=list)  # with both arms: who pays more, a frame per year closed

    @classmethod
    def build(cls, scenario: Scenario, seed: int, reference: ReferenceCosts | None = None,
              arms: tuple[str, ...] = ARMS) -> Replication:
        """Population and the arms (both by default); the replication's own reference costs are built here if the
        reform needs them and none are given (the status-quo arm needs them too where it measures programmes)."""
        reuse_freed_memory()
        if reference is None and needs_reference(scenario) and ("reform" in arms or scenario.programmes):
            reference = build_reference(scenario, seed)
        layout = build_layout(scenario)
        tables = build_tables(scenario)
        cohort = synthesise(scenario, layout, tables, seed, kernel_threads())
        alone = len(arms) == 1  # an arm run alone keeps every year's patients' payments, to be paired with the other arm's
        arms = {arm: HealthSystemModel(scenario, arm, Regime(scenario, layout, cohort, reference, arm == "reform", seed, alone), cohort,
                                       layout, seed) for arm in arms}
        cohort.release_entry_states()
        return cls(scenario, cohort, tables, MonthlyDraws(seed, cohort.capacity), arms)

    @property
    def months(self) -> int:
        return 12 * len(self.scenario.years)

    def step(self, step: int) -> None:
        """Advance both arms by month `step`, on the same draws.

        Before and after the care processes (one kernel pass for both arms) each arm's own work runs in a thread of its
        own where the process may use several cores: the arms share only what they read (cohort, tables, the month).
        """
        self.draws.start(step)
        month = Month(step, self.cohort.age(step), self.cohort, self.tables, self.draws, self.scenario)
        models = list(self.arms.values())
        each = _each_arm(len(models), self.cohort.capacity)
        each(lambda model: model.begin_month(month), models)
        activities = care_months(month, [(model.state, model.regime.behaviour) for model in models], models[0].layout.n_cells)
        each(lambda pair: pair[0].account_month(month, pair[1]), list(zip(models, activities, strict=True)))
        del activities  # the month's events (both arms' share one array) freed before December's per-patient work reuses it
        if step % 12 == 11:
            each(lambda model: model.close_month(month), models)
            if len(models) == 2:
                self.paying_more.append(self._paying_more(step // 12))

    def _paying_more(self, year_index: int) -> pd.DataFrame:
        """Who pays more in the year just closed: each patient's out-of-pocket in the two arms, on the same people."""
        sq, rf = (self.arms[arm].regime.out_of_pocket for arm in ARMS)
        row = slice(sq.row(year_index), sq.row(year_index) + 1)
        return paying_more(sq.paid[row], rf.paid[row], sq.present[row] | rf.present[row], sq.territory[row], self.cohort.bim,
                           [t.name for t in self.scenario.territories], [self.scenario.years[year_index]], self.cohort.weight)

    def results(self, label: int) -> dict[str, pd.DataFrame]:
        """All tables of the replication once stepped to the end, numbered `label`."""
        pairs = pd.concat(self.paying_more, ignore_index=True) if self.paying_more else None
        return replication_tables(self.scenario, self.arms, label, pairs)


def _each_arm(n_arms: int, capacity: int) -> Callable[[Callable[[Any], None], list[Any]], None]:
    """Call a function on each arm: in one thread per arm with two arms, several cores and a population worth it."""
    def in_turn(work: Callable[[Any], None], items: list[Any]) -> None:
        for item in items:
            work(item)

    if n_arms < 2 or kernel_threads() < 2 or capacity < MIN_SLOTS_FOR_THREADS:
        return in_turn

    def threaded(work: Callable[[Any], None], items: list[Any]) -> None:
        from threadpoolctl import threadpool_limits

        # BLAS (the year's per-patient products) in one thread while the arms run in theirs: a pool of its own beside
        # them would put more threads than cores on the machine
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(len(items)) as pool:
            for done in [pool.submit(work, item) for item in items]:
                done.result()  # an arm's error (a conservation failure) is raised here

    return threaded


def simulate(scenario: Scenario, replication: int, on_month: Callable[[], None] | None = None,
             reference: ReferenceCosts | None = None, arms: tuple[str, ...] = ARMS, label: int | None = None) -> dict[str, pd.DataFrame]:
    """Run one replication to the end of the horizon and return its tables.

    The tables' `replication` column holds `label` if given (a PSA numbers its runs across
    draws), else the replication's number.

    With one arm, the same replication can run its arms in two processes: the draws are keyed
    by (seed, process, month), so each arm reads the same numbers wherever it runs, and
    `results.pair_arms` gives the tables of a run of both arms together.
    """
    run = Replication.build(scenario, replication_seed(scenario, replication), reference, arms)
    for step in range(run.months):
        run.step(step)
        if on_month is not None:
            on_month()
    for model in run.arms.values():
        model.release_patients()
    tables = run.results(replication if label is None else label)
    for model in run.arms.values():
        model.release()
    return tables
