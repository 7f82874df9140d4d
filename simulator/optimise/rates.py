"""Budget-neutral rate setting: capitation rates per risk cell and bundle prices per episode type.

Each priced line j (a capitation rule's risk cell, or an episode type) has a volume v_j
(enrolee-months or episodes of the status-quo activity) and an observed cost o_j per unit.
The rates r_j hit the target budget B = (1 - target saving) x sum_j v_j o_j exactly, stay
within a corridor around the observed cost per line, keep each provider kind's revenue
within a corridor around its status-quo revenue, and otherwise deviate as little as
possible: the least total relative deviation sum_j |r_j - o_j| / o_j (least absolute
deviation, as a linear program: the cut falls first on the lines that move the most money).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.optimise.solver import OptimisationError, solve


@dataclass(frozen=True)
class RateProblem:
    """Lines to price: labels, provider kind, volume, observed cost per unit; the target and the corridors."""

    labels: tuple[str, ...]
    kinds: tuple[str, ...]  # provider kind paid by each line
    volume: np.ndarray  # units of status-quo activity (enrolee-months, episodes), in the real population
    observed: np.ndarray  # euros per unit
    target_saving: float = 0.0  # share of the status-quo cost
    cell_corridor: float = 0.2  # each rate within +/- this share of its observed cost
    revenue_corridor: float = 0.1  # each provider kind's revenue within +/- this share of its status-quo revenue

    def status_quo_budget(self) -> float:
        return float(self.volume @ self.observed)

    def target_budget(self) -> float:
        return (1 - self.target_saving) * self.status_quo_budget()


def check_feasible(p: RateProblem) -> None:
    """Name the corridor that puts the target out of reach, before asking the solver.

    Each line can move by the cell corridor and each provider kind by the revenue corridor,
    so the budget can move by at most the narrower of the two, as a share.
    """
    reach = min(p.cell_corridor, p.revenue_corridor)
    if abs(p.target_saving) > reach + 1e-12:
        binding = "cell corridor" if p.cell_corridor <= p.revenue_corridor else "revenue corridor"
        raise OptimisationError(binding, f"a target saving of {p.target_saving:.1%} (EUR {p.status_quo_budget() - p.target_budget():,.0f}) "
                                f"is out of reach: the {binding} lets the budget move by at most {reach:.1%}; widen it or lower the target")


def solve_rates(p: RateProblem) -> np.ndarray:
    """Rates per line (euros per unit) that hit the target budget to the cent."""
    import pyomo.environ as pyo

    check_feasible(p)
    J = range(len(p.labels))
    o, v = p.observed, p.volume
    m = pyo.ConcreteModel()
    m.r = pyo.Var(J, bounds=lambda _, j: ((1 - p.cell_corridor) * o[j], (1 + p.cell_corridor) * o[j]))
    m.dev = pyo.Var(J, within=pyo.NonNegativeReals)
    m.above = pyo.Constraint(J, rule=lambda _, j: m.dev[j] >= m.r[j] - o[j])
    m.below = pyo.Constraint(J, rule=lambda _, j: m.dev[j] >= o[j] - m.r[j])
    scale = 1.0 / max(p.status_quo_budget(), 1.0)  # budget rows in units of the budget keep HiGHS well scaled
    m.budget = pyo.Constraint(expr=sum(v[j] * scale * m.r[j] for j in J) == p.target_budget() * scale)
    m.revenue = pyo.ConstraintList()
    for k in sorted(set(p.kinds)):
        lines = [j for j in J if p.kinds[j] == k]
        revenue = sum(v[j] * o[j] for j in lines) * scale
        paid = sum(v[j] * scale * m.r[j] for j in lines)
        m.revenue.add(paid >= (1 - p.revenue_corridor) * revenue)
        m.revenue.add(paid <= (1 + p.revenue_corridor) * revenue)
    m.objective = pyo.Objective(expr=sum(m.dev[j] / o[j] for j in J if o[j] > 0), sense=pyo.minimize)
    solve(m, "budget-neutral rate setting", "target budget, cell corridors and provider revenue corridors")
    rates = np.array([pyo.value(m.r[j]) for j in J])
    return polish(p, rates)


def polish(p: RateProblem, rates: np.ndarray) -> np.ndarray:
    """Remove the solver's last euros of budget error on the line with the most room (stays inside its corridor)."""
    residual = p.target_budget() - float(p.volume @ rates)
    if residual == 0 or not p.volume.any():
        return rates
    room = ((1 + p.cell_corridor) * p.observed - rates) if residual > 0 else (rates - (1 - p.cell_corridor) * p.observed)
    j = int(np.argmax(room * p.volume))
    out = rates.copy()
    out[j] += residual / p.volume[j]
    return out
