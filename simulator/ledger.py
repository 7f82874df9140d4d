"""The ledger: every euro of a month posted from a payer to a provider, and checked.

Money is kept per year, payer, category, territory and patient group; revenue per year,
provider and payer. Each month the ledger checks that what the payers (insurance,
federated entities) and the patients pay equals what each provider is owed, and that
the totals paid and received agree.
"""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORIES, CATEGORY_THIRD_PAYER, PAYER_INDEX, PAYERS
from simulator.layout import Layout
from simulator.payment.statement import Statement

TOLERANCE = 1e-6  # euros, relative to the amounts involved


class ConservationError(RuntimeError):
    """Money was created or lost between payers and providers."""


class Ledger:
    """Accumulated money of one arm."""

    def __init__(self, layout: Layout, n_years: int):
        self.layout = layout
        n_cat, n_groups = len(CATEGORIES), layout.n_territories * 2
        self.money = np.zeros((n_years, len(PAYERS), n_cat, n_groups))  # euros
        self.volume = np.zeros((n_years, n_cat, n_groups))  # units per category
        self.revenue = np.zeros((n_years, layout.n_providers, len(PAYERS)))  # euros
        self._third = np.array([PAYER_INDEX[CATEGORY_THIRD_PAYER[c]] for c in CATEGORIES])
        cell_group = layout.cell_territory * 2 + layout.cell_bim
        self._group_key = (np.arange(n_cat)[:, None] * n_groups + cell_group[None, :]).ravel()
        self._n_groups = n_groups

    def post(self, year: int, volume: np.ndarray, statement: Statement) -> None:
        """Post a month: volumes and the statement's transfers; raise ConservationError if they do not add up."""
        n_prov, n_cat = self.layout.n_providers, len(CATEGORIES)
        provider = self.layout.cell_provider.ravel()
        owed = np.bincount(provider, weights=statement.due.ravel(), minlength=n_prov)
        from_patients = np.bincount(provider, weights=statement.patient.ravel(), minlength=n_prov)
        from_third = np.zeros((n_prov, len(PAYERS)))
        for payer in np.unique(self._third):
            rows = self._third == payer
            from_third[:, payer] = np.bincount(
                self.layout.cell_provider[rows].ravel(), weights=statement.third_party[rows].ravel(), minlength=n_prov
            )
        received = from_patients + from_third.sum(axis=1)
        self.check(owed, received, statement)

        size = n_cat * self._n_groups
        patient_money = np.bincount(self._group_key, weights=statement.patient.ravel(), minlength=size)
        third_money = np.bincount(self._group_key, weights=statement.third_party.ravel(), minlength=size)
        self.money[year, PAYER_INDEX["patients"]] += patient_money.reshape(n_cat, -1)
        third = third_money.reshape(n_cat, -1)
        for c in range(n_cat):
            self.money[year, self._third[c], c] += third[c]
        self.volume[year] += np.bincount(self._group_key, weights=volume.ravel(), minlength=size).reshape(n_cat, -1)
        self.revenue[year] += from_third
        self.revenue[year, :, PAYER_INDEX["patients"]] += from_patients

    @staticmethod
    def check(owed: np.ndarray, received: np.ndarray, statement: Statement) -> None:
        """Per provider, received == owed; in total, paid == received == owed."""
        scale = max(1.0, float(np.abs(owed).sum()))
        gap = np.abs(received - owed)
        if gap.max(initial=0.0) > TOLERANCE * max(1.0, float(np.abs(owed).max(initial=0.0))):
            worst = int(np.argmax(gap))
            raise ConservationError(f"provider {worst} received {received[worst]:.6f} EUR but is owed {owed[worst]:.6f} EUR")
        paid = float(statement.patient.sum() + statement.third_party.sum())
        if abs(paid - float(received.sum())) > TOLERANCE * scale:
            raise ConservationError(f"payers paid {paid:.6f} EUR but providers received {float(received.sum()):.6f} EUR")
