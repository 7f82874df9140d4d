"""Solving a Pyomo model with HiGHS: status always checked, failures explained in plain words."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any


class OptimisationError(RuntimeError):
    """The problem has no solution (or the solver failed); the message names the constraint family in plain words."""

    def __init__(self, family: str, message: str):
        self.family = family
        super().__init__(message)


@dataclass(frozen=True)
class Solved:
    """How the solve ended: 'optimal', or 'time limit' with the best point found and its relative gap."""

    status: str
    gap: float


def solve(model: Any, problem: str, families: str, *, mip_gap: float | None = None, time_limit_s: float | None = None) -> Solved:
    """Solve `model` with HiGHS (appsi) and load the solution, or raise OptimisationError.

    `problem` names the problem and `families` its constraint families, for the message
    when HiGHS finds it infeasible or unbounded.
    """
    import pyomo.environ as pyo

    solver = pyo.SolverFactory("appsi_highs")
    if mip_gap is not None:
        solver.config.mip_gap = mip_gap
    if time_limit_s is not None:
        solver.options["time_limit"] = time_limit_s
    result = solver.solve(model, load_solutions=False)
    condition = str(result.solver.termination_condition)
    bound, best = result.problem.upper_bound, result.problem.lower_bound
    if next(model.component_objects(pyo.Objective)).sense == pyo.minimize:
        bound, best = best, bound
    found = condition == "maxTimeLimit" and best is not None and math.isfinite(best)
    if condition == "maxTimeLimit" and not found:
        raise OptimisationError("time limit", f"no feasible {problem} found within {time_limit_s:g} s: raise the time limit or simplify")
    if condition in ("infeasible", "infeasibleOrUnbounded"):
        raise OptimisationError("solver", f"the {problem} has no solution: its {families} cannot all hold together")
    if condition == "unbounded":
        raise OptimisationError("solver", f"the {problem} is unbounded: one of its {families} is missing a limit")
    if condition != "optimal" and not found:
        raise OptimisationError("solver", f"HiGHS ended with '{condition}' on the {problem} ({families})")
    quiet = logging.getLogger("pyomo.core")
    level, quiet.level = quiet.level, logging.ERROR  # a time-limited solution is reported through the status
    try:
        model.solutions.load_from(result)
    finally:
        quiet.setLevel(level)
    gap = abs(bound - best) / max(abs(bound), 1e-12) if found and math.isfinite(bound) else 0.0
    return Solved("optimal" if condition == "optimal" else "time limit", gap)
