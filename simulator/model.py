"""HealthSystemModel: one arm of a run, stepped month by month in a written-down order.

Phases each month: 1 demography, 2 morbidity, 3 care seeking and supply, 4 acute events,
5 post-acute care (`care.month`), 6 claims, 7 payment (posted to the ledger), 10
observation. In December: 8 settlement (shared savings, P4P, the zones' reinvestment
choice), then the year's observation is closed. In January: 9 the decision makers'
decisions for the year (`simulator.agents`, asked by the regime once the year's rules are
known: participation, coding, risk selection, supply, stays, episode care, effort).
"""

from __future__ import annotations

import mesa

from simulator.agents import Provider, Territory
from simulator.care.claims import claims_by_cell
from simulator.care.context import Month
from simulator.care.activity import Activity
from simulator.care.month import care_months
from simulator.care.risk import risk_scores
from simulator.care.state import PatientState
from simulator.layout import Layout
from simulator.ledger import Ledger
from simulator.observe import Observer
from simulator.payment.mix import Regime
from simulator.population import Cohort
from simulator.scenario import Scenario


class HealthSystemModel(mesa.Model):
    """One arm: the patients' state, the providers and territories, the regime, the ledger, the observer."""

    def __init__(self, scenario: Scenario, arm: str, regime: Regime, cohort: Cohort, layout: Layout, seed: int):
        super().__init__(seed=seed)
        self.scenario, self.arm, self.regime, self.cohort, self.layout = scenario, arm, regime, cohort, layout
        self.state = PatientState.from_cohort(cohort)
        self.n_years = len(scenario.years)
        self.ledger = Ledger(layout, self.n_years)
        self.observer = Observer(cohort, self.n_years, layout)
        self.base_mean_cost = 0.0  # mean expected cost of the base year, the unit of the reported risk scores
        self.closed_years: list[int] = []  # calendar years closed, in order (the providers' accounts read the ledger's)
        for i, t in enumerate(scenario.territories):
            Territory(self, i, t.name, "primary_care_zone", t.region, t.inhabitants, t.bim_share)
        for info in layout.providers:
            Provider(self, info)
        self.providers = self.agents_by_type[Provider]
        self.territories = self.agents_by_type[Territory]

    def step(self, month: Month) -> None:  # type: ignore[override]
        """Advance this arm alone by one month (`Replication.step` steps the arms together)."""
        self.begin_month(month)
        self.end_month(month, care_months(month, [(self.state, self.regime.behaviour)], self.layout.n_cells)[0])

    def begin_month(self, month: Month) -> None:
        """January's decisions (see `start_year`), else the month's age bands, before the care processes."""
        year_index, calendar = divmod(month.step, 12)
        if calendar == 0:
            self.start_year(year_index, self.scenario.run.start_year + year_index, month)
        else:
            self.observer.set_age(month.group_band())

    def end_month(self, month: Month, activity: Activity) -> None:
        """Claims, payment and observation of the month's care; in December, the year's close."""
        self.account_month(month, activity)
        self.close_month(month)

    def account_month(self, month: Month, activity: Activity) -> None:
        """Claims, payment and observation of the month's care."""
        year_index = month.step // 12
        volume = claims_by_cell(activity, self.state.cell, self.layout.n_cells)
        self.ledger.post(year_index, self.regime.monthly(month, self.state, activity, volume), volume)
        unit_value = self.regime.ffs.insurer_unit_value(self.scenario.run.start_year + year_index)
        self.observer.month(year_index, self.state, activity, unit_value, self.regime.behaviour.continuity)

    def close_month(self, month: Month) -> None:
        """After the month's accounts: in December, the year's close (it does not read the month's care)."""
        year_index, calendar = divmod(month.step, 12)
        if calendar == 11:
            self.close_year(year_index, self.scenario.run.start_year + year_index, last=year_index == self.n_years - 1)

    def start_year(self, year_index: int, year: int, month: Month) -> None:
        """January: risk scores, the regime's year (target groups, rules, decisions), then the observer's snapshot."""
        self.state.risk_score, mean_cost = risk_scores(month.tables, self.scenario, month.age, self.state.conditions, self.state.alive)
        self.base_mean_cost = self.base_mean_cost or mean_cost
        cost_index = mean_cost / self.base_mean_cost
        self.regime.start_year(year_index, year, month, self.state, cost_index)
        self.observer.set_populations(self.state.cell)
        self.observer.set_age(month.group_band())
        self.observer.start_year(year_index, self.state, month.age, cost_index, self.regime.capitated_cells())
        self.state.risk_score = None  # read only by January's decisions and snapshot (0.1 GB an arm at national scale)

    def release(self) -> None:
        """Let the arm be freed once its tables are out: Mesa 3.3 keeps every model in `Agent._ids` (mesa/mesa#3179,
        fixed upstream in #3180), so a process running many replications (calibration, sweeps) would keep them all."""
        self.remove_all_agents()
        mesa.Agent._ids.pop(self, None)

    def release_patients(self) -> None:
        """Once the horizon is closed: free the year's per-patient arrays (volumes, maximum-billing sums), which the
        tables do not read, so that the tables are built in their memory (at national scale about 0.55 GB an arm)."""
        self.observer.release_patients()
        self.regime.out_of_pocket.release_patients()

    def close_year(self, year_index: int, year: int, last: bool) -> None:
        """Settlements, the providers' yearly accounts, the year's indicators."""
        self.ledger.post(year_index, self.regime.close_year(self.state, self.observer.gp_user, self.observer.present, self.observer.volume_year))
        if last:
            self.ledger.post(year_index, self.regime.close_horizon(12 * self.n_years - 1, self.state))
        self.closed_years.append(year)
        self.observer.end_year(year_index)
