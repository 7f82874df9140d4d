"""Fuzzing the shipped scenarios: every mutation ends in one-line problems naming a dotted path, or in a run
whose money is finite and conserved. Never a traceback."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.experiment import simulate
from simulator.scenario import ScenarioError
from simulator.scenario.loading import read_toml, resolve, validate
from tests.conftest import ROOT

SHIPPED = sorted(p for p in (ROOT / "scenarios").glob("*.toml") if p.stem != "belgium")
RAW = {p.stem: read_toml(p) for p in SHIPPED}

leaf_values = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=12), st.sampled_from(["../../x", "/etc/passwd", "é✓\u202e", "", "nan", "inf", "1e999"]),
    st.lists(st.integers(-5, 5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path (into tables and lists) of the raw data."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(prefix + (key,))
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.append(prefix + (i,))
            found += paths(value, prefix + (i,))
    return found


@st.composite
def mutations(draw) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(RAW)))
    data = copy.deepcopy(RAW[name])
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(data)))
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        kind = draw(st.sampled_from(["replace", "replace", "scale", "delete", "unknown", "nest"]))
        key = where[-1]
        if kind == "replace":
            parent[key] = draw(leaf_values)
        elif kind == "scale" and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
            parent[key] = parent[key] * draw(st.sampled_from([-1, 0, 0.5, 2, 1e6, math.inf]))
        elif kind == "delete" and isinstance(parent, dict):
            del parent[key]
        elif kind == "unknown" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(leaf_values)
        elif kind == "nest":
            parent[key] = {"inner": parent[key]}
    return name, data


def tiny(data: dict[str, Any]) -> dict[str, Any] | None:
    """The same scenario cut to one small year, if it validates that way."""
    small = copy.deepcopy(data)
    small.setdefault("population", {})
    if not isinstance(small["population"], dict) or not isinstance(small.get("run", {}), dict):
        return None
    small["population"].pop("sample_fraction", None)
    small["population"]["size"] = 10_000
    run = small.setdefault("run", {})
    run.update({"end_year": run.get("start_year", 2026), "replications": 1, "workers": 1})
    if isinstance(small.get("reform"), dict):
        small["reform"].setdefault("reference", {})
        if isinstance(small["reform"]["reference"], dict):
            small["reform"]["reference"]["size"] = 10_000
    return small


@settings(max_examples=320, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutations())
def test_mutated_scenarios_fail_plainly_or_run_with_money_conserved(case):
    name, data = case
    try:
        resolve(data, (), Path(f"{name}.toml"))
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = problem.line(Path(f"{name}.toml"))
            assert "\n" not in line and problem.path, line
        event("refused in one line")
        return
    small = tiny(data)
    if small is None:
        return
    try:
        scenario = validate(small)
    except ScenarioError:
        return  # valid only at its own size (e.g. fewer than 10,000 inhabitants)
    try:
        tables = simulate(scenario, 0)
    except ScenarioError:
        return  # refused at run time in one line (e.g. an infeasible optimisation)
    amounts = tables["annual"]["amount_eur"].to_numpy()
    assert np.isfinite(amounts).all()
    event("ran, money finite and conserved")
