"""Substitution between primary, specialist, emergency and hospital care: multipliers per billing cell.

Read each January by the regime once the practices have decided continuity (list enrolment)
and after-hours care: a change of continuity `dc` (share of GP contacts with the usual
practice, reform minus status quo) multiplies specialist contacts, emergency visits,
avoidable admissions and readmissions by exp(effect x dc); after-hours care multiplies a
practice's patients' emergency visits by exp(effect). Sources and marks are on each
parameter (`scenario.pathways.Pathways`). Channels whose multiplier is 1 everywhere are
returned as None, so that a switched-off channel leaves the care processes untouched.
"""

from __future__ import annotations

import numpy as np

from simulator.categories import CATEGORY_INDEX
from simulator.scenario.pathways import Pathways


def _or_none(multiplier: np.ndarray) -> np.ndarray | None:
    return None if np.all(multiplier == 1.0) else multiplier.astype(np.float32)


def substitution(p: Pathways, continuity: np.ndarray, baseline: np.ndarray, after_hours: np.ndarray,
                 specialist_fee_share: np.ndarray) -> dict[str, np.ndarray | None]:
    """Multipliers [cell] of specialist contacts, emergency visits, avoidable admissions and readmissions.

    `after_hours` is 1 where the cell's practice offers after-hours care; `specialist_fee_share`
    the share of the cell's patients covered by a chronic-care fee that pays for specialist care.
    """
    dc = continuity - baseline
    return {
        "specialist": _or_none(np.exp(p.continuity_specialist * dc) * (1 + specialist_fee_share * np.expm1(p.bundle_specialist))),
        "emergency": _or_none(np.exp(p.continuity_emergency * dc + p.after_hours_emergency * after_hours)),
        "avoidable": _or_none(np.exp(p.continuity_avoidable * dc)),
        "readmission": _or_none(np.exp(p.continuity_readmission * dc)),
    }


PATIENT_INITIATED = ("gp", "specialist", "lab_imaging", "emergency", "day_case", "physiotherapy")  # the contact processes demand moves


def demand(elasticity: float, reform_price: np.ndarray, status_quo_price: np.ndarray) -> dict[str, np.ndarray | None]:
    """Multipliers [cell] of each contact process from what patients pay per unit ([category, cell]): (reform / status quo)^e.

    Where the status quo is free for the patient, or the price did not change, demand does not move.
    """
    out = {}
    for name in PATIENT_INITIATED:
        c = CATEGORY_INDEX[name]
        ratio = np.divide(reform_price[c], status_quo_price[c], out=np.ones_like(reform_price[c]), where=status_quo_price[c] > 0)
        out[name] = _or_none(np.power(np.maximum(ratio, 1e-9), elasticity))
    return out


def times(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """Product of two optional multipliers (None is 1)."""
    if a is None or b is None:
        return b if a is None else a
    return (a * b).astype(np.float32)
