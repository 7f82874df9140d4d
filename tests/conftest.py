"""Shared fixtures: small scenarios that run in a fraction of a second."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from simulator.scenario import Scenario, validate
from simulator.scenario.loading import apply_override

ROOT = Path(__file__).resolve().parent.parent

SMALL: dict[str, Any] = {
    "run": {"name": "small", "start_year": 2026, "end_year": 2027, "seed": 7},
    "population": {"size": 10_000},
    "territories": [
        {"name": "north", "region": "wallonia", "inhabitants": 12_000, "bim_share": 0.3, "home_hospital": "h1"},
        {"name": "south", "region": "flanders", "inhabitants": 8_000, "bim_share": 0.1, "home_hospital": "h2"},
    ],
    "hospital_network": {"name": "net", "hospitals": [{"name": "h1"}, {"name": "h2"}]},
}


def small_data(*overrides: str) -> dict[str, Any]:
    """Raw data of the small scenario with `a.b=v` overrides applied."""
    data = copy.deepcopy(SMALL)
    for o in overrides:
        apply_override(data, o)
    return data


def small_scenario(*overrides: str) -> Scenario:
    """The small scenario, validated."""
    return validate(small_data(*overrides))


@pytest.fixture
def scenario() -> Scenario:
    return small_scenario()
