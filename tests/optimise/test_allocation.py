"""Reinvestment allocation with Pyomo + HiGHS: known optima, constraints respected, plain-language infeasibility."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simulator.optimise import AllocationProblem, OptimisationError, solve_allocation


def problem(**changes) -> AllocationProblem:
    base = dict(pot=1_000_000.0, zones=("a", "b"), residents=np.array([100_000.0, 50_000.0]), avoidable=np.array([800.0, 900.0]),
                names=("coordinators", "home_care"), unit_cost=np.array([50_000.0, 25_000.0]), max_effect=np.array([0.2, 0.1]),
                half_density=np.array([5.0, 10.0]), capacity_density=np.array([np.inf, np.inf]))
    return AllocationProblem(**{**base, **changes})


def brute_force(p: AllocationProblem, step: float) -> float:
    """Best avoided admissions over a grid of allocations that spend exactly the pot."""
    cells = len(p.zones) * len(p.names)
    levels = np.arange(0, p.pot + step / 2, step)
    best = -1.0
    for combo in itertools.product(levels, repeat=cells - 1):
        last = p.pot - sum(combo)
        if last < -1e-6:
            continue
        spend = np.array([*combo, last]).reshape(len(p.zones), len(p.names))
        if (spend.sum(axis=1) < p.floors() - 1e-6).any():
            continue
        best = max(best, p.avoided(spend))
    return best


def test_matches_brute_force_and_allocates_the_pot():
    p = problem()
    solution = solve_allocation(p)
    assert solution.spend.sum() == pytest.approx(p.pot, rel=1e-9)
    assert solution.avoided >= brute_force(p, 50_000.0) - 1e-6  # the LP optimum is at least the best grid point


def test_equity_floor_and_capacity_are_respected():
    p = problem(floor_share=0.8, capacity_density=np.array([4.0, 1000.0]))
    solution = solve_allocation(p)
    assert (solution.spend.sum(axis=1) >= p.floors() - 1e-6).all()
    density = solution.units / (p.residents[:, None] / 100_000)
    assert (density[:, 0] <= 4.0 + 1e-9).all()
    assert solution.spend.sum() == pytest.approx(p.pot, rel=1e-9)


def test_beats_the_proportional_rule():
    p = problem()
    proportional = np.outer(p.residents / p.residents.sum(), [0.5, 0.5]) * p.pot
    assert solve_allocation(p).avoided >= p.avoided(proportional) - 1e-9


def test_whole_units():
    p = problem(pot=330_000.0, integer_units=True)
    solution = solve_allocation(p)
    np.testing.assert_allclose(solution.units, np.round(solution.units), atol=1e-6)
    assert solution.spend.sum() <= p.pot + 1e-6


@pytest.mark.parametrize(("changes", "family", "words"), [
    ({"floor_share": 1.5}, "equity floors", "more than the pot"),
    ({"capacity_density": np.array([1.0, 1.0])}, "capacity limits", "less than the pot"),
])
def test_infeasible_problems_name_the_binding_constraints(changes, family, words):
    with pytest.raises(OptimisationError, match=words) as info:
        solve_allocation(problem(**changes))
    assert info.value.family == family
