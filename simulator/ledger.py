"""The ledger: every euro of a period posted from a payer to a provider, and checked.

Money is kept per year, payer, mechanism, item (category or none), zone, patient group
and population (target group or rest, with programmes); revenue per year, provider, payer and mechanism. Each posting checks that what
every provider receives equals what the payment rules say it is owed, and that what
the payers (insurance, federated entities, patients) pay equals what providers receive.
"""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORIES, ITEMS, MECHANISMS, PAYERS
from simulator.layout import Layout
from simulator.payment.statement import Statement

PRACTICE_CATEGORIES = ("gp", "practice_nurse")  # kept per cell, for each GP practice's workload
PRACTICE_ROWS = [CATEGORIES.index(c) for c in PRACTICE_CATEGORIES]
TOLERANCE = 1e-6  # euros, relative to the amounts involved


class ConservationError(RuntimeError):
    """Money was created or lost between payers and providers."""


class Ledger:
    """Accumulated money of one arm."""

    def __init__(self, layout: Layout, n_years: int):
        self.layout = layout
        self.n_groups = layout.n_groups
        self.money = np.zeros((n_years, len(PAYERS), len(MECHANISMS), len(ITEMS), self.n_groups))  # euros
        self.volume = np.zeros((n_years, len(CATEGORIES), self.n_groups))  # units per category
        self.revenue = np.zeros((n_years, layout.n_providers, len(PAYERS), len(MECHANISMS)))  # euros
        self.practice_volume = np.zeros((n_years, len(PRACTICE_CATEGORIES), layout.n_cells))  # GP and nurse contacts per cell
        self._cell_group = layout.cell_group
        self._volume_key = (np.arange(len(CATEGORIES))[:, None] * self.n_groups + self._cell_group[None, :]).ravel()

    def post(self, year: int, statement: Statement, volume: np.ndarray | None = None) -> None:
        """Post a period's statement (and claims volumes); raise ConservationError if money does not add up."""
        t = statement.transfers.columns()
        n_prov = self.layout.n_providers
        if not np.isfinite(t["amount"]).all() or not np.isfinite(statement.owed).all():
            raise ConservationError("a payment is not a finite number of euros (NaN or infinite)")
        received = np.bincount(t["provider"], weights=t["amount"], minlength=n_prov)
        outflows = np.bincount(t["payer"], weights=t["amount"], minlength=len(PAYERS))
        gross = np.bincount(t["provider"], weights=np.abs(t["amount"]), minlength=n_prov)
        self.check(statement.owed, received, outflows, statement.paid, gross)
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
            self.practice_volume[year] += volume[PRACTICE_ROWS]

    @staticmethod
    def check(owed: np.ndarray, received: np.ndarray, outflows: np.ndarray, paid: np.ndarray | None = None,
              gross: np.ndarray | None = None) -> None:
        """Per provider, received == owed (the rules' own figure); payers' outflows == providers' inflows as the
        rules computed them; per payer, outflows == what the rules say each payer pays, where they say it.

        The tolerance is relative to the largest amount owed, or to the gross money through a provider
        (`gross`, the sum of absolute transfers), so that offsetting transfers (MAF refunds: +insurance,
        -patients) are judged against the euros that moved, not against a net of zero.
        """
        scale = max(1.0, float(np.abs(owed).max(initial=0.0)), float(gross.max(initial=0.0)) if gross is not None else 0.0)
        gap = np.abs(received - owed)
        if gap.max(initial=0.0) > TOLERANCE * scale:
            worst = int(np.argmax(gap))
            raise ConservationError(f"provider {worst} received {received[worst]:.6f} EUR but is owed {owed[worst]:.6f} EUR")
        total_scale = max(1.0, float(np.abs(owed).sum()))
        if abs(float(outflows.sum()) - float(owed.sum())) > TOLERANCE * total_scale:
            raise ConservationError(f"payers paid {float(outflows.sum()):.6f} EUR but providers are owed {float(owed.sum()):.6f} EUR")
        if paid is not None:
            gap = np.abs(outflows - paid)
            if gap.max(initial=0.0) > TOLERANCE * total_scale:
                worst = int(np.argmax(gap))
                raise ConservationError(f"{PAYERS[worst]} paid {outflows[worst]:.6f} EUR but owes {paid[worst]:.6f} EUR")
