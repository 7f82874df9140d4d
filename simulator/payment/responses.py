"""Provider responses the regime sets each January: supply, length of stay, effort, risk selection."""

from __future__ import annotations

import numpy as np

from simulator.behaviour import EFFORT_GRID, choose_effort, effort_effect
from simulator.care.context import Month
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX
from simulator.rng import derived_seed, hashed_uniform

MEAN_STAY_DAYS = 4.6  # healthybelgium 2017; the calibrated model's mean


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal distribution function (vectorised, via erf)."""
    from math import erf, sqrt

    return 0.5 * (1.0 + np.vectorize(erf)(np.asarray(x, float) / sqrt(2.0)))


class Responding:
    """The response methods of `payment.mix.Regime` (a mixin: they read and write the regime's state).

    `_set_behaviour` is called each January after the payment rules of the year are known.
    """

    def _select_risks(self, m: Month, state: PatientState, strength: float) -> None:
        """Capitated practices shed a share of their costliest decile (as they see it) to fee-for-service practices."""
        capitated = self.capitated_cells("gp_practice")
        if not capitated.any() or capitated.all():
            return
        alive = np.flatnonzero(state.alive & capitated[state.cell])
        seen = state.risk_score[alive] * m.admission_frailty()[alive]  # providers know frailty
        costly = alive[seen >= np.quantile(seen, 0.9)] if alive.size else alive
        u = hashed_uniform(derived_seed(self.seed, "risk_selection", self.year_index + 1), costly)
        movers = costly[u < strength * self.response[state.cell[costly]]]  # only where the reform is (partly) paid
        lay = self.layout
        capitated_practice = np.zeros(lay.n_providers, bool)
        capitated_practice[lay.cell_gp[capitated]] = True
        for t, practices in enumerate(lay.gp_practices):
            targets = practices[~capitated_practice[practices]]
            here = movers[lay.cell_territory[state.cell[movers]] == t]
            if not targets.size or not here.size:
                continue
            pick = hashed_uniform(derived_seed(self.seed, "selection_target", self.year_index), here) * targets.size
            choice = targets[pick.astype(int)]
            rank = lay.cell_hospital_rank[state.cell[here]]
            state.cell[here] = lay.cell_of(np.full(here.size, t), choice, rank, self.cohort.bim[here].astype(np.int64))

    def _set_behaviour(self, m: Month, state: PatientState) -> None:
        """Supply, length of stay, post-acute, readmissions and coordination effort for the year."""
        b, lay = self.scenario.reform.behaviour, self.layout
        alive = np.flatnonzero(state.alive)
        share_ffs = np.ones((len(CATEGORIES), self.n_cells))  # share of in-scope money still paid per act
        for plan in self.capitation:
            eligible = np.ones(alive.size, bool) if not plan.eligible_mask else (state.conditions[alive] & plan.eligible_mask) > 0
            per_cell = np.bincount(state.cell[alive], weights=eligible, minlength=self.n_cells) / np.maximum(
                np.bincount(state.cell[alive], minlength=self.n_cells), 1)
            for c in plan.scope:
                share_ffs[c] -= plan.rule.weight * per_cell * plan.active_cell
        if self.global_budget:
            for c in self.gb_scope:
                share_ffs[c] -= self.global_budget.weight
        relative = share_ffs * (self.ffs.tariff / np.maximum(self.status_quo.tariff, 1e-12))[:, None]
        self.behaviour.supply = {}
        for c, name in enumerate(CATEGORIES):
            elasticity = getattr(b.supply_elasticity, name)
            if elasticity > 0 and not np.allclose(relative[c], 1.0):
                self.behaviour.supply[name] = np.clip(1 + elasticity * (relative[c] - 1), 0.1, 3.0).astype(np.float32)
        stay = CATEGORY_INDEX["inpatient_stay"]
        self.behaviour.length_of_stay = (
            (1 - b.los_response * (1 - share_ffs[stay])).astype(np.float32) if share_ffs[stay].min() < 1 else None)
        if self.book:
            scope = {CATEGORIES[c] for c in self.book.scope}
            self.behaviour.episode_length_of_stay = self.book.reason_multiplier(b.los_response if "inpatient_stay" in scope else 0.0)
            self.behaviour.episode_rehabilitation = self.book.reason_multiplier(b.post_acute_response if "rehabilitation" in scope else 0.0)
            self.behaviour.in_episode_readmission = 1 - b.readmission_response if "inpatient_stay" in scope else 1.0
        self._choose_efforts(m, state, alive)
        effort = np.maximum(self.effort_zone[lay.cell_territory], self.effort_practice[lay.cell_gp])
        self.behaviour.avoidable = (1 - effort_effect(effort, b.effort_max_effect, b.effort_curvature)).astype(np.float32) if effort.any() else None
        if self.shadowing:
            self._damp_behaviour()

    def _damp_behaviour(self) -> None:
        """Only part of the full response where the reform is not (fully) paid: m -> 1 + share * (m - 1)."""
        b, r, net = self.behaviour, self.response.astype(np.float32), np.float32(self.network_response)
        b.supply = {k: 1 + r * (v - 1) for k, v in b.supply.items()}
        b.length_of_stay = None if b.length_of_stay is None else 1 + r * (b.length_of_stay - 1)
        b.avoidable = None if b.avoidable is None else 1 + r * (b.avoidable - 1)
        b.episode_length_of_stay = None if b.episode_length_of_stay is None else 1 + net * (b.episode_length_of_stay - 1)
        b.episode_rehabilitation = None if b.episode_rehabilitation is None else 1 + net * (b.episode_rehabilitation - 1)
        b.in_episode_readmission = 1 + float(net) * (b.in_episode_readmission - 1)

    def _avoidable_cost(self) -> float:
        """Status-quo euros of one avoidable stay this year: fees plus the mean stay (4.6 bed-days)."""
        price = self.status_quo.tariffs(self.year)
        return float(price[CATEGORY_INDEX["inpatient_fees"]] + MEAN_STAY_DAYS * price[CATEGORY_INDEX["inpatient_stay"]])

    def _choose_efforts(self, m: Month, state: PatientState, alive: np.ndarray) -> None:
        """Zones under shared savings and practices under P4P choose coordination effort."""
        b, lay = self.scenario.reform.behaviour, self.layout
        cost = self._avoidable_cost()
        expected_avoidable = 12 * (m.tables.admission_avoidable[state.conditions[alive]] * m.avoidable_frailty()[alive])
        zone_of = lay.cell_territory[state.cell[alive]]
        enrolees_zone = np.bincount(zone_of, minlength=lay.n_territories).astype(float) * self.cohort.weight
        if self.shared_savings:
            ss = self.shared_savings
            avoided = np.bincount(zone_of, weights=expected_avoidable, minlength=lay.n_territories) * cost * self.cohort.weight
            rate = self.measurements["shared_savings"].rate(self.year_index)
            benchmark = np.bincount(zone_of, weights=12 * rate[self.payment_cell[alive]], minlength=lay.n_territories) * self.index * self.cohort.weight
            effect = effort_effect(EFFORT_GRID, b.effort_max_effect, b.effort_curvature)[None, :]
            savings_rate = avoided[:, None] * effect / np.maximum(benchmark, 1.0)[:, None]
            sd = ss.benchmark_error_sd
            clear = normal_cdf((savings_rate - ss.minimum_savings_rate) / sd) if sd > 0 else (savings_rate >= ss.minimum_savings_rate).astype(float)
            gain = ss.sharing_rate * avoided * self.ss_zone
            self.effort_zone = choose_effort(gain, b.effort_cost_eur * self.index * enrolees_zone, effect * clear)
            for t, e in enumerate(self.effort_zone):
                self.decisions.append({"year": self.year, "unit": lay.territory_names[t], "kind": "zone", "effort": float(e),
                                       "incentive_eur": float(gain[t])})
        if self.p4p:
            target = [i for i in self.p4p.indicators if i.indicator == "avoidable_admissions_per_1000"]
            if target:
                ind = target[0]
                practice = lay.cell_gp[state.cell[alive]]
                enrol = np.bincount(practice, minlength=lay.n_providers).astype(float) * self.cohort.weight
                mu0 = np.bincount(practice, weights=expected_avoidable, minlength=lay.n_providers) * self.cohort.weight
                effect = effort_effect(EFFORT_GRID, b.effort_max_effect, b.effort_curvature)[None, :]
                mu = mu0[:, None] * (1 - effect)
                limit = ind.target / 1000 * enrol[:, None]
                reach = normal_cdf((limit - mu) / np.sqrt(np.maximum(mu, 1e-9)))
                gain = ind.bonus_eur * self.index * enrol
                self.effort_practice = choose_effort(gain, b.effort_cost_eur * self.index * enrol, reach) * (enrol > 0)

    # ----------------------------------------------------------------- monthly
