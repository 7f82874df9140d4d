"""GP lists and patients' choice of practice: capitated practices close full lists, patients move to more access.

Decided each January in the reform arm, once the practices have chosen after-hours care and
delegation to a nurse (`agents.DecisionMakers.respond`). A practice offering more access (a
capitated practice with after-hours care or a team nurse) attracts `access_switching` of the
patients of its zone's other practices a year, while its list has room: it closes its list
when the list has grown by `list_room` over its size in the first year. Fee-for-service
practices never close their lists. Patients keep their usual hospital and their BIM status.
"""

from __future__ import annotations

import numpy as np

from simulator.agents.base import DecisionLog
from simulator.care.state import PatientState
from simulator.layout import Layout
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario.pathways import Pathways


class Lists:
    """The GP practices' lists of one arm: their first-year size, room, and the patients who move."""

    def __init__(self, layout: Layout, log: DecisionLog):
        self.layout, self.log = layout, log
        self.first: np.ndarray | None = None  # living patients per practice in the first January
        self.room = np.zeros(layout.n_providers)  # this January's free places before the moves
        self.moved = np.zeros(layout.n_providers)  # patients who moved in this January

    def sizes(self, state: PatientState) -> np.ndarray:
        """[provider] living patients on each practice's list."""
        alive = np.flatnonzero(state.alive)
        return np.bincount(self.layout.cell_gp[state.cell[alive]], minlength=self.layout.n_providers).astype(float)

    def decide(self, year: int, year_index: int, state: PatientState, bim: np.ndarray, attracts: np.ndarray, p: Pathways,
               seed: int, weight: float) -> None:
        """Close full lists and move patients (`state.cell`) to practices that `attracts` ([provider] bool)."""
        size = self.sizes(state)
        if self.first is None:
            self.first = size
        if year_index == 0 or p.access_switching == 0 or p.list_room == 0 or not attracts.any():
            return
        lay = self.layout
        room = np.where(attracts, np.floor((1 + p.list_room) * self.first - size), 0.0).clip(min=0)
        practices = np.flatnonzero(attracts)
        alive = np.flatnonzero(state.alive)
        mover = alive[hashed_uniform(derived_seed(seed, "practice_switch", year_index), alive) < p.access_switching]
        mover = mover[~attracts[lay.cell_gp[state.cell[mover]]]]
        moved = self.moved = np.zeros(lay.n_providers)
        self.room = room
        for t, zone_practices in enumerate(lay.gp_practices):
            open_here = zone_practices[room[zone_practices] > 0]
            here = mover[lay.cell_territory[state.cell[mover]] == t]
            if not open_here.size or not here.size:
                continue
            seats = np.repeat(open_here, room[open_here].astype(np.int64))  # one seat per free place
            order = np.argsort(hashed_uniform(derived_seed(seed, "switch_order", year_index, t), here), kind="stable")
            here = here[order][: seats.size]
            pick = np.argsort(hashed_uniform(derived_seed(seed, "switch_seat", year_index, t), np.arange(seats.size)), kind="stable")
            target = seats[pick[: here.size]]
            rank = lay.cell_hospital_rank[state.cell[here]]
            state.cell[here] = lay.cell_of(np.full(here.size, t), target, rank, bim[here].astype(np.int64))
            np.add.at(moved, target, 1.0)
        self.log.add(year, "gp_practice", practices, "patients_gained", moved[practices] * weight)
        self.log.add(year, "gp_practice", practices, "list_closed", (room - moved <= 0)[practices])  # full once the movers are in
