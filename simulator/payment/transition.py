"""The transition schedule of the reform arm: phases per zone and year, zone delays, glide weights, response shares.

A pure schedule: which phase each zone and the network are in, the glide weight of the
year, and, once the providers have decided whether to take part (`agents`), who is paid
under the reform and how much of the full response providers show.
"""

from __future__ import annotations

import numpy as np

from simulator.layout import Layout
from simulator.scenario.reform import Transition

PAID_PHASES = ("voluntary", "glide", "mandatory")  # phases in which the reform pays (voluntary: its participants)


class Schedule:
    """Phases by start year, each zone entering `territory_delay` years late."""

    def __init__(self, rule: Transition, layout: Layout):
        self.rule, self.layout = rule, layout
        self.provider_zone = np.array([p.territory for p in layout.providers])

    def phase_in(self, year: int, delay: int = 0) -> str:
        """The phase in force in `year` for a zone entering `delay` years late."""
        kind = "baseline"
        for phase in self.rule.phases:
            if phase.start_year + delay <= year:
                kind = phase.kind
        return kind

    def glide_weight(self, year: int) -> float:
        """Reform weight in `year` (1 outside a glide phase; in one, the weights by year of the phase, the last repeating)."""
        if self.phase_in(year) != "glide":
            return 1.0
        start = max(p.start_year for p in self.rule.phases if p.kind == "glide" and p.start_year <= year)
        weights = self.rule.glide_weights
        return weights[min(year - start, len(weights) - 1)]

    def zone_phases(self, year: int) -> list[str]:
        return [self.phase_in(year, self.rule.territory_delay.get(z, 0)) for z in self.layout.territory_names]

    def provider_phases(self, zone_phase: list[str], year: int) -> np.ndarray:
        """Each provider's phase: its zone's, or the network's for providers outside zones."""
        network = self.phase_in(year)
        return np.array([zone_phase[t] if t >= 0 else network for t in self.provider_zone])

    @staticmethod
    def paid(phase: np.ndarray, joined: np.ndarray) -> np.ndarray:
        """Providers paid under the reform: everyone in a glide or mandatory phase, participants in a voluntary one."""
        return np.isin(phase, ("glide", "mandatory")) | ((phase == "voluntary") & joined)

    def response(self, zone_phase: list[str], paid: np.ndarray, scale: float) -> np.ndarray:
        """[cell] share of the full provider response: by the zone's phase, in a voluntary one by whether the GP takes part."""
        lay, r = self.layout, self.rule
        zone = np.array([{"baseline": 0.0, "virtual": r.anticipation, "voluntary": 1.0, "glide": scale, "mandatory": 1.0}[z]
                         for z in zone_phase])
        return zone[lay.cell_territory] * np.where(np.array(zone_phase)[lay.cell_territory] == "voluntary", paid[lay.cell_gp], 1.0)

    def network_response(self, year: int, paid: np.ndarray, scale: float) -> float:
        """Share of the full response of the networks (episode care): in a voluntary phase, the share of networks taking part."""
        return {"baseline": 0.0, "virtual": self.rule.anticipation, "voluntary": float(paid[self.layout.network_providers].mean()),
                "glide": scale, "mandatory": 1.0}[self.phase_in(year)]
