"""Providers and territories as Mesa agents.

Patients are arrays (see `population`); the few hundred to few thousand decision makers
are agents. Each keeps its own yearly accounts, read from the ledger at year end.
"""

from __future__ import annotations

import mesa
import numpy as np

from simulator.categories import PAYERS
from simulator.layout import ProviderInfo


class Territory(mesa.Agent):
    """A primary-care zone or the hospital network's area."""

    def __init__(self, model: mesa.Model, index: int, name: str, kind: str, region: str, inhabitants: int, bim_share: float):
        super().__init__(model)
        self.index, self.name, self.kind = index, name, kind
        self.region, self.inhabitants, self.bim_share = region, inhabitants, bim_share


class Provider(mesa.Agent):
    """A GP practice, hospital, pharmacy group, home-care service or nursing-home group."""

    def __init__(self, model: mesa.Model, info: ProviderInfo):
        super().__init__(model)
        self.index, self.kind, self.name, self.territory = info.id, info.kind, info.name, info.territory
        self.revenue: dict[int, dict[str, float]] = {}  # year -> payer -> euros

    def close_year(self, year: int, revenue_by_payer: np.ndarray) -> None:
        """Record the year's revenue, by payer."""
        self.revenue[year] = {payer: float(v) for payer, v in zip(PAYERS, revenue_by_payer, strict=True)}
