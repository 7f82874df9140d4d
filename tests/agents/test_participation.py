"""Joining the reform: today's rule when learning and peers are off, faster uptake with peers, no joining without a stake."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.agents.base import DecisionLog
from simulator.agents.participation import OptIn
from simulator.categories import CATEGORIES, CONDITIONS
from simulator.experiment import replication_seed, simulate
from simulator.layout import build_layout
from simulator.results import combine
from simulator.rng import generator
from simulator.scenario import validate
from simulator.scenario.reform import Transition
from tests.conftest import ROOT, small_data
from tests.care.numpy_care.month import numpy_processes
from tests.payment.test_regime import PATHWAYS_OFF

SMALL = ["population.size=20000", "run.replications=1", "reform.reference.size=20000", "run.seed=11"]
DECIDING = {"gp_practice", "hospital_network", "home_care"}  # the kinds a rule of transition_full pays differently
OFF = ["reform.transition.peer_weight=0.0", "reform.transition.expectation_memory=0.0", "reform.transition.switching_cost_spread=0.0",
       "reform.transition.risk_aversion=0.0", "reform.behaviour.demand_elasticity=0.0",
       *[f"reform.behaviour.pathways.{k}=0.0" for k in PATHWAYS_OFF]]
#: What the model did not have then: physiotherapy and practice-nurse contacts, supplements, the MAF (and so measured
#: scopes without the two categories: the benchmark's estimation error is drawn by scope).
OLD_SCOPE = [c for c in CATEGORIES[:CATEGORIES.index("nursing_home")]]
BEFORE_PATIENTS_SIDE = ["maximum_billing.enabled=false", "supplements.inpatient_fees=0.0",
                        f"reform.shared_savings.scope={OLD_SCOPE}", f"reform.reinvestment.measurement.scope={OLD_SCOPE}",
                        "primary_care.practice_nurse_share=0.0",
                        # the base year as calibrated then
                        "primary_care.gp.base_rate=4.30", "primary_care.emergency.base_rate=0.20", "primary_care.propensity_shape=1.28",
                        "hospital.admission_rate_at_50=0.118", "hospital.los_median=0.874", "drugs.intensity_sigma=2.52",
                        "morbidity.frailty_condition_exponent=2.16", "morbidity.conditions.diabetes.age_slope=0.0017",
                        "morbidity.conditions.depression.prevalence_at_50=0.25",
                        *[f"primary_care.physiotherapy.{k}=0.0" for k in ("base_rate", *(f"per_condition.{c}" for c in CONDITIONS))]]


@cache
def transition_full(*overrides: str) -> dict[str, pd.DataFrame]:
    return simulator.run_scenario(ROOT / "scenarios" / "transition_full.toml", overrides=[*SMALL, *overrides], report=False).tables


def gp_uptake(tables: dict[str, pd.DataFrame]) -> pd.Series:
    return tables["participation"].query("kind == 'gp_practice'").groupby("year")["participating"].mean()


def test_without_learning_and_peers_the_results_are_those_of_the_rule_before_agents():
    """The figures of `transition_full` before decisions moved to the agents (tests/agents/data, made with the
    same overrides on the commit before, `1b6f585`, when care pathways did not respond yet, and with the care
    processes of then, kept in `tests.care.numpy_care`; remade on that commit with its population's slots put in
    today's order, by entry month then billing cell): GP uptake is the same, money agrees within a millionth."""
    before = pd.read_csv(ROOT / "tests" / "agents" / "data" / "transition_full_before_agents.csv").set_index("year")
    with numpy_processes():
        tables = simulator.run_scenario(ROOT / "scenarios" / "transition_full.toml", overrides=[*SMALL, *OFF, *BEFORE_PATIENTS_SIDE],
                                        report=False, workers=1).tables
    impact = tables["budget_impact"].query("payer == 'all_payers'").set_index("year")
    np.testing.assert_allclose(gp_uptake(tables).to_numpy(), before["gp_participation"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(impact["reform_eur"].to_numpy(), before["reform_eur"].to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(impact["impact_eur"].to_numpy(), before["impact_eur"].to_numpy(), atol=1e-6 * before["reform_eur"].max())


def test_without_learning_and_peers_each_choice_is_last_years_gain_plus_noise_against_the_switching_cost():
    tables = transition_full(*OFF)
    rule = Transition()  # transition_full keeps the default switching cost and noise
    scenario = simulator.load_scenario(ROOT / "scenarios" / "transition_full.toml", SMALL)
    provider_id = {p.name: p.id for p in build_layout(scenario).providers}
    part = tables["participation"].assign(id=lambda f: f["provider"].map(provider_id)).sort_values(["year", "id"])
    seed = replication_seed(scenario, 0)
    decided = tables["decisions"].query("decision == 'participation'")
    assert len(decided) and set(decided["kind"]) <= DECIDING
    checked, before = 0, None
    for y, (year, rows) in enumerate(part.groupby("year")):
        assert rows["id"].tolist() == list(range(len(rows)))
        if before is not None and (rows["phase"] == "voluntary").any():
            value = rows["shadow_gain_eur"].to_numpy() + generator(seed, "opt_in", y).normal(0.0, rule.opt_in_noise_eur, len(rows))
            deciding = rows["phase"].eq("voluntary").to_numpy() & rows["kind"].isin(DECIDING).to_numpy()
            now = rows["participating"].to_numpy()
            assert (value[deciding & ~before & now] > rule.switching_cost_eur).all()  # joined: gain + noise above the cost
            assert (value[deciding & ~before & ~now] <= rule.switching_cost_eur).all()  # stayed out
            assert (decided["year"] == year).sum() == deciding.sum()
            checked += deciding.sum()
        before = rows["participating"].to_numpy() & (rows["phase"] == "voluntary").to_numpy()
    assert checked > 100


def peer_run(weight: float) -> pd.Series:
    """GP uptake in a voluntary phase where switching costs dominate the gains (capitation at status-quo cost)."""
    data = small_data("population.size=20000", "territories[0].inhabitants=60000", "territories[1].inhabitants=40000", "run.end_year=2031")
    data["reform"] = {"capitation": [{"scope": ["gp"]}], "reference": {"size": 30_000},
                      "behaviour": {"pathways": {"access_switching": 0.0}},  # gains from the rule, not from patients moving in
                      "transition": {"phases": [{"kind": "virtual", "start_year": 2026}, {"kind": "voluntary", "start_year": 2027}],
                                     "switching_cost_eur": 20_000.0, "opt_in_noise_eur": 4_000.0, "exit_rate": 0.0, "peer_weight": weight}}
    scenario = validate(data)
    return gp_uptake(combine([simulate(scenario, 0)], scenario))


def test_a_larger_peer_weight_speeds_uptake_after_the_first_joiners():
    alone, peers = peer_run(0.0), peer_run(0.9)
    assert peers[2027] == alone[2027] > 0  # the first voluntary year: nobody took part the year before, peers change nothing
    later = [2028, 2029, 2030, 2031]
    assert (peers[later] >= alone[later]).all()
    assert peers[2031] >= alone[2031] + 0.05  # imitation keeps uptake rising after the first joiners


def test_services_no_rule_pays_differently_never_join():
    part = transition_full(*OFF)["participation"]
    untouched = part[part["kind"].isin(["pharmacy", "nursing_home", "hospital"])]  # bundles pay the networks, not the hospitals
    assert len(untouched) and not untouched.query("phase == 'voluntary'")["participating"].any()


def test_no_agent_with_nothing_at_stake_and_no_peers_joins_however_large_its_luck():
    n = 6
    rule = Transition(switching_cost_eur=5000.0, opt_in_noise_eur=10_000.0, peer_weight=1.0)
    opt_in, log = OptIn(rule, n, seed=3), DecisionLog()
    members = np.arange(n)
    voluntary = np.ones(n, bool)
    at_stake = np.array([False, False, True, True, True, True])
    noise = np.full(n, 1e9)  # a huge idiosyncratic term
    peers = np.array([0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    opt_in.decide(2030, "gp_practice", members, voluntary, at_stake, peers, noise, np.ones(n, bool), log)
    assert list(opt_in.joined) == [False, False, True, True, True, True]
    # with a stake but no expected gain, no luck and no peers, the switching cost keeps a provider out
    opt_in2 = OptIn(rule, n, seed=3)
    opt_in2.decide(2030, "gp_practice", members, voluntary, np.ones(n, bool), np.zeros(n), np.zeros(n), np.ones(n, bool), log)
    assert not opt_in2.joined.any()
    assert len(log.frame()) == 4 + n  # only those with a stake decided, and were recorded


def test_expectations_adapt_with_memory_and_risk_aversion_lowers_the_value_of_joining():
    rule = Transition(expectation_memory=0.5)
    opt_in = OptIn(rule, 2, seed=1)
    opt_in.learn(np.array([1000.0, -1000.0]))
    np.testing.assert_allclose(opt_in.expected, [1000.0, -1000.0])  # the first statement is taken as it is
    opt_in.learn(np.array([3000.0, -1000.0]))
    np.testing.assert_allclose(opt_in.expected, [2000.0, -1000.0])
    np.testing.assert_allclose(opt_in.error, [1000.0, 0.0])
    averse = OptIn(Transition(expectation_memory=0.5, risk_aversion=2.0, switching_cost_eur=0.0), 2, seed=1)
    averse.expected, averse.error = np.array([1500.0, 1500.0]), np.array([1000.0, 0.0])
    averse.decide(2030, "gp_practice", np.arange(2), np.ones(2, bool), np.ones(2, bool), np.zeros(2), np.zeros(2), np.ones(2, bool),
                  DecisionLog())
    assert list(averse.joined) == [False, True]  # the uncertain gain is worth less than its expectation


def test_own_switching_costs_spread_around_the_stated_cost():
    rule = Transition(switching_cost_eur=5000.0, switching_cost_spread=0.5)
    costs = OptIn(rule, 20_000, seed=5).switching_cost
    assert costs.std() > 1000 and costs.mean() == pytest.approx(5000.0, rel=0.02)
    assert np.array_equal(costs, OptIn(rule, 20_000, seed=5).switching_cost)  # drawn from the replication's seed
    assert not np.array_equal(costs, OptIn(rule, 20_000, seed=6).switching_cost)
