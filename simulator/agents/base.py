"""What every kind of decision maker shares: its Mesa agents, its arrays, and the decisions log.

Patients are arrays (see `population`); the few hundred to few thousand decision makers are
Mesa agents, one per provider or zone, keeping their own yearly accounts. Their decisions are
taken for all agents of a kind at once by the kind's class (`practices.GpPractices`,
`hospitals.Hospitals`, ...), which owns the arrays the decisions read and write, so that
a reader finds every decision of a GP practice in one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from simulator.categories import CATEGORIES, CATEGORY_PROVIDER_KIND, PAYERS
from simulator.layout import Layout, ProviderInfo


class Territory(mesa.Agent):
    """A primary-care zone: its residents, its region, its BIM share."""

    def __init__(self, model: mesa.Model, index: int, name: str, kind: str, region: str, inhabitants: int, bim_share: float):
        super().__init__(model)
        self.index, self.name, self.kind = index, name, kind
        self.region, self.inhabitants, self.bim_share = region, inhabitants, bim_share


class Provider(mesa.Agent):
    """A GP practice, hospital, hospital network, pharmacy group, home-care service or nursing-home group."""

    def __init__(self, model: mesa.Model, info: ProviderInfo):
        super().__init__(model)
        self.index, self.kind, self.name, self.territory = info.id, info.kind, info.name, info.territory

    @property
    def revenue(self) -> dict[int, dict[str, float]]:
        """Year -> payer -> euros received, for the years closed so far: this provider's row of its arm's ledger (read
        when asked, so that closing a year costs nothing per agent: 7,391 of them per arm in the national scenario)."""
        years = self.model.closed_years
        by_payer = self.model.ledger.revenue[: len(years), self.index].sum(axis=2)  # [year, payer]
        return {year: {payer: float(v) for payer, v in zip(PAYERS, row, strict=True)} for year, row in zip(years, by_payer, strict=True)}


DECISION_COLUMNS = ["year", "kind", "agent_id", "decision", "value", "expected_gain_eur", "peer_share", "cost_eur"]


@dataclass
class DecisionLog:
    """One row per agent, year and decision: the decision's output and the inputs it weighed."""

    parts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, year: int, kind: str | np.ndarray, ids: np.ndarray, decision: str, value: np.ndarray, *, expected_gain: np.ndarray | None = None,
            peer_share: np.ndarray | None = None, cost: np.ndarray | float | None = None) -> None:
        """Record `decision` of the agents `ids` of `kind` (one kind, or one per agent; provider ids, or zone indices for zones)."""
        ids = np.asarray(ids, np.int64)
        if not ids.size:
            return
        blank = np.full(ids.size, np.nan)
        self.parts.append(pd.DataFrame({
            "year": year, "kind": kind, "agent_id": ids, "decision": decision, "value": np.asarray(value, float),
            "expected_gain_eur": blank if expected_gain is None else np.asarray(expected_gain, float),
            "peer_share": blank if peer_share is None else np.asarray(peer_share, float),
            "cost_eur": blank if cost is None else np.broadcast_to(np.asarray(cost, float), ids.shape)}))

    def frame(self) -> pd.DataFrame:
        return pd.concat(self.parts, ignore_index=True) if self.parts else pd.DataFrame(columns=DECISION_COLUMNS)


class AgentKind:
    """All providers of some kinds, as arrays indexed by provider id (their Mesa agents are the model's `providers`)."""

    kinds: tuple[str, ...] = ()

    def __init__(self, layout: Layout, log: DecisionLog):
        self.layout, self.log = layout, log
        self.ids = np.array([p.id for p in layout.providers if p.kind in self.kinds], np.int64)
        self.kind_of = np.array([p.kind for p in layout.providers])

    def categories(self) -> list[int]:
        """The categories these kinds bill."""
        return [c for c, name in enumerate(CATEGORIES) if CATEGORY_PROVIDER_KIND[name] in self.kinds]

    def decide_supply(self, year: int, relative_price: np.ndarray, elasticity: dict[str, float]) -> dict[str, np.ndarray]:
        """Volume of the categories these kinds bill, following the marginal price (January, after the year's rules).

        Reads `relative_price[category, cell]` (the reform's money per act relative to the status
        quo's) and the supply elasticities; returns category -> [cell] multiplier of contact
        rates for the categories that move, each recorded per billing provider.
        """
        supply = {}
        for c in self.categories():
            name = CATEGORIES[c]
            if elasticity[name] > 0 and not np.allclose(relative_price[c], 1.0):
                supply[name] = np.clip(1 + elasticity[name] * (relative_price[c] - 1), 0.1, 3.0).astype(np.float32)
                self.record_by_cell(year, f"supply_{name}", self.layout.cell_provider[c], supply[name])
        return supply

    def record_by_cell(self, year: int, decision: str, provider_of_cell: np.ndarray, value: np.ndarray) -> None:
        """Log a decision taken per billing cell as each provider's mean over its cells."""
        n = self.layout.n_providers
        cells = np.bincount(provider_of_cell, minlength=n)
        ids = np.flatnonzero(cells)
        mean = np.bincount(provider_of_cell, weights=value.astype(float), minlength=n)[ids] / cells[ids]
        self.log.add(year, self.kind_of[ids], ids, decision, mean)


def share_of_others(taking_part: np.ndarray, group: np.ndarray, members: np.ndarray) -> np.ndarray:
    """For each of `members`, the share of the other members of its `group` taking part (0 when alone)."""
    g = group[members]
    size = np.bincount(g)
    count = np.bincount(g, weights=taking_part[members].astype(float), minlength=size.size)
    others = size[g] - 1
    return np.where(others > 0, (count[g] - taking_part[members]) / np.maximum(others, 1), 0.0)
