"""The municipal co-payment of long stays: the patient's municipality pays part of the bed-days beyond a threshold.

Norway's coordination reform (2012) made municipalities pay for hospital stays beyond a set
length (Health ProspectING 2019, seed 002). Here the municipality takes over `share` of the
insurance's part of each bed-day beyond `threshold_days` of a stay: the hospital is paid the
same, the insurance pays less and the municipalities (a territory payer) pay the difference.
"""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.categories import CATEGORY_INDEX
from simulator.layout import Layout
from simulator.payment.statement import Transfers
from simulator.scenario.reform import MunicipalCopayment

STAY = CATEGORY_INDEX["inpatient_stay"]


def excess_bed_days(bed_days: np.ndarray, stays: np.ndarray, threshold: float) -> np.ndarray:
    """Bed-days beyond `threshold` per stay, per admitted patient-month (several stays share the month's days evenly)."""
    return np.maximum(bed_days.astype(np.float64) - threshold * stays, 0.0)


def municipal_copayment(rule: MunicipalCopayment, layout: Layout, state: PatientState, activity: Activity,
                        insurer_value: np.ndarray, bim: np.ndarray) -> Transfers:
    """This month's shift from the insurance to the municipalities, per cell (owed to hospitals is unchanged)."""
    transfers = Transfers()
    adm = activity.admissions
    if not adm.size:
        return transfers
    listed = np.array([not rule.territories or z in rule.territories for z in layout.territory_names])
    cell = state.cell[adm]
    amount = excess_bed_days(activity.bed_days, activity.stays, rule.threshold_days) * insurer_value[STAY, bim[adm]] * rule.share
    amount = amount * listed[layout.cell_territory[cell]]
    by_cell = np.bincount(cell, weights=amount, minlength=layout.n_cells)
    hospital = layout.cell_provider[STAY]
    transfers.add("municipalities", "municipal_copayment", STAY, np.arange(layout.n_cells), hospital, by_cell)
    transfers.add("federal_insurance", "municipal_copayment", STAY, np.arange(layout.n_cells), hospital, -by_cell)
    return transfers
