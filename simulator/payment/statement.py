"""What a payment rule returns: who owes what to whom for one month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Statement:
    """Amounts per (category, billing cell) for one month, in euros.

    `due` is what the provider billing that category for that cell is owed; `patient`
    and `third_party` are who pays it (the third party is federal insurance, or the
    federated entities for nursing homes). The ledger checks that they add up.
    """

    due: np.ndarray
    patient: np.ndarray
    third_party: np.ndarray
