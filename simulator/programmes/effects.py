"""What a programme's investments do to its target group in a year: multipliers of hazards and more continuity.

An investment acts from `start_lag_years` after its convention starts, while the convention runs.
A budget raised by reinvested gains buys more of it: an effect e becomes 1 - (1 - e)^s, with
s = (budget paid / own budget)^returns, which stays below 1 and grows less than the money (U).
A budget the programme's ceiling cuts buys less, by the same rule.
"""

from __future__ import annotations

import numpy as np

from simulator.behaviour import Behaviour
from simulator.scenario.programmes import Investment, Programme

#: investment effect -> the behaviour multiplier it scales.
HAZARDS = {"avoidable_admissions": "avoidable", "readmissions": "readmission", "emergency_visits": "emergency",
           "nursing_home_entry": "nursing_home_entry"}


def reinvestment_key(programme: Programme, investment: Investment) -> float:
    """The investment's share of the programme's reinvested gains: its share of the running cost (equal shares if none)."""
    running = sum(i.eur_per_year for i in programme.investments)
    return investment.eur_per_year / running if running > 0 else 1 / len(programme.investments)


def budget_scale(programme: Programme, investment: Investment, extra_eur: float, cut: float = 1.0) -> float:
    """s for one investment: the budget it is paid this year (its own plus its share of the reinvested gain, times `cut`,
    what the programme's ceiling leaves of the year's flows) over its own budget, to the power `reinvestment_returns`."""
    key = reinvestment_key(programme, investment)
    own = investment.eur_per_year or investment.up_front_eur
    if (extra_eur <= 0 and cut >= 1) or own <= 0:
        return 1.0
    return float((cut * (1 + max(extra_eur, 0.0) * key / own)) ** programme.reinvestment_returns)


def investment_effects(programmes: list[Programme], active: list[bool], first_year: list[int], target_cells: list[np.ndarray],
                       extra_eur: np.ndarray, year_index: int, n_cells: int, cut: np.ndarray | None = None
                       ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """[cell] multiplier per hazard, and [cell] continuity added, from the investments acting this year.

    `active[k]`: the convention covers some of the year; `first_year[k]`: the index of its first year;
    `extra_eur[k]`: the reinvested gain added to programme k's running budget this year; `cut[k]`: the share of the
    year's flows its ceiling lets through (1: none cut)."""
    mult = {name: np.ones(n_cells, np.float32) for name in HAZARDS.values()}
    continuity = np.zeros(n_cells, np.float32)
    for k, p in enumerate(programmes):
        if not active[k]:
            continue
        cells = target_cells[k]
        for inv in p.investments:
            if year_index < first_year[k] + inv.start_lag_years or not inv.effects.any():
                continue
            s = budget_scale(p, inv, float(extra_eur[k]), 1.0 if cut is None else float(cut[k]))
            for effect, name in HAZARDS.items():
                value = getattr(inv.effects, effect)
                mult[name][cells] *= np.float32((1 - value) ** s)
            continuity[cells] += np.float32(inv.effects.continuity * s)
    return mult, continuity


def apply_effects(behaviour: Behaviour, mult: dict[str, np.ndarray], continuity: np.ndarray) -> None:
    """Multiply the year's behaviour by the investments' effects (continuity capped at 1)."""
    combine = lambda old, new: new if old is None else old * new  # noqa: E731
    if (mult["avoidable"] != 1).any():
        behaviour.avoidable = combine(behaviour.avoidable, mult["avoidable"])
    if (mult["readmission"] != 1).any():
        behaviour.readmission = combine(behaviour.readmission, mult["readmission"])
    if (mult["emergency"] != 1).any():
        behaviour.supply = {**behaviour.supply, "emergency": combine(behaviour.supply.get("emergency"), mult["emergency"])}
    if (mult["nursing_home_entry"] != 1).any():
        behaviour.nursing_home_entry = combine(behaviour.nursing_home_entry, mult["nursing_home_entry"])
    if continuity.any() and behaviour.continuity is not None:
        behaviour.continuity = np.minimum(behaviour.continuity + continuity, 1.0)
