"""Referral relations: hospitals and networks see the practices whose patients they treat."""

from __future__ import annotations

import numpy as np

from simulator.agents.hospitals import Referrals
from simulator.care.state import PatientState
from simulator.layout import build_layout
from simulator.population import synthesise
from simulator.care.tables import build_tables
from tests.conftest import small_scenario


def test_a_hospitals_peer_share_is_the_patient_weighted_share_of_its_referring_practices_taking_part():
    scenario = small_scenario()
    layout = build_layout(scenario)
    cohort = synthesise(scenario, layout, build_tables(scenario), 7)
    state = PatientState.from_cohort(cohort)
    referrals = Referrals(layout)
    referrals.update(state)
    practices = np.concatenate(layout.gp_practices)
    taking_part = np.zeros(layout.n_providers, bool)
    taking_part[practices[::2]] = True
    share = referrals.share_taking_part(referrals.to_hospital, taking_part, layout.hospitals)
    alive = state.cell[state.alive]
    for h, value in zip(layout.hospitals, share):
        mine = alive[layout.cell_hospital[alive] == h]
        expected = taking_part[layout.cell_gp[mine]].mean()
        assert value == np.float64(expected) or abs(value - expected) < 1e-12
    assert 0 < share.min() and share.max() < 1
    whole = referrals.share_taking_part(referrals.to_network, taking_part, layout.network_providers)
    assert abs(whole[0] - taking_part[layout.cell_gp[alive]].mean()) < 1e-12
