"""Money tied to no service: coordination funding of the zones (integrated-care pilots, seed 001) and the cost of
running two payment systems side by side during a transition."""

from __future__ import annotations

import numpy as np

from simulator.categories import INSURANCE, NO_CATEGORY
from simulator.layout import Layout
from simulator.payment.statement import Statement, Transfers
from simulator.scenario.reform import CoordinationFunding, Transition

TWO_SYSTEMS = ("virtual", "voluntary", "glide")  # phases in which both payment systems run


def monthly_by_cell(rule: CoordinationFunding, year: int, funded_zone: np.ndarray, residents: np.ndarray,
                    cell_territory: np.ndarray, weight: float) -> np.ndarray:
    """This month's twelfth of each funded zone's amount, over its cells by residents, at the simulated scale."""
    per_zone = np.bincount(cell_territory, weights=residents, minlength=funded_zone.size)
    share = residents / np.maximum(per_zone[cell_territory], 1e-12)
    return funded_zone[cell_territory] * rule.uprated(rule.eur_per_territory, year) / 12 * share / weight


def pay_untied(layout: Layout, mechanism: str, payee: int, amount: np.ndarray) -> Statement:
    """Insurance pays `amount` per cell to one payee, on no category."""
    owed, transfers = np.zeros(layout.n_providers), Transfers()
    transfers.add(INSURANCE, mechanism, NO_CATEGORY, np.arange(layout.n_cells), np.full(layout.n_cells, payee), amount)
    owed[payee] += amount.sum()
    return Statement(transfers, owed)


def transition_admin(layout: Layout, rule: Transition, zone_phase: list[str], residents: np.ndarray, payee: int, index: float) -> Statement:
    """This month's administration of two systems side by side, per resident of the zones running both."""
    parallel = residents * np.isin(np.array(zone_phase)[layout.cell_territory], TWO_SYSTEMS)
    return pay_untied(layout, "transition_admin", payee, parallel * rule.admin_cost_eur / 12 * index)


def coordination_funding(layout: Layout, rule: CoordinationFunding, year: int, zone_phase: list[str], residents: np.ndarray,
                         payee: int, weight: float) -> Statement:
    """This month's coordination funding of the listed zones out of the baseline phase (all zones without phases)."""
    listed = np.array([not rule.territories or z in rule.territories for z in layout.territory_names])
    funded = listed & (np.array(zone_phase) != "baseline")
    return pay_untied(layout, "coordination", payee, monthly_by_cell(rule, year, funded, residents, layout.cell_territory, weight))
