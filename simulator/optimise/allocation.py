"""Reinvestment allocation: spend per zone x intervention that prevents the most avoidable
admissions, each intervention's concave effect curve cut into linear segments, subject to
allocating the pot, an equity floor per zone, capacity limits, and optionally whole units.
Solver status is always checked; an impossible problem is explained in plain words naming
the constraint family that cannot hold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from simulator.optimise.solver import OptimisationError, solve


@dataclass(frozen=True)
class AllocationProblem:
    """Inputs of the reinvestment allocation, in euros and persons of the real population."""

    pot: float
    zones: tuple[str, ...]
    residents: np.ndarray  # [zone]
    avoidable: np.ndarray  # [zone] avoidable admissions a year without the interventions
    names: tuple[str, ...]  # interventions
    unit_cost: np.ndarray  # [intervention] euros per unit-year
    max_effect: np.ndarray  # [intervention] largest share of avoidable admissions prevented
    half_density: np.ndarray  # [intervention] units per 100,000 residents giving half of it
    capacity_density: np.ndarray  # [intervention] most units per 100,000 residents (inf: none)
    floor_share: float = 0.0  # each zone gets at least this share of its population share of the pot
    integer_units: bool = False
    segments: int = 8
    mip_gap: float = 1e-3  # with whole units: stop within this relative gap of the best bound
    time_limit_s: float = 120.0  # with whole units: keep the best allocation found by then

    def curve(self, t: int, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Breakpoints (spend, avoided admissions) of zone t x intervention i, from 0 to the most it can absorb."""
        per_100k = self.residents[t] / 100_000
        most_units = min(self.capacity_density[i] * per_100k, self.pot / self.unit_cost[i])
        units = np.linspace(0.0, most_units, self.segments + 1)
        if self.integer_units:  # breakpoints on whole units keep the relaxation tight: few cells end fractional
            units = np.unique(np.floor(units))
            units = units if len(units) > 1 else np.array([0.0, 0.0])
        spend = units * self.unit_cost[i]
        density = spend / self.unit_cost[i] / max(per_100k, 1e-12)
        avoided = self.avoidable[t] * self.max_effect[i] * density / (density + self.half_density[i])
        return spend, avoided

    def avoided(self, spend: np.ndarray) -> float:
        """Avoided admissions of an allocation [zone, intervention] on the same piecewise-linear curves."""
        return float(sum(np.interp(spend[t, i], *self.curve(t, i)) for t in range(len(self.zones)) for i in range(len(self.names))))

    def floors(self) -> np.ndarray:
        return self.floor_share * self.pot * self.residents / max(self.residents.sum(), 1e-12)


@dataclass(frozen=True)
class Allocation:
    """The solution: spend and units per zone x intervention, avoided admissions, timings."""

    spend: np.ndarray
    units: np.ndarray
    avoided: float
    build_seconds: float
    solve_seconds: float
    status: str = "optimal"  # or "time limit" (whole units: best found, within `gap` of the bound)
    gap: float = 0.0


def check_feasible(p: AllocationProblem) -> None:
    """Name the constraint family that makes the problem impossible, before asking the solver."""
    floors = p.floors()
    if floors.sum() > p.pot * (1 + 1e-9):
        raise OptimisationError("equity floors", f"the equity floors add up to EUR {floors.sum():,.0f}, more than the pot "
                                f"of EUR {p.pot:,.0f}: lower the floor share below {p.pot / max(floors.sum(), 1e-12) * p.floor_share:.3f}")
    absorbable = sum(p.curve(t, i)[0][-1] for t in range(len(p.zones)) for i in range(len(p.names)))
    if absorbable < p.pot * (1 - 1e-9):
        raise OptimisationError("capacity limits", f"the interventions' capacity limits can absorb EUR {absorbable:,.0f}, "
                                f"less than the pot of EUR {p.pot:,.0f}: raise capacities or lower the reinvested share")


def solve_allocation(p: AllocationProblem) -> Allocation:
    """Maximise avoided admissions; spend exactly the pot (at most, with whole units)."""
    import pyomo.environ as pyo

    check_feasible(p)
    started = time.perf_counter()
    T, I = range(len(p.zones)), range(len(p.names))
    curves = {(t, i): p.curve(t, i) for t in T for i in I}
    width, slope = {}, {}  # per segment (t, i, s): spend it can take, avoided admissions per euro
    for (t, i), (xs, ys) in curves.items():
        for s in range(len(xs) - 1):
            width[t, i, s] = xs[s + 1] - xs[s]
            slope[t, i, s] = (ys[s + 1] - ys[s]) / width[t, i, s] if width[t, i, s] > 0 else 0.0
    m = pyo.ConcreteModel()
    m.x = pyo.Var(list(width), bounds=lambda _, t, i, s: (0.0, width[t, i, s]))
    m.objective = pyo.Objective(expr=sum(slope[k] * m.x[k] for k in slope), sense=pyo.maximize)
    spend = {(t, i): sum(m.x[t, i, s] for s in range(len(curves[t, i][0]) - 1)) for t in T for i in I}
    if p.integer_units:
        m.units = pyo.Var(T, I, within=pyo.NonNegativeIntegers)
        m.whole = pyo.Constraint(T, I, rule=lambda _, t, i: spend[t, i] == m.units[t, i] * p.unit_cost[i])
        m.pot = pyo.Constraint(expr=sum(spend.values()) <= p.pot)
    else:
        m.pot = pyo.Constraint(expr=sum(spend.values()) == p.pot)
    floors = p.floors()
    m.floor = pyo.Constraint(T, rule=lambda _, t: sum(spend[t, i] for i in I) >= floors[t])
    built = time.perf_counter()
    solved = solve(m, "reinvestment allocation", "pot, equity floors, capacity limits and whole units",
                   mip_gap=p.mip_gap if p.integer_units else None, time_limit_s=p.time_limit_s if p.integer_units else None)
    done = time.perf_counter()
    amounts = np.array([[pyo.value(spend[t, i]) for i in I] for t in T])
    amounts = np.maximum(amounts, 0.0)
    return Allocation(amounts, amounts / p.unit_cost[None, :], p.avoided(amounts), built - started, done - built,
                      solved.status, solved.gap)

