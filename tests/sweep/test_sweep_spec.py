"""Sweep files: validation with dotted paths, the fingerprint that guards resuming."""

from __future__ import annotations

import pytest

from simulator.scenario import ScenarioError
from simulator.sweep.spec import fingerprint, load_sweep


def test_reads_a_sweep_and_its_base(sweep_file):
    spec, base = load_sweep(sweep_file)
    assert spec.levers[0].path == "reform.shared_savings.sharing_rate"
    assert base["run"]["name"] == "tiny"
    assert spec.executor.kind == "local"


@pytest.mark.parametrize(("parameters", "path", "words"), [
    ('[[levers]]\npath = "a.b"\nlow = 1.0\nhigh = 0.5\n', "levers[0]", "low < high"),
    ('[[levers]]\npath = "a.b"\ndistribution = "normal"\nmean = 1.0\n', "levers[0]", "missing: sd"),
    ('[[levers]]\npath = "a.b"\nvalues = [1]\nbogus = 2\n', "levers[0].bogus", "one of path"),
])
def test_bad_parameters_are_reported_with_their_path(make_sweep, parameters, path, words):
    with pytest.raises(ScenarioError) as info:
        load_sweep(make_sweep(parameters))
    problem = info.value.problems[0]
    assert problem.path == path
    assert words in problem.allowed


def test_grid_refuses_distributions(make_sweep):
    parameters = '[[levers]]\npath = "a.b"\ndistribution = "normal"\nmean = 1.0\nsd = 0.1\n'
    with pytest.raises(ScenarioError, match="grid levers"):
        load_sweep(make_sweep(parameters, design="grid"))


def test_fingerprint_ignores_the_executor_but_not_the_design(make_sweep):
    one = fingerprint(*load_sweep(make_sweep(extra="")))
    other_executor = fingerprint(*load_sweep(make_sweep(extra="\n[executor]\nworkers = 7\n")))
    other_seed = fingerprint(*load_sweep(make_sweep(samples=4)))
    assert one == other_executor != other_seed
