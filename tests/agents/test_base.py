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
