"""A PSA's runs: one scenario per parameter set, and the table that says which set each replication ran."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from simulator.psa.draws import draw_values, literal, psa_seed, uncertainties_of
from simulator.scenario.problems import Problem, ScenarioError


def draw_scenarios(scenario: Any) -> tuple[list[Any], pd.DataFrame]:
    """The scenario of every draw (the scenario's values replaced by the draw's) and the draws table.

    The draws table has one row per draw: `draw`, then one column per uncertainty path.
    A draw that makes the scenario invalid is reported with the draw's number and values.
    """
    from simulator.scenario.loading import apply_override, validate

    factors = uncertainties_of(scenario)
    if not factors:
        raise ScenarioError(None, [Problem("uncertainties", [], "at least one [[uncertainties]] entry (or psa.behaviour_ranges = true) "
                                           "for a PSA")])
    values = draw_values(factors, scenario.psa.draws, scenario.psa.design, psa_seed(scenario))
    base = scenario.model_dump(mode="json")
    base["uncertainties"], base["psa"] = [], {}
    scenarios = []
    for d, row in enumerate(values):
        data = copy.deepcopy(base)
        for factor, value in zip(factors, row):
            apply_override(data, f"{factor.path}={literal(value)}")
        try:
            scenarios.append(validate(data))
        except ScenarioError as exc:
            shown = ", ".join(f"{f.path}={v}" for f, v in zip(factors, row))
            raise ScenarioError(None, [Problem(f"psa draw {d}", shown, f"values that keep the scenario valid: {p.path}: {p.allowed}")
                                       for p in exc.problems]) from None
    table = pd.DataFrame(values, columns=[f.path for f in factors])
    table.insert(0, "draw", range(len(values)))
    return scenarios, table


def replication_draws(draws: pd.DataFrame, replications: int, first: int, seeds: list[int]) -> pd.DataFrame:
    """One row per run of the PSA: its `replication` number in the tables, its draw, the replication within the draw, its seed."""
    rows = [{"replication": d * replications + r, "draw": d, "draw_replication": first + r, "seed": seeds[r]}
            for d in range(len(draws)) for r in range(replications)]
    return pd.DataFrame(rows).merge(draws, on="draw")
