"""Scenario files: TOML in, a validated frozen `Scenario` out."""

from simulator.scenario.loading import load_scenario, validate
from simulator.scenario.problems import Problem, ScenarioError
from simulator.scenario.schema import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "load_scenario", "validate"]
