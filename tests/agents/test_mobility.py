"""Patients move to capitated practices that offer more access, until their lists close; zones can use other networks' hospitals."""

from __future__ import annotations

import numpy as np

from simulator.experiment import Replication
from simulator.layout import build_layout
from simulator.scenario import validate
from tests.conftest import small_data
from tests.payment.test_regime import BEHAVIOUR_OFF, PATHWAYS_OFF

TEAM = {"capitation": [{"name": "team", "scope": ["gp", "practice_nurse"], "practice_share": 0.3}]}
SMALL = ("population.size=20000", "territories[0].inhabitants=30000", "territories[1].inhabitants=20000", "run.end_year=2029")


def lists_after(pathways: dict) -> tuple[np.ndarray, np.ndarray, Replication]:
    """Living patients per GP practice in the last year, status quo and reform, with only the given pathways on."""
    data = small_data(*SMALL)
    data["reform"] = {**TEAM, "behaviour": {**BEHAVIOUR_OFF, "pathways": {**PATHWAYS_OFF, **pathways}}, "reference": {"size": 20_000}}
    run = Replication.build(validate(data), 11)
    for step in range(run.months):
        run.step(step)
    sizes = [run.arms[arm].regime.agents.lists.sizes(run.arms[arm].state) for arm in ("status_quo", "reform")]
    return sizes[0], sizes[1], run


def test_patients_move_to_practices_offering_more_access_until_their_lists_are_full():
    room = 0.05
    sq, rf, run = lists_after({"nurse_delegation": 0.15, "access_switching": 0.05, "list_room": room})
    regime = run.arms["reform"].regime
    team = np.zeros(sq.size, bool)
    team[run.arms["reform"].layout.cell_gp[regime.capitated_cells("gp_practice")]] = True
    first = regime.agents.lists.first
    assert rf[team].sum() > sq[team].sum()  # the teams gained patients
    lists = regime.agents.lists
    assert (lists.moved <= lists.room).all() and lists.moved[~team].sum() == 0  # never beyond a list's room
    assert (lists.room[team] <= np.floor((1 + room) * first[team])).all()
    decisions = regime.agents.log.frame()
    closed = decisions.query("decision == 'list_closed'")
    assert closed["value"].sum() > 0  # some teams closed their lists
    gained = decisions.query("decision == 'patients_gained'").groupby("year")["value"].sum()
    assert gained.iloc[0] > 0
    state, lay = run.arms["reform"].state, run.arms["reform"].layout
    moved = state.cell != run.arms["status_quo"].state.cell  # nobody moves in the status quo: its cells are those at entry
    assert moved.any() and (lay.cell_territory[state.cell] == run.cohort.territory).all()  # movers stay in their zone


def test_with_closed_lists_or_no_switching_nobody_moves():
    for pathways in ({"nurse_delegation": 0.15, "access_switching": 0.02, "list_room": 0.0},
                     {"nurse_delegation": 0.15, "access_switching": 0.0, "list_room": 0.1}):
        sq, rf, _ = lists_after(pathways)
        np.testing.assert_array_equal(sq, rf)


def test_a_cross_network_share_gives_some_residents_another_networks_hospital():
    data = small_data("population.size=20000")
    data["hospital_networks"] = [{"name": "north", "hospitals": [{"name": "n1"}, {"name": "n2"}]},
                                 {"name": "south", "hospitals": [{"name": "s1"}]}]
    data.pop("hospital_network", None)
    data["territories"][0].update({"home_hospital": "n1", "cross_network_share": 0.2})
    data["territories"][1].update({"home_hospital": "s1"})
    s = validate(data)
    lay = build_layout(s)
    run = Replication.build(s, 5, arms=("status_quo",))
    cells = run.arms["status_quo"].state.cell
    zone0 = lay.cell_territory[cells] == 0
    other = lay.cell_network[cells[zone0]] != lay.network_providers[0]
    assert 0.15 < other.mean() < 0.25
    assert (lay.cell_network[cells[~zone0]] == lay.network_providers[1]).all()  # the other zone stays in its network
