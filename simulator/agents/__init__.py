"""The decision makers of one arm, organised by kind: GP practices, hospitals, hospital networks, services, zones.

`DecisionMakers` holds one agent set per kind (`practices`, `hospitals`, `networks`,
`services`, `zones`), the GP-hospital referral relations, the providers' opt-in state and
the `decisions` log. The regime (`payment.mix.Regime`) asks them, at stated points of the
year, for every decision a payment rule needs; each kind's module lists its decisions and
when they are taken.
"""

from __future__ import annotations

import mesa
import numpy as np

from simulator.agents.base import DecisionLog, Provider, Territory
from simulator.agents.hospitals import Hospitals, Referrals
from simulator.agents.networks import HospitalNetworks
from simulator.agents.participation import OptIn
from simulator.agents.practices import GpPractices
from simulator.agents.services import Services
from simulator.agents.zones import Zones
from simulator.layout import Layout
from simulator.rng import generator
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

    @property
    def provider_kinds(self) -> tuple:
        return self.practices, self.hospitals, self.networks, self.services

    def bind(self, providers: mesa.AgentSet, territories: mesa.AgentSet) -> None:
        """Give each kind its Mesa agents, once the model has created them."""
        for kind in self.provider_kinds:
            kind.bind(providers)
        self.zones.bind(territories)

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
