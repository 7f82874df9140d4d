"""Reinvestment: a share of the measured efficiency gain funds interventions the next year, through the ledger."""

from __future__ import annotations

import numpy as np

from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.categories import CATEGORY_INDEX, INSURANCE, NO_CATEGORY
from simulator.payment.measurement import Measured
from simulator.payment.shared_savings import counted_difference
from simulator.payment.statement import Statement, Transfers
from simulator.programmes.convention import funded_year


class Reinvesting:
    """The reinvestment methods of `payment.mix.Regime` (a mixin: they read and write the regime's state)."""

    def _plan_reinvestment(self, measured: Measured) -> None:
        """The pot: a share of this year's positive efficiency gains, which the zones allocate for next year."""
        ri, lay = self.reinvestment, self.layout
        in_force = self._in_force()
        gain = np.maximum(counted_difference(measured.benchmark, measured.actual, ri.measurement), 0.0) * in_force  # none before the reform is paid
        funded = funded_year(self.year_index, ri.measurement.data_lag_quarters)
        for t in range(lay.n_territories):
            record = self._measured_record("reinvestment", t, measured)
            record.update({"gain_eur": float(gain[t]), "reinvested_eur": float(ri.share * gain[t]),
                           "funded_year": float(self.scenario.run.start_year + funded), "_in_force": bool(in_force[t])})
            self.settlements.append(record)
        residents = np.bincount(lay.cell_territory, weights=self.cell_counts[0], minlength=lay.n_territories) / 12 * self.cohort.weight
        plan = self.agents.zones.decide_reinvestment(self.year, ri, gain, residents, self._optimise_reinvestment)
        self.reinvest_plans[funded] = (plan, ri.share * float(gain.sum()), self.year)

    def _optimise_reinvestment(self, pot: float, residents: np.ndarray) -> np.ndarray:
        """Spend per zone x intervention from the optimiser, on this year's avoidable admissions per zone."""
        from simulator.optimise import AllocationProblem, OptimisationError, solve_allocation
        from simulator.scenario import Problem, ScenarioError

        ri, lay = self.reinvestment, self.layout
        avoidable = np.bincount(lay.cell_territory, weights=self.cell_counts[2], minlength=lay.n_territories) * self.cohort.weight
        next_index = self.index * (1 + self.ffs.indexation)
        problem = AllocationProblem(
            pot=pot, zones=lay.territory_names, residents=residents, avoidable=avoidable,
            names=tuple(i.name for i in ri.interventions),
            unit_cost=np.array([i.cost_per_unit_eur * next_index for i in ri.interventions]),
            max_effect=np.array([i.max_effect for i in ri.interventions]),
            half_density=np.array([i.units_for_half_effect for i in ri.interventions]),
            capacity_density=np.array([i.max_units_per_100k or np.inf for i in ri.interventions]),
            floor_share=ri.equity_floor, integer_units=ri.integer_units)
        try:
            return solve_allocation(problem).spend
        except OptimisationError as exc:
            raise ScenarioError(None, [Problem("reform.reinvestment", exc.family, str(exc))]) from None

    def _fund_interventions(self, state: PatientState) -> None:
        """Split each zone's allocation over interventions; their effects cut avoidable admissions this year."""
        ri, lay = self.reinvestment, self.layout
        none = (np.zeros((lay.n_territories, len(ri.interventions))), 0.0, None)
        plan, pot, source = self.reinvest_plans.pop(self.year_index, none)  # [zone, intervention], from the year its gain was known
        self.reinvest_month = plan.sum(axis=1) / 12 / self.cohort.weight  # simulated scale, per month
        residents = np.bincount(lay.cell_territory[state.cell[state.alive]], minlength=lay.n_territories) * self.cohort.weight
        for i, intervention in enumerate(ri.interventions):
            spend = plan[:, i]
            units = spend / (intervention.cost_per_unit_eur * self.index)
            density = units / np.maximum(residents / 100_000, 1e-12)
            effect = intervention.max_effect * density / (density + intervention.units_for_half_effect)
            arrival = self.year_index + intervention.lag_years
            self.intervention_effect[arrival] = self.intervention_effect.get(arrival, np.ones(lay.n_territories)) * (1 - effect)
            for t in range(lay.n_territories):
                self.reinvestments.append({"year": self.year, "territory": lay.territory_names[t], "intervention": intervention.name,
                                           "pot_eur": pot, "savings_year": source,
                                           "spend_eur": float(spend[t]), "units": float(units[t]), "effect": float(effect[t])})
        multiplier = self.intervention_effect.pop(self.year_index, np.ones(lay.n_territories))
        cell_multiplier = multiplier[lay.cell_territory].astype(np.float32)
        b = self.behaviour
        b.avoidable = cell_multiplier if b.avoidable is None else b.avoidable * cell_multiplier

    def _reinvestment_month(self, state: PatientState, activity: Activity) -> Statement:
        """This month's twelfth of each zone's allocation, paid to the zone's home-care service."""
        lay = self.layout
        residents = activity.residents(state.cell, self.n_cells)
        per_zone = np.bincount(lay.cell_territory, weights=residents, minlength=lay.n_territories)
        amount = self.reinvest_month[lay.cell_territory] * residents / np.maximum(per_zone[lay.cell_territory], 1e-12)
        provider = lay.cell_provider[CATEGORY_INDEX["home_nursing"]]
        transfers = Transfers()
        transfers.add(INSURANCE, "reinvestment", NO_CATEGORY, np.arange(self.n_cells), provider, amount)
        return Statement(transfers, np.bincount(provider, weights=amount, minlength=lay.n_providers))
