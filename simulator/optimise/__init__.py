"""The optimisation layer: Pyomo models solved with HiGHS (`appsi_highs`).

- allocation: reinvestment of savings across zones and interventions;
- rates: budget-neutral capitation rates and bundle prices;
- selection: the best payment design among a sweep's evaluated points.

Solver status is always checked; a problem with no solution raises `OptimisationError`,
whose message names the constraint family that cannot hold.
"""

from simulator.optimise.allocation import Allocation, AllocationProblem, solve_allocation
from simulator.optimise.solver import OptimisationError

__all__ = ["Allocation", "AllocationProblem", "OptimisationError", "solve_allocation"]
