"""Fee-for-service tariffs: claims times tariff (uprated yearly), the patient paying a co-payment by status.

The transfers themselves are made by the regime (`payment.mix`), which blends this with other rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.categories import CATEGORIES
from simulator.scenario import Scenario


@dataclass(frozen=True)
class FeeForService:
    """Tariffs at price-year prices, their uprating, and co-payment rates [category, bim]."""

    tariff: np.ndarray  # [category] euros per unit at price-year prices
    price_year: int
    indexation: float
    copay: np.ndarray  # [category, 2]: share paid by the patient, non-BIM then BIM

    @classmethod
    def status_quo(cls, scenario: Scenario) -> FeeForService:
        """Today's tariffs and co-payments, as the scenario gives them."""
        t, c = scenario.tariffs, scenario.copayment
        return cls(
            tariff=np.array([getattr(t.unit_price, k) for k in CATEGORIES]),
            price_year=t.price_year,
            indexation=t.indexation,
            copay=np.array([[getattr(c.non_bim, k), getattr(c.bim, k)] for k in CATEGORIES]),
        )

    @classmethod
    def reform(cls, scenario: Scenario, scale: float = 1.0) -> FeeForService:
        """The status quo with the reform's per-category tariff and co-payment changes (times `scale`, on a glide path)."""
        base, rule = cls.status_quo(scenario), scenario.reform.fee_for_service
        change = np.array([getattr(rule.tariff_change, k) for k in CATEGORIES])
        copay = np.array([getattr(rule.copayment_change, k) for k in CATEGORIES])
        return cls(base.tariff * (1 + scale * change), base.price_year, base.indexation,
                   base.copay if not copay.any() else np.minimum(base.copay * (1 + scale * copay)[:, None], 1.0))

    def patient_price(self, cell_bim: np.ndarray) -> np.ndarray:
        """[category, cell] what the patient pays per unit at price-year prices."""
        return self.tariff[:, None] * self.copay[:, cell_bim]

    def tariffs(self, year: int) -> np.ndarray:
        """Tariffs in force in `year`: price-year tariffs uprated by indexation."""
        return self.tariff * (1 + self.indexation) ** (year - self.price_year)

    def insurer_unit_value(self, year: int) -> np.ndarray:
        """[category, bim] euros per unit paid by the third party."""
        return self.tariffs(year)[:, None] * (1 - self.copay)

    def charges(self, volume: np.ndarray, year: int, cell_bim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For `volume[category, cell]`: what the provider is due and the patients' part of it, in euros."""
        due = volume * self.tariffs(year)[:, None]
        return due, due * self.copay[:, cell_bim]
