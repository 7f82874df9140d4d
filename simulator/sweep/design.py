"""Designs: points in the unit hypercube (SALib, or a seeded generator), mapped to parameter values.

The design table has one row per run (point x replication): run id, point, replication,
the run's seed, each parameter's value, and the `--set` assignments that reproduce the run
alone with `simsim run`.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pandas as pd

from simulator.rng import derived_seed
from simulator.sweep.spec import Parameter, SweepSpec

DESIGN_COLUMNS = ["run_id", "point", "replication", "seed", "overrides"]


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """SALib's problem dictionary over the unit hypercube (values are mapped afterwards)."""
    return {"num_vars": len(spec.parameters), "names": [p.path for p in spec.parameters], "bounds": [[0.0, 1.0]] * len(spec.parameters)}


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """Points in [0, 1)^D for the sampled designs, reproducible from the sweep seed."""
    s = spec.sweep
    seed = derived_seed(s.seed, "design") % 2**32
    problem = salib_problem(spec)
    if s.design == "random":
        return np.random.default_rng(seed).random((s.samples, problem["num_vars"]))
    if s.design == "latin":
        from SALib.sample import latin

        return latin.sample(problem, s.samples, seed=seed)
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


def to_values(parameter: Parameter, u: np.ndarray) -> list[Any]:
    """Map uniforms in [0, 1) to the parameter's values through its distribution (inverse CDF)."""
    from scipy import stats

    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12)
    p = parameter
    if p.values is not None:
        index = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
        return [p.values[i] for i in index]
    if p.distribution == "uniform":
        x = p.low + u * (p.high - p.low)  # type: ignore[operator]
    elif p.distribution == "triangular":
        width = p.high - p.low  # type: ignore[operator]
        x = stats.triang(c=(p.mode - p.low) / width, loc=p.low, scale=width).ppf(u)  # type: ignore[operator]
    elif p.distribution == "normal":
        if p.low is None and p.high is None:
            x = stats.norm(p.mean, p.sd).ppf(u)
        else:
            a = -np.inf if p.low is None else (p.low - p.mean) / p.sd  # type: ignore[operator]
            b = np.inf if p.high is None else (p.high - p.mean) / p.sd  # type: ignore[operator]
            x = stats.truncnorm(a, b, loc=p.mean, scale=p.sd).ppf(u)
    else:
        x = p.median * np.exp(p.sigma * stats.norm.ppf(u))  # type: ignore[operator]
    return [int(round(v)) for v in x] if p.integer else [float(v) for v in x]


def grid_values(parameter: Parameter) -> list[Any]:
    """The levels a grid takes: the listed values, or evenly spaced from low to high."""
    if parameter.values is not None:
        return list(parameter.values)
    levels = np.linspace(parameter.low, parameter.high, parameter.levels)  # type: ignore[arg-type]
    return [int(round(v)) for v in levels] if parameter.integer else [float(v) for v in levels]


def points(spec: SweepSpec) -> list[list[Any]]:
    """Every design point: one value per parameter, in the design's order."""
    if spec.sweep.design == "grid":
        return [list(combo) for combo in itertools.product(*(grid_values(p) for p in spec.parameters))]
    u = unit_sample(spec)
    columns = [to_values(p, u[:, j]) for j, p in enumerate(spec.parameters)]
    return [list(row) for row in zip(*columns)]


def literal(value: Any) -> str:
    """A value as a TOML literal for `--set` (numbers, booleans, text, arrays of them)."""
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        value = value.item()
    return json.dumps(value)


def run_seed(spec: SweepSpec, run_id: int, replication: int) -> int:
    """A run's seed, from the sweep seed and the run's id (or its replication, with common random numbers)."""
    if spec.sweep.common_random_numbers:
        return derived_seed(spec.sweep.seed, "replication", replication)
    return derived_seed(spec.sweep.seed, "run", run_id)


def design_table(spec: SweepSpec) -> pd.DataFrame:
    """One row per run: ids, seed, parameter values and the overrides that reproduce it."""
    rows = []
    reps = spec.sweep.replications
    for point, values in enumerate(points(spec)):
        for replication in range(reps):
            run_id = point * reps + replication
            seed = run_seed(spec, run_id, replication)
            assignments = [*spec.sweep.set, *(f"{p.path}={literal(v)}" for p, v in zip(spec.parameters, values)),
                           f"run.seed={seed}", "run.replications=1"]
            rows.append({"run_id": run_id, "point": point, "replication": replication, "seed": seed,
                         "overrides": json.dumps(assignments), **{p.path: v for p, v in zip(spec.parameters, values)}})
    return pd.DataFrame(rows, columns=DESIGN_COLUMNS + [p.path for p in spec.parameters])
