"""Budget-neutral rates: capitation cells and episode prices rescaled each year to the optimiser's rates."""

from __future__ import annotations

import numpy as np

from simulator.care.risk import N_RISK_CELLS
from simulator.payment.bundled import EpisodeBook, status_quo_price
from simulator.payment.capitation import CapitationPlan
from simulator.reference import ReferenceCosts
from simulator.scenario import Scenario


def needs_rate_setting(scenario: Scenario) -> bool:
    """Whether a capitation rule or an episode type asks for budget-neutral rates."""
    r = scenario.reform
    return any(c.rates == "budget_neutral" for c in r.capitation) or bool(r.bundled and any(e.price == "budget_neutral" for e in r.bundled.episodes))


def set_budget_neutral_rates(scenario: Scenario, reference: ReferenceCosts, plans: list[CapitationPlan], book: EpisodeBook | None,
                             prices_by_year: list[np.ndarray]) -> list[dict]:
    """Rescale, in place, the budget-neutral capitation cells and episode prices of every year; returns the rate lines set."""
    from simulator.optimise import OptimisationError
    from simulator.optimise.rates import RateProblem, solve_rates
    from simulator.scenario import Problem, ScenarioError

    setting, weight = scenario.reform.rate_setting, scenario.inhabitants / scenario.reform.reference.size
    rate_lines = []
    for y, year in enumerate(reference.years):
        lines = []  # (label, kind, volume, observed, apply)
        for plan in plans:
            if plan.rule.rates != "budget_neutral":
                continue
            eligible = year.months > 0
            if plan.eligible_mask:
                eligible &= (year.conditions & plan.eligible_mask) > 0
            exposure = np.bincount(year.cell[eligible], weights=year.months[eligible].astype(float), minlength=N_RISK_CELLS)
            rates = plan.rates_by_year[y]
            cells = np.flatnonzero(exposure > 0) if plan.rule.risk_adjustment == "cells" else np.array([0])
            for c in cells:
                volume = exposure[c] if plan.rule.risk_adjustment == "cells" else exposure.sum()
                lines.append((f"{plan.rule.name}:cell_{c}", plan.rule.provider_kind, volume * weight, float(rates[c].sum()),
                              (plan, None if plan.rule.risk_adjustment == "none" else c)))
        if book:
            for k, e in enumerate(book.episodes):
                if e.price == "budget_neutral" and year.episode_claims[k].size:
                    observed = status_quo_price(year.episode_claims[k], e.stop_loss, 0.0)
                    lines.append((f"bundle:{e.name}", "hospital_network", year.episode_claims[k].size * weight, observed, (None, k)))
        lines = [line for line in lines if line[3] > 0]
        if not lines:
            continue
        problem = RateProblem(tuple(x[0] for x in lines), tuple(x[1] for x in lines), np.array([x[2] for x in lines]),
                              np.array([x[3] for x in lines]), setting.target_saving, setting.cell_corridor, setting.revenue_corridor)
        try:
            solved = solve_rates(problem)
        except OptimisationError as exc:
            raise ScenarioError(None, [Problem("reform.rate_setting", exc.family, f"{exc} (year {scenario.years[y]})")]) from None
        for (label, kind, volume, observed, (plan, where)), rate in zip(lines, solved):
            if plan is None:
                prices_by_year[y][where] = rate
            elif where is None:
                plan.rates_by_year[y] = plan.rates_by_year[y] * (rate / observed)
            else:
                plan.rates_by_year[y][where] *= rate / observed
            rate_lines.append({"year": scenario.years[y], "line": label, "kind": kind, "volume": volume,
                               "observed_eur": observed, "rate_eur": rate})
    return rate_lines
