"""HealthSystemModel: one arm of a run, stepped month by month in a written-down order.

Phases each month: 1 demography, 2 morbidity, 3 care seeking and supply, 4 acute events,
5 post-acute care, 6 claims, 7 payment (posted to the ledger), 10 observation. In
December: 8 settlement and 9 provider decisions (fee-for-service has neither; the
seam is `close_year`), then the year's observation is closed.
"""

from __future__ import annotations

import mesa
import numpy as np

from simulator.agents import Provider, Territory
from simulator.care import acute, demography, morbidity, post_acute, utilisation
from simulator.care.activity import Activity
from simulator.care.claims import claims_by_cell
from simulator.care.context import Month
from simulator.care.risk import risk_scores
from simulator.care.state import PatientState
from simulator.layout import Layout
from simulator.ledger import Ledger
from simulator.observe import Observer
from simulator.payment.fee_for_service import FeeForService
from simulator.population import Cohort
from simulator.scenario import Scenario


class HealthSystemModel(mesa.Model):
    """One arm: the patients' state, the providers and territories, the ledger, the observer."""

    def __init__(self, scenario: Scenario, arm: str, regime: FeeForService, cohort: Cohort, layout: Layout, seed: int):
        super().__init__(seed=seed)
        self.scenario, self.arm, self.regime, self.cohort, self.layout = scenario, arm, regime, cohort, layout
        self.state = PatientState.from_cohort(cohort)
        n_years = len(scenario.years)
        self.ledger = Ledger(layout, n_years)
        self.observer = Observer(cohort, n_years)
        for i, t in enumerate(scenario.territories):
            Territory(self, i, t.name, "primary_care_zone", t.region, t.inhabitants, t.bim_share)
        for info in layout.providers:
            Provider(self, info)
        self.providers = self.agents_by_type[Provider]
        self.territories = self.agents_by_type[Territory]

    def step(self, month: Month) -> None:  # type: ignore[override]
        """Advance this arm by one month, reading the month's shared draws."""
        year_index, calendar = divmod(month.step, 12)
        year = self.scenario.run.start_year + year_index
        if calendar == 0:
            self.state.risk_score = risk_scores(month.tables, self.scenario, month.age, self.state.conditions, self.state.alive)
            self.observer.start_year(year_index, self.state, month.age)
        activity = Activity()
        demography.step(month, self.state, activity)
        morbidity.step(month, self.state)
        utilisation.step(month, self.state, activity)
        acute.step(month, self.state, activity)
        post_acute.step(month, self.state, activity)
        volume = claims_by_cell(activity, self.cohort.cell, self.layout.n_cells)
        statement = self.regime.pay(volume, year, self.layout.cell_bim)
        self.ledger.post(year_index, volume, statement)
        self.observer.month(year_index, self.state, activity, self.regime.insurer_unit_value(year))
        if calendar == 11:
            self.close_year(year_index, year)

    def close_year(self, year_index: int, year: int) -> None:
        """Settlement and provider decisions (none under fee-for-service), then yearly accounts."""
        revenue = self.ledger.revenue[year_index]
        self.providers.do(lambda p: p.close_year(year, revenue[p.index]))
        self.observer.end_year(year_index)
