"""Parameter draws: inverse CDFs, reproducibility, the shipped behavioural ranges, each draw's scenario."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simulator.psa.draws import draw_values, shipped_ranges, to_values, uncertainties_of
from simulator.psa.runs import draw_scenarios
from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.uncertainty import Factor


def test_distributions_map_uniforms_through_their_inverse_cdf():
    u = np.array([0.1, 0.5, 0.9])
    normal = Factor(path="x", distribution="normal", mean=10.0, sd=2.0)
    np.testing.assert_allclose(to_values(normal, u), stats.norm(10, 2).ppf(u))
    cut = Factor(path="x", distribution="normal", mean=10.0, sd=2.0, low=9.0, high=11.0)
    assert all(9.0 <= v <= 11.0 for v in to_values(cut, np.linspace(0, 1, 11)))
    tri = Factor(path="x", distribution="triangular", low=0.0, mode=0.0, high=1.0)
    assert to_values(tri, np.array([0.75]))[0] == pytest.approx(0.5)  # F(x) = 1 - (1 - x)^2
    logn = Factor(path="x", distribution="lognormal", median=100.0, sigma=0.5)
    assert to_values(logn, np.array([0.5]))[0] == pytest.approx(100.0)
    whole = Factor(path="x", low=0.0, high=10.0, integer=True)
    assert to_values(whole, np.array([0.34])) == [3]
    listed = Factor(path="x", values=["a", "b", "c"])
    assert to_values(listed, np.array([0.0, 0.34, 0.99])) == ["a", "b", "c"]


def test_latin_draws_are_reproducible_and_stratified():
    f = [Factor(path="a", low=0.0, high=1.0), Factor(path="b", low=0.0, high=10.0)]
    one, two = draw_values(f, 10, "latin", 3), draw_values(f, 10, "latin", 3)
    assert one == two and draw_values(f, 10, "latin", 4) != one
    assert sorted(int(row[0] * 10) for row in one) == list(range(10))


def test_shipped_ranges_centre_on_the_scenario_value():
    scenario = load_scenario("scenarios/shared_savings.toml")
    ranges = {u.path: u for u in shipped_ranges(scenario)}
    effort = ranges["reform.behaviour.effort_max_effect"]
    assert (effort.low, effort.mode, effort.high) == (0.0, scenario.reform.behaviour.effort_max_effect, 0.5)
    assert effort.mark == "U" and "Peikes" in effort.source
    assert "reform.shared_savings.benchmark_error_sd" not in ranges  # listed in the scenario: not added twice
    assert len(uncertainties_of(scenario)) == len(ranges) + len(scenario.uncertainties)


def test_each_draw_is_the_scenario_with_its_values():
    scenario = load_scenario("scenarios/shared_savings.toml", ["psa.draws=3"])
    scenarios, table = draw_scenarios(scenario)
    assert len(scenarios) == 3 and list(table["draw"]) == [0, 1, 2]
    for s, (_, row) in zip(scenarios, table.iterrows()):
        assert s.reform.shared_savings.benchmark_error_sd == row["reform.shared_savings.benchmark_error_sd"]
        assert s.psa.draws == 0 and not s.uncertainties and s.run.seed == scenario.run.seed
    assert table["reform.shared_savings.benchmark_error_sd"].between(0.01, 0.04).all()


def test_bad_uncertainty_paths_and_draws_are_reported():
    with pytest.raises(ScenarioError, match=r"uncertainties\[0\]\.path.*a dotted path to a value"):
        load_scenario("scenarios/pilot_zone.toml", ['uncertainties=[{path = "reform.nothing", low = 0.0, high = 1.0}]'])
    scenario = load_scenario("scenarios/pilot_zone.toml", ['uncertainties=[{path = "reform.behaviour.coding_drift", low = 0.6, high = 0.9}]',
                                                           "psa.draws=2"])
    with pytest.raises(ScenarioError, match=r"psa draw 0.*coding_drift"):
        draw_scenarios(scenario)
    with pytest.raises(ScenarioError, match="at least one"):
        draw_scenarios(load_scenario("scenarios/pilot_zone.toml", ["psa.draws=2"]))
