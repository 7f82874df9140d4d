"""The decisions log and the peer shares every kind uses."""

from __future__ import annotations

import numpy as np

from simulator.agents.base import DECISION_COLUMNS, DecisionLog, share_of_others


def test_share_of_others_leaves_the_agent_itself_out():
    taking_part = np.array([1, 0, 1, 1, 0], bool)
    group = np.array([0, 0, 0, 1, 2])
    np.testing.assert_allclose(share_of_others(taking_part, group, np.arange(5)), [0.5, 1.0, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(share_of_others(taking_part, group, np.array([1, 2])), [1.0, 0.0])  # peers are members only


def test_decision_log_keeps_inputs_beside_outputs():
    log = DecisionLog()
    assert list(log.frame().columns) == DECISION_COLUMNS
    log.add(2030, "zone", np.array([0, 1]), "effort", np.array([0.25, 0.5]), expected_gain=np.array([10.0, 20.0]), cost=5.0)
    log.add(2030, "gp_practice", np.array([], int), "coding", np.array([]))  # nothing decided, nothing recorded
    frame = log.frame()
    assert len(frame) == 2 and frame["cost_eur"].tolist() == [5.0, 5.0] and frame["peer_share"].isna().all()


def test_each_provider_s_yearly_accounts_are_its_row_of_the_ledger():
    from simulator.categories import PAYERS
    from simulator.experiment import Replication, replication_seed
    from simulator.model import HealthSystemModel
    from tests.conftest import small_scenario

    s = small_scenario("population.size=10000", "territories[0].inhabitants=6000", "territories[1].inhabitants=4000", "run.end_year=2027")
    run = Replication.build(s, replication_seed(s, 0), arms=("status_quo",))
    model: HealthSystemModel = run.arms["status_quo"]
    for step in range(18):
        run.step(step)
    assert model.closed_years == [s.run.start_year]  # the second year is not closed yet
    hospital = next(p for p in model.providers if p.kind == "hospital")
    accounts = hospital.revenue
    assert list(accounts) == [s.run.start_year] and list(accounts[s.run.start_year]) == list(PAYERS)
    expected = model.ledger.revenue[0, hospital.index].sum(axis=1)
    np.testing.assert_allclose([accounts[s.run.start_year][p] for p in PAYERS], expected)
    assert sum(accounts[s.run.start_year].values()) > 0
