"""A run that cannot fit in memory is refused before anything is allocated."""

from __future__ import annotations

import json

import pytest

from simulator.api import run_scenario
from simulator.resources import available_bytes, check_memory, estimated_bytes
from simulator.scenario import ScenarioError, load_scenario
from tests.conftest import ROOT, small_data
from simulator.scenario import validate


def test_estimate_grows_with_patients_and_processes():
    small = load_scenario(ROOT / "scenarios" / "pilot_zone.toml", ["population.size=20000"])
    large = load_scenario(ROOT / "scenarios" / "pilot_zone.toml")
    assert estimated_bytes(large) > estimated_bytes(small)
    assert estimated_bytes(large, 2) == 2 * estimated_bytes(large)
    assert estimated_bytes(load_scenario(ROOT / "scenarios" / "pilot_zone.toml", ["run.end_year=2035"])) > estimated_bytes(
        load_scenario(ROOT / "scenarios" / "pilot_zone.toml", ["run.end_year=2027"]))
    check_memory(small)  # fits


@pytest.mark.parametrize("result", ["national.json", "national_workers-2.json"])
def test_estimate_covers_the_measured_national_peak(result):
    """The national benchmark's peak (one process, full scale, 10 years; one thread or two) is within the estimate, and
    not far below it."""
    measured = json.loads((ROOT / "benchmarks" / "results" / result).read_text())
    scenario = load_scenario(ROOT / "scenarios" / "belgium.toml", [f"run.end_year={2025 + measured['years']}"])
    estimate = estimated_bytes(scenario) / 2**20
    assert measured["peak_mib"] <= estimate <= 1.5 * measured["peak_mib"]


def test_a_run_beyond_the_memory_available_is_refused_in_one_line(monkeypatch):
    monkeypatch.setattr("simulator.resources.available_bytes", lambda: 512 * 2**20)
    with pytest.raises(ScenarioError, match=r"GiB needed .* GiB available") as info:
        run_scenario(ROOT / "scenarios" / "pilot_zone.toml", report=False)
    assert info.value.problems[0].path == "population.size"


def test_the_check_counts_a_process_per_replication_running_at_once(monkeypatch):
    """Each process of the pool holds a population; spare workers on one replication are threads, not processes."""
    scenario = load_scenario(ROOT / "scenarios" / "pilot_zone.toml", ["run.end_year=2026", "population.size=10000"])
    one, two = estimated_bytes(scenario, 1), estimated_bytes(scenario, 2)
    assert two > 1.5 * one
    monkeypatch.setattr("simulator.resources.available_bytes", lambda: (one + two) / 2)
    monkeypatch.setattr("simulator.workers.available_cores", lambda: 2)
    twice = scenario.model_copy(update={"run": scenario.run.model_copy(update={"replications": 2})})
    with pytest.raises(ScenarioError, match=r"with 2 process\(es\)"):
        run_scenario(twice, workers=2, report=False)
    assert run_scenario(scenario, workers=2, report=False).manifest["processes"] == 1


def test_zones_too_large_to_simulate_whole_are_refused():
    data = small_data()
    data["population"] = {}
    data["territories"] = [{"name": f"z{i}", "region": "wallonia", "inhabitants": 12_000_000} for i in range(3)]
    with pytest.raises(ScenarioError, match="at most 12,000,000 patients"):
        validate(data)
    assert available_bytes() > 0
