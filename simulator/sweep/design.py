"""Designs: lever points crossed with uncertainty scenarios, or one SALib sample over every factor.

The design table has one row per run (point x scenario x replication): run id, point,
scenario, replication, the run's seed, each factor's value, and the `--set` assignments
that reproduce the run alone with `simsim run`. With common random numbers, replication r
of every point and scenario runs with `run.seed` = the sweep seed and
`run.first_replication` = r, so a lever point's runs are exactly those of
`simsim run --psa` on the lever point (the rerun `simsim optimise` prints).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pandas as pd

from simulator.psa.draws import draw_values, grid_values, literal, to_values
from simulator.rng import derived_seed
from simulator.sweep.spec import SweepSpec

DESIGN_COLUMNS = ["run_id", "point", "scenario", "replication", "seed", "overrides"]


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """SALib's problem dictionary over the unit hypercube (values are mapped afterwards)."""
    names = [p.path for p in spec.factors]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """Points in [0, 1)^D for the sampled designs, reproducible from the sweep seed (levers only when crossed)."""
    s = spec.sweep
    seed = derived_seed(s.seed, "design") % 2**32
    problem = salib_problem(spec)
    if s.design == "random":
        return np.random.default_rng(seed).random((s.samples, len(spec.levers)))
    if s.design == "latin":
        from SALib.sample import latin

        return latin.sample({**problem, "num_vars": len(spec.levers), "names": problem["names"][:len(spec.levers)],
                             "bounds": problem["bounds"][:len(spec.levers)]}, s.samples, seed=seed)
    if s.design == "sobol":
        import warnings

        from SALib.sample import sobol

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib warns when N is not a power of 2; the field says so
            return sobol.sample(problem, s.samples, calc_second_order=False, seed=seed)
    if s.design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, s.samples, num_levels=s.morris_levels, seed=seed)
    raise ValueError(f"no unit sample for design {s.design!r}")


def uncertainty_seed(spec: SweepSpec) -> int:
    """Seed of the uncertainty scenarios (also `psa.seed` of the rerun `simsim optimise` writes)."""
    return derived_seed(spec.sweep.seed, "uncertainties")


def lever_points(spec: SweepSpec) -> list[list[Any]]:
    """Every lever point (one value per lever); one empty point when the sweep has no levers."""
    if not spec.levers:
        return [[]]
    if spec.sweep.design == "grid":
        return [list(combo) for combo in itertools.product(*(grid_values(p) for p in spec.levers))]
    u = unit_sample(spec)
    columns = [to_values(p, u[:, j]) for j, p in enumerate(spec.levers)]
    return [list(row) for row in zip(*columns)]


def scenario_values(spec: SweepSpec) -> list[list[Any]]:
    """The uncertainty scenarios every lever point meets; one empty scenario when there are no uncertainties."""
    if not spec.uncertainties:
        return [[]]
    return draw_values(spec.uncertainties, spec.sweep.scenarios, "latin", uncertainty_seed(spec))


def points(spec: SweepSpec) -> list[tuple[int, int, list[Any]]]:
    """(point, scenario, values of every factor) for each design point."""
    if spec.crossed:
        return [(p, s, [*lv, *uv]) for p, lv in enumerate(lever_points(spec)) for s, uv in enumerate(scenario_values(spec))]
    u = unit_sample(spec)
    columns = [to_values(f, u[:, j]) for j, f in enumerate(spec.factors)]
    return [(p, 0, list(row)) for p, row in enumerate(zip(*columns))]


def base_seed(spec: SweepSpec, point: int, scenario: int) -> int:
    """`run.seed` of a point's runs: the sweep seed (common random numbers), or one per point and scenario."""
    if spec.sweep.common_random_numbers:
        return spec.sweep.seed
    return derived_seed(spec.sweep.seed, "point", point, scenario)


def design_table(spec: SweepSpec) -> pd.DataFrame:
    """One row per run: ids, seed, factor values and the overrides that reproduce it."""
    rows = []
    reps = spec.sweep.replications
    paths = [f.path for f in spec.factors]
    for i, (point, scenario, values) in enumerate(points(spec)):
        seed = base_seed(spec, point, scenario)
        for replication in range(reps):
            assignments = [*spec.sweep.set, *(f"{p}={literal(v)}" for p, v in zip(paths, values)),
                           f"run.seed={seed}", f"run.first_replication={replication}", "run.replications=1",
                           "psa.draws=0"]
            rows.append({"run_id": i * reps + replication, "point": point, "scenario": scenario, "replication": replication,
                         "seed": derived_seed(seed, "replication", replication), "overrides": json.dumps(assignments),
                         **dict(zip(paths, values))})
    return pd.DataFrame(rows, columns=DESIGN_COLUMNS + paths)
