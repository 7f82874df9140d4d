"""Parameter sets for a PSA (and a sweep's uncertainty scenarios): unit points mapped through each factor's distribution.

The same uncertainties, number of draws, design and seed always give the same values, so
a sweep's uncertainty scenarios and `simsim run --psa` with the same settings coincide.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from simulator.rng import derived_seed
from simulator.scenario.uncertainty import Factor, Uncertainty


def to_values(factor: Factor, u: np.ndarray) -> list[Any]:
    """Map uniforms in [0, 1) to the factor's values through its distribution (inverse CDF)."""
    from scipy import stats

    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12)
    p = factor
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


def grid_values(factor: Factor) -> list[Any]:
    """The levels a grid takes: the listed values, or evenly spaced from low to high."""
    if factor.values is not None:
        return list(factor.values)
    levels = np.linspace(factor.low, factor.high, factor.levels)  # type: ignore[arg-type]
    return [int(round(v)) for v in levels] if factor.integer else [float(v) for v in levels]


def unit_points(n: int, dimensions: int, design: str, seed: int) -> np.ndarray:
    """`n` points in [0, 1)^dimensions: a Latin hypercube (SALib) or independent uniforms."""
    seed = seed % 2**32
    if design == "random":
        return np.random.default_rng(seed).random((n, dimensions))
    from SALib.sample import latin

    return latin.sample({"num_vars": dimensions, "names": [f"x{j}" for j in range(dimensions)],
                         "bounds": [[0.0, 1.0]] * dimensions}, n, seed=seed)


def draw_values(factors: Sequence[Factor], n: int, design: str, seed: int) -> list[list[Any]]:
    """`n` parameter sets, one value per factor each."""
    if not factors or n <= 0:
        return []
    u = unit_points(n, len(factors), design, seed)
    columns = [to_values(f, u[:, j]) for j, f in enumerate(factors)]
    return [list(row) for row in zip(*columns)]


def literal(value: Any) -> str:
    """A value as a TOML literal for `--set` (numbers, booleans, text, arrays of them)."""
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        value = value.item()
    return json.dumps(value)


def psa_seed(scenario: Any) -> int:
    """The seed of a scenario's parameter draws: `psa.seed`, else derived from `run.seed`."""
    return scenario.psa.seed if scenario.psa.seed is not None else derived_seed(scenario.run.seed, "psa")


def shipped_ranges(scenario: Any) -> list[Uncertainty]:
    """The shipped range of every behavioural parameter not already listed: triangular(low, the scenario's value, high)."""
    from simulator.scenario.loading import value_at
    from simulator.scenario.sources import behaviour_sources

    listed = {u.path for u in scenario.uncertainties}
    data = scenario.model_dump(mode="json")
    out = []
    for path, entry in behaviour_sources().items():
        low, high = entry["range"]
        if path in listed or not low < high:
            continue
        mode = min(max(float(value_at(data, path)), low), high)
        out.append(Uncertainty(path=path, distribution="triangular", low=low, mode=mode, high=high,
                               source=entry["source"], mark=entry["mark"]))
    return out


def uncertainties_of(scenario: Any) -> list[Uncertainty]:
    """What a PSA of the scenario draws: its [[uncertainties]], and the shipped ranges if `psa.behaviour_ranges`."""
    return [*scenario.uncertainties, *(shipped_ranges(scenario) if scenario.psa.behaviour_ranges else [])]
