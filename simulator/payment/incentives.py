"""What the year's payment rules mean for the decision makers, per billing cell: the regime states it each January."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.accumulate import count_eligible
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX
from simulator.payment.bundled import EpisodeBook
from simulator.payment.capitation import CapitationPlan
from simulator.scenario.reform import P4P, GlobalBudget, SharedSavings

MEAN_STAY_DAYS = 4.6  # healthybelgium 2017; the calibrated model's mean


@dataclass
class Incentives:
    """The year's incentives, as the regime's rules set them."""

    per_act: np.ndarray  # [category, cell] share of in-scope money still paid per act (1: all of it)
    relative_price: np.ndarray  # [category, cell] the reform's money per act over the status quo's
    patient_price: tuple[np.ndarray, np.ndarray]  # [category, cell] what patients pay per unit: reform, status quo
    enrolled: np.ndarray  # [cell] share of living patients enrolled with a capitated GP practice
    specialist_fee: np.ndarray  # [cell] share covered by a chronic-care fee that pays for specialist care
    team: np.ndarray  # [cell] share enrolled with a capitated team that has a practice nurse in its scope
    avoidable_cost: float  # status-quo euros of one avoidable stay this year
    index: float  # price index of the year
    weight: float  # inhabitants per simulated patient
    book: EpisodeBook | None
    shared_savings: SharedSavings | None
    shared_savings_zone: np.ndarray  # [zone] bool
    benchmark_rate: np.ndarray | None  # per living patient: the shared-savings benchmark per month
    p4p: P4P | None


def per_act_share(plans: list[CapitationPlan], global_budget: GlobalBudget | None, state: PatientState, n_cells: int) -> np.ndarray:
    """[category, cell] share of in-scope money the rules still pay per act this year."""
    share = np.ones((len(CATEGORIES), n_cells))
    for plan in plans:
        covered = plan.rule.weight * covered_share(plan, state, n_cells)
        for c in plan.scope:
            share[c] -= covered
    if global_budget:
        for c in global_budget.scope:
            share[CATEGORY_INDEX[c]] -= global_budget.weight
    return share


def covered_share(plan: CapitationPlan, state: PatientState, n_cells: int) -> np.ndarray:
    """[cell] share of the cell's living patients the plan covers (its cells, its target conditions)."""
    eligible, living = count_eligible(state.alive, state.cell, state.conditions, int(plan.eligible_mask or 0), n_cells)
    return eligible / np.maximum(living, 1) * plan.active_cell


def enrolment(plans: list[CapitationPlan], state: PatientState, n_cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[cell] shares enrolled with a capitated GP practice, covered by a fee paying for specialist care, and enrolled with
    a capitated team whose scope has a practice nurse."""
    enrolled, specialist, team = np.zeros(n_cells), np.zeros(n_cells), np.zeros(n_cells)
    for plan in plans:
        share = covered_share(plan, state, n_cells)
        if plan.rule.provider_kind == "gp_practice":
            enrolled = np.maximum(enrolled, share)
            if CATEGORY_INDEX["practice_nurse"] in plan.scope:
                team = np.maximum(team, share)
        if CATEGORY_INDEX["specialist"] in plan.scope:
            specialist = np.maximum(specialist, share)
    return enrolled, specialist, team
