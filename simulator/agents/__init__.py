"""The decision makers of one arm, organised by kind: GP practices, hospitals, hospital networks, services, zones.

`DecisionMakers` holds one agent set per kind (`practices`, `hospitals`, `networks`,
`services`, `zones`), the GP-hospital referral relations, the providers' opt-in state and
the `decisions` log. The regime (`payment.mix.Regime`) asks them, at stated points of the
year, for every decision a payment rule needs; each kind's module lists its decisions and
when they are taken.
"""

from __future__ import annotations

import numpy as np

from simulator import pathways
from simulator.agents.base import DecisionLog, Provider, Territory
from simulator.agents.hospitals import Hospitals, Referrals
from simulator.agents.mobility import Lists
from simulator.agents.networks import HospitalNetworks
from simulator.agents.participation import OptIn
from simulator.agents.practices import GpPractices
from simulator.agents.services import Services
from simulator.agents.zones import Zones
from simulator.behaviour import Behaviour, effort_effect
from simulator.care.rates import contact_rate, other_admission_rate
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX
from simulator.layout import Layout
from simulator.payment.incentives import Incentives
from simulator.rng import generator
from simulator.scenario.pathways import Pathways
from simulator.scenario.reform import Behaviour as BehaviourRule
from simulator.scenario.reform import Transition

__all__ = ["DecisionMakers", "Provider", "Territory"]


class DecisionMakers:
    """Every decision maker of one arm, by kind."""

    def __init__(self, layout: Layout, transition: Transition, seed: int):
        """`seed` is the replication's: switching costs, risk attitudes and the yearly opt-in terms are drawn from it."""
        self.layout, self.rule, self.seed = layout, transition, seed
        self.log = DecisionLog()
        self.referrals = Referrals(layout)
        self.practices = GpPractices(layout, self.log)
        self.hospitals = Hospitals(layout, self.log, self.referrals)
        self.networks = HospitalNetworks(layout, self.log, self.referrals)
        self.services = Services(layout, self.log)
        self.zones = Zones(layout, self.log)
        self.opt_in = OptIn(transition, layout.n_providers, seed)
        self.lists = Lists(layout, self.log)
        self.attracting = np.zeros(layout.n_providers, bool)  # practices offering more access this year

    @property
    def provider_kinds(self) -> tuple:
        return self.practices, self.hospitals, self.networks, self.services

    def decide_participation(self, year: int, year_index: int, phase: np.ndarray, at_stake: np.ndarray, taking_part: np.ndarray,
                             gain: np.ndarray | None) -> np.ndarray:
        """January of a transition year: learn from last year's shadow gain, then every kind decides; returns who has joined.

        `phase` is each provider's phase this year, `taking_part` last year's participation
        (what peers see), `gain` last year's shadow gain per provider (None in the first year).
        """
        if gain is not None:
            self.opt_in.learn(gain)
        voluntary = phase == "voluntary"
        if voluntary.any():
            n = self.layout.n_providers
            noise = generator(self.seed, "opt_in", year_index).normal(0.0, self.rule.opt_in_noise_eur, n)
            stay = generator(self.seed, "opt_out", year_index).random(n) >= self.rule.exit_rate
            for kind in self.provider_kinds:
                kind.decide_participation(year, self.opt_in, taking_part, voluntary, at_stake, noise, stay)
        return self.opt_in.joined

    def respond(self, year: int, m: Month, state: PatientState, inc: Incentives, b: BehaviourRule, baseline_continuity: np.ndarray,
                in_episode: np.ndarray | None) -> Behaviour:
        """January, once the year's rules are known: every kind's response, composed into the care processes' multipliers.

        In this order: supply of each category (practices, hospitals, services), length of
        stay and discharge to post-acute care, admission thresholds, day care and emergency
        patients sent home (hospitals), episode care (networks), continuity, after-hours care
        and delegation to a practice nurse (practices) with the substitution they bring,
        patients' demand under what they pay, then coordination effort (zones under shared
        savings, practices under P4P).
        """
        pw = b.pathways
        elasticity = b.supply_elasticity.model_dump()
        out = Behaviour(in_episode=in_episode)
        supply = {**self.practices.decide_access(year, inc.relative_price, b), **self.hospitals.decide_supply(year, inc.relative_price, elasticity),
                  **self.services.decide_supply(year, inc.relative_price, elasticity)}
        stay = inc.per_act[CATEGORY_INDEX["inpatient_stay"]]
        out.length_of_stay = self.hospitals.decide_length_of_stay(year, stay, b.los_response)
        out.rehabilitation = self.hospitals.decide_discharge(year, out.length_of_stay, pw)
        out.admission, out.other_admission, shift = self.hospitals.decide_admissions(year, stay, pw)
        if shift > 0:  # the stays moved to day care come back as day cases, cell by cell
            per_day_case = self._per_cell_ratio(state, other_admission_rate(m), contact_rate(m, state, "day_case"))
            supply["day_case"] = pathways.times(supply.get("day_case"), 1 + (1 - out.other_admission) * per_day_case)
        if out.admission is not None:
            per_visit = self._per_cell_ratio(state, self._classic_stay_rate(m, state), contact_rate(m, state, "emergency"))
            supply["emergency"] = pathways.times(supply.get("emergency"),
                                                 self.hospitals.decide_emergency_admissions(year, out.admission, per_visit, pw))
        if inc.book:
            out.episode_length_of_stay, out.episode_rehabilitation, out.in_episode_readmission = self.networks.decide_episode_care(year, inc.book, b)
            out.in_episode_contacts = {"emergency": float(np.exp(pw.bundle_emergency)), "lab_imaging": float(np.exp(pw.bundle_workup))}
        out.continuity = self.practices.decide_continuity(year, baseline_continuity, inc.enrolled, pw)
        after_hours = self.practices.decide_after_hours(year, inc.enrolled, pw, self.seed)
        shifted = pathways.substitution(pw, out.continuity, baseline_continuity, after_hours, inc.specialist_fee)
        for name in ("specialist", "emergency"):
            supply[name] = pathways.times(supply.get(name), shifted[name])
        delegated = self.practices.decide_team_care(year, inc.team, pw)
        self.attracting = np.zeros(self.layout.n_providers, bool)
        self.attracting[self.layout.cell_gp[(inc.enrolled > 0) & ((after_hours > 0) | (delegated > 0))]] = True
        if delegated.any():  # GP contacts become the team nurse's; nurse-led care prevents some admissions
            out.nurse_delegation = delegated.astype(np.float32)
            shifted["avoidable"] = pathways.times(shifted["avoidable"], np.exp(pw.nurse_avoidable * delegated).astype(np.float32))
        for name, multiplier in pathways.demand(b.demand_elasticity, *inc.patient_price).items():  # patients' side
            supply[name] = pathways.times(supply.get(name), multiplier)
        out.supply = {name: supply[name] for name in CATEGORIES if supply.get(name) is not None}
        out.readmission = shifted["readmission"]
        effort = self._efforts(year, m, state, inc, b)
        out.avoidable = pathways.times((1 - effort_effect(effort, b.effort_max_effect, b.effort_curvature)).astype(np.float32)
                                       if effort.any() else None, shifted["avoidable"])
        return out

    def _efforts(self, year: int, m: Month, state: PatientState, inc: Incentives, b: BehaviourRule) -> np.ndarray:
        """[cell] coordination effort: the zone's under shared savings or the practice's under P4P, whichever is larger."""
        lay = self.layout
        alive = np.flatnonzero(state.alive)
        expected_avoidable = 12 * (m.tables.admission_avoidable[state.conditions[alive]] * m.avoidable_frailty()[alive])
        zone_effort = np.zeros(lay.n_territories)
        if inc.shared_savings:
            zone_effort = self.zones.decide_effort(year, inc.shared_savings, b, inc.shared_savings_zone, lay.cell_territory[state.cell[alive]],
                                                   expected_avoidable, inc.benchmark_rate, inc.avoidable_cost, inc.index, inc.weight)
        practice_effort = self.practices.decide_effort(year, inc.p4p, b, lay.cell_gp[state.cell[alive]], expected_avoidable, inc.index, inc.weight)
        return np.maximum(zone_effort[lay.cell_territory], practice_effort[lay.cell_gp])

    def _per_cell_ratio(self, state: PatientState, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
        """[cell] sum of one monthly rate over another among the living (e.g. other classic stays per day case)."""
        alive = np.flatnonzero(state.alive)
        cells, n = state.cell[alive], self.layout.n_cells
        top = np.bincount(cells, weights=numerator[alive], minlength=n)
        bottom = np.bincount(cells, weights=denominator[alive], minlength=n)
        return np.where(bottom > 0, top / np.maximum(bottom, 1e-12), 0.0)

    @staticmethod
    def _classic_stay_rate(m: Month, state: PatientState) -> np.ndarray:
        """Monthly rate of avoidable and other classic stays per slot, before any response."""
        return m.tables.admission_avoidable[state.conditions] * m.avoidable_frailty() + other_admission_rate(m)

    def move_patients(self, year: int, year_index: int, state: PatientState, bim: np.ndarray, pw: Pathways, paid: np.ndarray,
                      weight: float) -> None:
        """January, after the responses: practices offering more access and paid under the reform take patients in (`agents.mobility`)."""
        self.lists.decide(year, year_index, state, bim, self.attracting & paid, pw, self.seed, weight)
