"""Payment design from sweep results: pick the evaluated point that maximises (or minimises) an
outcome subject to bounds on other outcomes, as a mixed-integer selection (one binary per point).

A point is a setting of the sweep's levers; its uncertainties are never chosen. Robustness
over the uncertainty scenarios: the mean over them (`mean`), the least favourable one
(`worst`, for each bound and the objective), or the smallest maximum regret against the best
point of each scenario (`regret`; bounds then hold in the worst case). Points with a failed
run are left out, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.optimise.solver import OptimisationError, solve

_BOUND = re.compile(r"^\s*(?P<outcome>[A-Za-z][A-Za-z0-9_\-]*)\s*(?P<op><=|>=)\s*(?P<value>[-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Bound:
    """One constraint on an outcome: `outcome <= value` or `outcome >= value`."""

    outcome: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Bound:
        match = _BOUND.match(text)
        if not match:
            raise ValueError(f"'{text}': write OUTCOME<=NUMBER or OUTCOME>=NUMBER, e.g. cumulative_impact_eur<=0")
        return cls(match["outcome"], match["op"], float(match["value"]))

    def holds(self, values: np.ndarray) -> np.ndarray:
        return values <= self.value + 1e-9 if self.op == "<=" else values >= self.value - 1e-9

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Selection:
    """The chosen point and the table of every point (feasible or not, objective, chosen)."""

    point: int
    table: pd.DataFrame
    objective: str = ""  # the column optimised (with regret: OUTCOME_max_regret)
    sense: str = "maximise"


ID_COLUMNS = ("run_id", "point", "scenario", "replication", "seed", "overrides")


def point_table(design: pd.DataFrame, results: pd.DataFrame, outcomes: list[str], statistic: str,
                worse: dict[str, str], levers: list[str] | None = None, senses: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per lever point: lever values, the outcome statistic per outcome, whether all its runs succeeded.

    A case is a point in one uncertainty scenario, averaged over its replications. `mean`
    averages the cases; `worst` takes the least favourable case (the least favourable
    replication when there are no uncertainty scenarios); `regret` gives, for the outcomes
    in `senses` (the objective), the largest shortfall from the best point of the same
    scenario, and the worst case for the others (the bounds).
    """
    known = set(results["outcome"])
    missing = [o for o in outcomes if o not in known]
    if missing:
        raise OptimisationError("outcomes", f"the sweep has no outcome {', '.join(missing)}; it has {', '.join(sorted(known))}")
    design = design if "scenario" in design.columns else design.assign(scenario=0)
    wide = results.pivot(index="run_id", columns="outcome", values="value")[outcomes]
    runs = design.set_index("run_id")[["point", "scenario"]].join(wide)
    several = runs["scenario"].nunique() > 1
    cases = runs.groupby(["point", "scenario"])[outcomes].mean() if several else runs.set_index(["point", "scenario"])[outcomes]
    values = {}
    for o in outcomes:
        by_point = cases[o].groupby(level="point")
        if statistic == "mean":
            values[o] = runs.groupby("point")[o].mean()
        elif statistic == "regret" and senses and o in senses:
            per_scenario = cases[o].unstack("scenario")
            best = per_scenario.max() if senses[o] == "maximise" else per_scenario.min()
            shortfall = best - per_scenario if senses[o] == "maximise" else per_scenario - best
            values[o] = shortfall.max(axis=1)
        else:  # the least favourable case for this outcome's use
            values[o] = by_point.max() if worse.get(o) == "high" else by_point.min()
    table = pd.DataFrame(values)
    table["complete"] = runs.groupby("point")[outcomes].apply(lambda g: bool(g.notna().all().all()))
    if levers is None:
        levers = [c for c in design.columns if c not in ID_COLUMNS]
    first = design.groupby("point")[levers + ["overrides"]].first()
    return first.join(table).reset_index()


def select(design: pd.DataFrame, results: pd.DataFrame, objective: str, sense: str = "maximise",
           bounds: tuple[Bound, ...] = (), statistic: str = "mean", levers: list[str] | None = None) -> Selection:
    """Choose the lever point with the best objective among those meeting every bound (HiGHS MIP).

    With `statistic = "regret"` the objective column holds each point's maximum regret, which is minimised.
    """
    import pyomo.environ as pyo

    worse = {b.outcome: ("high" if b.op == "<=" else "low") for b in bounds}
    worse.setdefault(objective, "low" if sense == "maximise" else "high")
    outcomes = list(dict.fromkeys([objective, *(b.outcome for b in bounds)]))
    regret = statistic == "regret"
    if regret and objective in worse and any(b.outcome == objective for b in bounds):
        raise OptimisationError("bounds", f"with --statistic regret the objective ({objective}) cannot also be bounded")
    table = point_table(design, results, outcomes, statistic, worse, levers, {objective: sense} if regret else None)
    if regret:
        table = table.rename(columns={objective: f"{objective}_max_regret"})
        objective, sense = f"{objective}_max_regret", "minimise"
    usable = table["complete"].to_numpy()
    feasible = usable.copy()
    for b in bounds:
        feasible &= b.holds(table[b.outcome].to_numpy(dtype=float))
    table["feasible"] = feasible
    if not feasible.any():
        raise OptimisationError("bounds", _why_infeasible(table, bounds, usable))
    P = [p for p in range(len(table)) if usable[p]]
    y = table[objective].to_numpy(dtype=float)
    m = pyo.ConcreteModel()
    m.z = pyo.Var(P, within=pyo.Binary)
    m.one = pyo.Constraint(expr=sum(m.z[p] for p in P) == 1)
    m.bounds = pyo.ConstraintList()
    for b in bounds:
        c = table[b.outcome].to_numpy(dtype=float)
        scale = max(float(np.abs(c[P]).max()), 1.0)
        expr = sum(c[p] / scale * m.z[p] for p in P)
        m.bounds.add(expr <= b.value / scale + 1e-9 if b.op == "<=" else expr >= b.value / scale - 1e-9)
    scale = max(float(np.abs(y[P]).max()), 1.0)
    m.objective = pyo.Objective(expr=sum(y[p] / scale * m.z[p] for p in P), sense=pyo.maximize if sense == "maximise" else pyo.minimize)
    solve(m, "payment-design selection", "bounds on " + ", ".join(str(b) for b in bounds) if bounds else "choice of one point")
    chosen = max(P, key=lambda p: pyo.value(m.z[p]))
    table["chosen"] = table.index == chosen
    return Selection(int(table.loc[chosen, "point"]), table, objective, sense)


def _why_infeasible(table: pd.DataFrame, bounds: tuple[Bound, ...], usable: np.ndarray) -> str:
    """Which bounds rule out every point, in numbers."""
    parts = [f"{b} holds at {int((b.holds(table[b.outcome].to_numpy(dtype=float)) & usable).sum())} of {int(usable.sum())} points"
             for b in bounds]
    return ("no evaluated point meets every bound: " + "; ".join(parts) + ", and at none together. "
            "Relax the tightest bound or sweep a wider range")
