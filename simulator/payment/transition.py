"""The transition schedule of the regime: phases per zone, glide weights, opt-in, and the costs of running two systems."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.categories import INSURANCE, NO_CATEGORY
from simulator.payment.coordination import monthly_by_cell
from simulator.payment.fee_for_service import FeeForService
from simulator.payment.statement import Statement, Transfers
from simulator.rng import generator


class Transitioning:
    """The transition methods of `payment.mix.Regime` (a mixin: they read and write the regime's state).

    `_enter_phase` is called each January, before payment rules and behaviour are set for the year.
    """

    def phase_in(self, year: int, delay: int = 0) -> str:
        """The transition phase in force in `year` for a zone entering `delay` years late."""
        kind = "baseline"
        for phase in self.transition.phases:
            if phase.start_year + delay <= year:
                kind = phase.kind
        return kind

    def _glide_weight(self, year: int) -> float:
        """Reform weight in `year` of a glide phase (the last weight repeats)."""
        start = max(p.start_year for p in self.transition.phases if p.kind == "glide" and p.start_year <= year)
        weights = self.transition.glide_weights
        return weights[min(year - start, len(weights) - 1)]

    def _enter_phase(self, year_index: int, year: int) -> None:
        """Phases per zone, opt-in decisions, who is paid under the reform, and how strongly providers respond."""
        tr, lay = self.transition, self.layout
        self.zone_phase = [self.phase_in(year, tr.territory_delay.get(z, 0)) for z in lay.territory_names]
        network_phase = self.phase_in(year)
        self.scale = self._glide_weight(year) if network_phase == "glide" else 1.0
        self.ffs = FeeForService.reform(self.scenario, self.scale)
        phase = np.array([self.zone_phase[t] if t >= 0 else network_phase for t in self.provider_zone])
        gain = np.zeros(lay.n_providers)
        if year_index > 0:  # last year's shadow statements: what the reform would have paid minus the status quo
            gain = (self.shadow[year_index - 1, :, 0] - self.shadow[year_index - 1, :, 1]) * self.cohort.weight
        voluntary = phase == "voluntary"
        if voluntary.any():
            noise = generator(self.seed, "opt_in", year_index).normal(0.0, tr.opt_in_noise_eur, lay.n_providers)
            stay = generator(self.seed, "opt_out", year_index).random(lay.n_providers) >= tr.exit_rate
            join = ~self.joined & (gain + noise > tr.switching_cost_eur)
            leave = self.joined & (gain + noise < 0) & ~stay
            self.joined = (self.joined | (voluntary & join)) & ~leave
        self.paid = np.isin(phase, ("glide", "mandatory")) | (voluntary & self.joined)
        zone_response = np.array([{"baseline": 0.0, "virtual": tr.anticipation, "voluntary": 1.0, "glide": self.scale,
                                   "mandatory": 1.0}[z] for z in self.zone_phase])
        self.response = zone_response[lay.cell_territory] * np.where(
            np.array(self.zone_phase)[lay.cell_territory] == "voluntary", self.paid[lay.cell_gp], 1.0)
        self.network_response = {"baseline": 0.0, "virtual": tr.anticipation, "voluntary": float(self.paid[lay.network_providers].mean()),
                                 "glide": self.scale, "mandatory": 1.0}[network_phase]
        for p in range(lay.n_providers):
            self.participation.append({"year": year, "provider": p, "phase": str(phase[p]),
                                       "participating": bool(self.paid[p]), "shadow_gain_eur": float(gain[p])})

    def _transition_costs(self, activity: Activity, state: PatientState) -> Statement:
        """Administration of two systems side by side, shared over cells by residents."""
        lay = self.layout
        residents = np.bincount(state.cell[activity.alive], minlength=self.n_cells).astype(float)
        parallel = residents * np.isin(np.array(self.zone_phase)[lay.cell_territory], ("virtual", "voluntary", "glide"))
        return self._pay_untied("transition_admin", "administration", parallel * self.transition.admin_cost_eur / 12 * self.index)

    def _coordination_month(self, activity: Activity, state: PatientState) -> Statement:
        """Coordination funding of the zones out of the baseline phase (all zones without phases)."""
        rule, lay = self.scenario.reform.coordination, self.layout
        listed = np.array([not rule.territories or z in rule.territories for z in lay.territory_names])
        funded = listed & (np.array(self.zone_phase) != "baseline")
        residents = np.bincount(state.cell[activity.alive], minlength=self.n_cells).astype(float)
        amount = monthly_by_cell(rule, self.year, funded, residents, lay.cell_territory, self.cohort.weight)
        return self._pay_untied("coordination", "integration_management", amount)

    def _pay_untied(self, mechanism: str, payee: str, amount: np.ndarray) -> Statement:
        """Insurance pays `amount` per cell to one payee, on no category."""
        owed, transfers = np.zeros(self.layout.n_providers), Transfers()
        transfers.add(INSURANCE, mechanism, NO_CATEGORY, np.arange(self.n_cells), np.full(self.n_cells, self.payee[payee]), amount)
        owed[self.payee[payee]] += amount.sum()
        return Statement(transfers, owed)
