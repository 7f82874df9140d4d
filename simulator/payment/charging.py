"""What each act costs its payers in a month: fee-for-service, supplements, and the co-payments kept under other rules."""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORIES
from simulator.payment.fee_for_service import FeeForService
from simulator.payment.statement import Transfers


class Charging:
    """The charging methods of `payment.mix.Regime` (a mixin: they read the regime's layout, tariffs and year)."""

    def _pay_fee_for_service(self, volume: np.ndarray, transfers: Transfers, owed: np.ndarray, ffs: FeeForService,
                             charges: np.ndarray) -> None:
        """Tariff x volume to the billing provider; the patient's co-payment, the rest by insurance or federated entities."""
        lay = self.layout
        due, patient = ffs.charges(volume, self.year, lay.cell_bim)
        charges[0] += patient
        owed += np.bincount(lay.cell_provider.ravel(), weights=due.ravel(), minlength=lay.n_providers)
        items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], due.shape)
        cells = np.broadcast_to(np.arange(self.n_cells)[None, :], due.shape)
        transfers.add("patients", "fee_for_service", items, cells, lay.cell_provider, patient)
        transfers.add(lay.cell_third_payer, "fee_for_service", items, cells, lay.cell_provider, due - patient)

    def _pay_supplements(self, volume: np.ndarray, transfers: Transfers, owed: np.ndarray, forbidden: np.ndarray,
                         charges: np.ndarray) -> None:
        """Patients pay supplements on top of the tariff to the billing provider, where not `forbidden` ([category] bool)."""
        share = np.where(forbidden, 0.0, self.supplement)
        if not share.any():
            return
        lay = self.layout
        amount = volume * (self.status_quo.tariffs(self.year) * share)[:, None]
        charges[1] += amount
        items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], amount.shape)
        transfers.add("patients", "supplement", items, np.broadcast_to(np.arange(self.n_cells), amount.shape), lay.cell_provider, amount)
        owed += np.bincount(lay.cell_provider.ravel(), weights=amount.ravel(), minlength=lay.n_providers)

    def _keep_copayments(self, volume: np.ndarray, mechanism: str, transfers: Transfers, owed: np.ndarray, charges: np.ndarray) -> None:
        """Patients still pay their co-payment on `volume[category, cell]` that a rule pays instead of fee-for-service."""
        lay = self.layout
        _, copay = self.ffs.charges(volume, self.year, lay.cell_bim)
        charges[0] += copay
        items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], copay.shape)
        transfers.add("patients", mechanism, items, np.broadcast_to(np.arange(self.n_cells), copay.shape), lay.cell_provider, copay)
        owed += np.bincount(lay.cell_provider.ravel(), weights=copay.ravel(), minlength=lay.n_providers)
