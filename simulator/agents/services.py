"""Pharmacies, home-care services and nursing homes of each zone: their decisions, for all of them at once.

Called each January by the regime (`payment.mix.Regime.start_year`): `decide_participation`
(voluntary phase; a service's peers are the services of its kind in the same network) and
`decide_supply` for the categories they bill (drugs, home nursing, nursing-home care).
"""

from __future__ import annotations

import numpy as np

from simulator.agents.base import AgentKind, DecisionLog, share_of_others
from simulator.agents.participation import OptIn
from simulator.layout import Layout


class Services(AgentKind):
    """One pharmacy group, home-care service and nursing-home group per zone."""

    kinds = ("pharmacy", "home_care", "nursing_home")

    def __init__(self, layout: Layout, log: DecisionLog):
        super().__init__(layout, log)
        zone = np.array([max(p.territory, 0) for p in layout.providers])
        kind_code = {k: i for i, k in enumerate(self.kinds)}
        # peers: the same kind in the same network
        self.group = np.array([kind_code.get(k, 0) for k in self.kind_of]) * len(layout.network_names) + layout.territory_network[zone]

    def decide_participation(self, year: int, opt_in: OptIn, taking_part: np.ndarray, voluntary: np.ndarray, at_stake: np.ndarray,
                             noise: np.ndarray, stay: np.ndarray) -> None:
        """Join or leave, weighing the expected gain and the share of same-kind services in the network taking part last year."""
        peers = share_of_others(taking_part, self.group, self.ids)
        for kind in self.kinds:
            mine = self.kind_of[self.ids] == kind
            opt_in.decide(year, kind, self.ids[mine], voluntary, at_stake, peers[mine], noise, stay, self.log)
