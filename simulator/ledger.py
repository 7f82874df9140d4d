"""The ledger: every euro of a period posted from a payer to a provider, and checked.

Money is kept per year, payer, mechanism, item (category or none), zone, patient group
and population (target group or rest, with programmes); revenue per year, provider, payer and mechanism. Each posting checks that what
every provider receives equals what the payment rules say it is owed, and that what
the payers (insurance, federated entities, patients) pay equals what providers receive.
"""

from __future__ import annotations

import numba
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
        if not np.isfinite(statement.owed).all():
            raise ConservationError("a payment is not a finite number of euros (NaN or infinite)")
        n_prov = self.layout.n_providers
        received, outflows, gross = np.zeros(n_prov), np.zeros(len(PAYERS)), np.zeros(n_prov)
        money, revenue = np.zeros(self.money.shape[1:]), np.zeros(self.revenue.shape[1:])
        if not _sums(t["payer"], t["mechanism"], t["item"], t["cell"], t["provider"], t["amount"], self._cell_group, received, outflows,
                     gross, money, revenue):
            raise ConservationError("a payment is not a finite number of euros (NaN or infinite)")
        self.check(statement.owed, received, outflows, statement.paid, gross)
        self.money[year] += money
        self.revenue[year] += revenue
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


@numba.njit(cache=True, nogil=True)
def _sums(payer, mechanism, item, cell, provider, amount, cell_group, received, outflows, gross, money, revenue) -> bool:
    """The transfers' sums in one pass, in row order (so the same to the bit as `np.bincount`): per provider received
    and gross, per payer paid out, money [payer, mechanism, item, group] and revenue [provider, payer, mechanism].
    False, with nothing added past it, at the first amount that is not finite; an index out of range raises."""
    n_payers, n_mechanisms, n_items, n_groups = money.shape
    for r in range(amount.size):
        a = amount[r]
        if not np.isfinite(a):
            return False
        p, m, i, q = payer[r], mechanism[r], item[r], provider[r]
        g = cell_group[cell[r]]
        if not (0 <= p < n_payers and 0 <= m < n_mechanisms and 0 <= i < n_items and 0 <= q < received.size and 0 <= g < n_groups):
            raise IndexError("a transfer's payer, mechanism, item, provider or cell is out of range")
        received[q] += a
        outflows[p] += a
        gross[q] += abs(a)
        money[p, m, i, g] += a
        revenue[q, p, m] += a
    return True
