"""GP practices: every decision a practice takes, for all practices at once.

Called each January, in this order, by the regime (`payment.mix.Regime.start_year`):
1. `decide_participation` (voluntary phase): join or leave the reform;
2. `decide_coding`: how many enrolees are recorded one condition higher where the money
   depends on recorded conditions;
3. `decide_selection`: capitated practices shed costly enrolees to fee-for-service practices;
4. `decide_access` (supply of GP contacts), `decide_continuity` (list enrolment),
   `decide_after_hours`, `decide_team_care` (delegation to a practice nurse) and
   `decide_effort` (coordination effort under P4P), once the year's payment rules are known;
5. `decide_lists` (in `agents.mobility`): capitated practices close full lists; patients
   move to practices offering more access.
"""

from __future__ import annotations

import numpy as np

from simulator.agents.base import AgentKind, DecisionLog, share_of_others
from simulator.agents.participation import OptIn
from simulator.behaviour import EFFORT_GRID, choose_effort, effort_effect
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.layout import Layout
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario.pathways import Pathways
from simulator.scenario.reform import P4P, Behaviour


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal distribution function (vectorised, via erf)."""
    from math import erf, sqrt

    return 0.5 * (1.0 + np.vectorize(erf)(np.asarray(x, float) / sqrt(2.0)))


class GpPractices(AgentKind):
    """The GP practices of every zone; a practice's peers are the other practices of its zone and of its network."""

    kinds = ("gp_practice",)

    def __init__(self, layout: Layout, log: DecisionLog):
        super().__init__(layout, log)
        zone = np.array([p.territory for p in layout.providers])
        self.zone = np.where(zone >= 0, zone, 0)
        self.network = layout.territory_network[self.zone]
        self.effort = np.zeros(layout.n_providers)  # coordination effort under P4P, per practice

    def decide_participation(self, year: int, opt_in: OptIn, taking_part: np.ndarray, voluntary: np.ndarray, at_stake: np.ndarray,
                             noise: np.ndarray, stay: np.ndarray) -> None:
        """Join or leave, weighing the practice's expected gain and what its zone's and network's practices did last year.

        Reads `taking_part` (last year's participation, per provider); the peer share is the mean
        of the share of the other practices taking part in the zone and in the network.
        """
        peers = 0.5 * (share_of_others(taking_part, self.zone, self.ids) + share_of_others(taking_part, self.network, self.ids))
        opt_in.decide(year, "gp_practice", self.ids, voluntary, at_stake, peers, noise, stay, self.log)

    def decide_coding(self, year: int, year_index: int, b: Behaviour, response: np.ndarray, coded_cell: np.ndarray) -> np.ndarray:
        """Share of each cell's enrolees recorded one condition higher this year ([cell]).

        Where money depends on recorded conditions (`coded_cell`), coding drifts up by
        `coding_drift` a year to `coding_cap`, in proportion to the practice's response to the
        reform (`response` per cell: its phase and participation).
        """
        level = min(b.coding_cap, b.coding_drift * (year_index + 1))
        intensity = level * response * coded_cell
        if level > 0:
            self.record_by_cell(year, "coding", self.layout.cell_gp, intensity)
        return intensity

    def decide_selection(self, year: int, year_index: int, m: Month, state: PatientState, cohort_bim: np.ndarray, strength: float,
                         capitated: np.ndarray, response: np.ndarray, seed: int, weight: float) -> None:
        """Capitated practices shed a share of their costliest decile (as they see it, frailty included) to fee-for-service practices.

        Reads the capitated cells, this year's risk scores and frailty, and the response share per
        cell; moves patients' cells in `state`. Called from the second year on.
        """
        if not capitated.any() or capitated.all():
            return
        alive = np.flatnonzero(state.alive & capitated[state.cell])
        seen = state.risk_score[alive] * m.admission_frailty()[alive]  # providers know frailty
        costly = alive[seen >= np.quantile(seen, 0.9)] if alive.size else alive
        u = hashed_uniform(derived_seed(seed, "risk_selection", year_index), costly)
        movers = costly[u < strength * response[state.cell[costly]]]  # only where the reform is (partly) paid
        lay = self.layout
        self.log.add(year, "gp_practice", self.ids, "selection_shed",
                     np.bincount(lay.cell_gp[state.cell[movers]], minlength=lay.n_providers)[self.ids] * weight)
        capitated_practice = np.zeros(lay.n_providers, bool)
        capitated_practice[lay.cell_gp[capitated]] = True
        for t, practices in enumerate(lay.gp_practices):
            targets = practices[~capitated_practice[practices]]
            here = movers[lay.cell_territory[state.cell[movers]] == t]
            if not targets.size or not here.size:
                continue
            pick = hashed_uniform(derived_seed(seed, "selection_target", year_index - 1), here) * targets.size
            choice = targets[pick.astype(int)]
            rank = lay.cell_hospital_rank[state.cell[here]]
            state.cell[here] = lay.cell_of(np.full(here.size, t), choice, rank, cohort_bim[here].astype(np.int64))

    def decide_access(self, year: int, relative_price: np.ndarray, b: Behaviour) -> dict[str, np.ndarray]:
        """GP contacts offered, following the practice's money per contact (see `AgentKind.decide_supply`)."""
        return self.decide_supply(year, relative_price, b.supply_elasticity.model_dump())

    def decide_continuity(self, year: int, baseline: np.ndarray, enrolled: np.ndarray, p: Pathways) -> np.ndarray:
        """Continuity of GP care per cell: a capitated practice enrols its patients on a list and sees them itself.

        Reads the status-quo continuity and the share of each cell's patients enrolled with a
        capitated practice; closes `enrolment_continuity` of the gap to full continuity for them.
        """
        continuity = baseline + p.enrolment_continuity * (1 - baseline) * enrolled
        if np.any(continuity != baseline):
            self.record_by_cell(year, "continuity", self.layout.cell_gp, continuity)
        return continuity

    def decide_after_hours(self, year: int, enrolled: np.ndarray, p: Pathways, seed: int) -> np.ndarray:
        """Whether each cell's practice offers after-hours care (1 or 0 per cell).

        A capitated practice, paid for its list rather than per contact, offers it with chance
        `after_hours_uptake` times its enrolled share (drawn once per practice from the
        replication's seed, so that the same practices offer it every year).
        """
        lay = self.layout
        cells = np.bincount(lay.cell_gp, minlength=lay.n_providers)
        share = np.bincount(lay.cell_gp, weights=enrolled, minlength=lay.n_providers) / np.maximum(cells, 1)
        offers = hashed_uniform(derived_seed(seed, "after_hours"), np.arange(lay.n_providers)) < p.after_hours_uptake * share
        if share.any():
            self.log.add(year, "gp_practice", self.ids, "after_hours", offers[self.ids])
        return offers[lay.cell_gp].astype(float)

    def decide_team_care(self, year: int, team: np.ndarray, p: Pathways) -> np.ndarray:
        """Share of GP contacts each cell's practice delegates to its practice nurse ([cell]).

        A capitated team paid for its list and for a nurse (`team`: the share of the cell's
        patients so enrolled) delegates `nurse_delegation` of its GP contacts; a fee-for-service
        practice, paid per GP contact and not at all for a nurse's, keeps them.
        """
        delegated = p.nurse_delegation * team
        if delegated.any():
            self.record_by_cell(year, "nurse_delegation", self.layout.cell_gp, delegated)
        return delegated

    def decide_effort(self, year: int, rule: P4P | None, b: Behaviour, practice: np.ndarray, expected_avoidable: np.ndarray,
                      index: float, weight: float) -> np.ndarray:
        """Coordination effort per practice under a P4P target on avoidable admissions ([provider]; 0 elsewhere).

        Reads each living enrolee's practice and expected avoidable admissions; a practice
        chooses the effort that maximises bonus x chance of reaching the target - effort cost.
        """
        self.effort = np.zeros(self.layout.n_providers)
        target = [i for i in rule.indicators if i.indicator == "avoidable_admissions_per_1000"] if rule else []
        if not target:
            return self.effort
        ind, n = target[0], self.layout.n_providers
        enrol = np.bincount(practice, minlength=n).astype(float) * weight
        mu0 = np.bincount(practice, weights=expected_avoidable, minlength=n) * weight
        effect = effort_effect(EFFORT_GRID, b.effort_max_effect, b.effort_curvature)[None, :]
        mu = mu0[:, None] * (1 - effect)
        limit = ind.target / 1000 * enrol[:, None]
        reach = normal_cdf((limit - mu) / np.sqrt(np.maximum(mu, 1e-9)))
        gain = ind.bonus_eur * index * enrol
        cost = b.effort_cost_eur * index * enrol
        self.effort = choose_effort(gain, cost, reach) * (enrol > 0)
        self.log.add(year, "gp_practice", self.ids, "effort", self.effort[self.ids], expected_gain=gain[self.ids], cost=cost[self.ids])
        return self.effort
