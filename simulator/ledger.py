"""The ledger: every euro of a period posted from a payer to a provider, and checked.

Money is kept per year, payer, mechanism, item (category or none), zone and patient
group; revenue per year, provider, payer and mechanism. Each posting checks that what
every provider receives equals what the payment rules say it is owed, and that what
the payers (insurance, federated entities, patients) pay equals what providers receive.
"""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORIES, ITEMS, MECHANISMS, PAYERS
from simulator.layout import Layout
from simulator.payment.statement import Statement

TOLERANCE = 1e-6  # euros, relative to the amounts involved


class ConservationError(RuntimeError):
    """Money was created or lost between payers and providers."""


class Ledger:
    """Accumulated money of one arm."""

    def __init__(self, layout: Layout, n_years: int):
        self.layout = layout
        self.n_groups = layout.n_territories * 2
        self.money = np.zeros((n_years, len(PAYERS), len(MECHANISMS), len(ITEMS), self.n_groups))  # euros
        self.volume = np.zeros((n_years, len(CATEGORIES), self.n_groups))  # units per category
        self.revenue = np.zeros((n_years, layout.n_providers, len(PAYERS), len(MECHANISMS)))  # euros
        self._cell_group = layout.cell_territory.astype(np.int64) * 2 + layout.cell_bim
        self._volume_key = (np.arange(len(CATEGORIES))[:, None] * self.n_groups + self._cell_group[None, :]).ravel()

    def post(self, year: int, statement: Statement, volume: np.ndarray | None = None) -> None:
        """Post a period's statement (and claims volumes); raise ConservationError if money does not add up."""
        t = statement.transfers.columns()
        n_prov = self.layout.n_providers
        received = np.bincount(t["provider"], weights=t["amount"], minlength=n_prov)
        self.check(statement.owed, received, float(t["amount"].sum()))
        group = self._cell_group[t["cell"]]
        shape = self.money.shape[1:]
        key = np.ravel_multi_index((t["payer"], t["mechanism"], t["item"], group), shape)
        self.money[year] += np.bincount(key, weights=t["amount"], minlength=int(np.prod(shape))).reshape(shape)
        shape = self.revenue.shape[1:]
        key = np.ravel_multi_index((t["provider"], t["payer"], t["mechanism"]), shape)
        self.revenue[year] += np.bincount(key, weights=t["amount"], minlength=int(np.prod(shape))).reshape(shape)
        if volume is not None:
            size = len(CATEGORIES) * self.n_groups
            self.volume[year] += np.bincount(self._volume_key, weights=volume.ravel(), minlength=size).reshape(len(CATEGORIES), -1)

    @staticmethod
    def check(owed: np.ndarray, received: np.ndarray, paid: float) -> None:
        """Per provider, received == owed; in total, paid == received."""
        scale = max(1.0, float(np.abs(owed).max(initial=0.0)))
        gap = np.abs(received - owed)
        if gap.max(initial=0.0) > TOLERANCE * scale:
            worst = int(np.argmax(gap))
            raise ConservationError(f"provider {worst} received {received[worst]:.6f} EUR but is owed {owed[worst]:.6f} EUR")
        if abs(paid - float(received.sum())) > TOLERANCE * max(1.0, float(np.abs(owed).sum())):
            raise ConservationError(f"payers paid {paid:.6f} EUR but providers received {float(received.sum()):.6f} EUR")
