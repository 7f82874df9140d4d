"""The payment regime of one arm: fee-for-service blended with the reform's rules.

Monthly, capitation and global budgets pay their blend weight of in-scope money and
fee-for-service pays the rest of the tariff; bundles settle episodes whose window closed.
Yearly, shared savings and P4P settle. Each January the regime sets the payment rules of the
year and asks the decision makers (`agents`) for their decisions, in this order: the
transition's participation, coding, risk selection, then supply, length of stay, episode
care and coordination effort under the year's incentives. The regime decides nothing itself.
"""

from __future__ import annotations

import numpy as np

from simulator.accumulate import add_runs, count_pairs, count_runs
from simulator.agents import DecisionMakers
from simulator.behaviour import Behaviour, damped
from simulator.care.activity import Activity
from simulator.care.claims import claims_by_cell
from simulator.care.context import Month
from simulator.care.risk import N_RISK_CELLS, condition_count, risk_cell
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX, INSURANCE
from simulator.layout import Layout
from simulator.payment.bundled import EpisodeBook, status_quo_price
from simulator.payment.capitation import CapitationPlan, capitation_amount, plan_capitation
from simulator.payment.charging import Charging
from simulator.payment.coordination import coordination_funding, transition_admin
from simulator.payment.envelope import Envelopes
from simulator.payment.fee_for_service import FeeForService
from simulator.payment.incentives import MEAN_STAY_DAYS, Incentives, enrolment, per_act_share
from simulator.payment.measurement import Measurement
from simulator.payment.municipal import municipal_copayment
from simulator.payment.out_of_pocket import OutOfPocket
from simulator.payment.rate_setting import needs_rate_setting, set_budget_neutral_rates
from simulator.payment.reinvest import Reinvesting
from simulator.payment.settle import Settling
from simulator.payment.statement import Statement, Transfers
from simulator.payment.transition import Schedule
from simulator.population import Cohort
from simulator.programmes.book import ProgrammeBook
from simulator.programmes.target import TargetFlags
from simulator.reference import ReferenceCosts
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario import Scenario

class Regime(Settling, Reinvesting, Charging):
    """Fee-for-service plus, in the reform arm, capitation, bundles, global budget, shared savings and P4P."""

    def __init__(self, scenario: Scenario, layout: Layout, cohort: Cohort, reference: ReferenceCosts | None, reform: bool, seed: int,
                 all_years: bool = True):
        """`seed` is the replication's: every draw of the regime and its agents (benchmark errors, opt-in, coding, selection) comes from it."""
        self.scenario, self.layout, self.cohort, self.reform, self.seed = scenario, layout, cohort, reform, seed
        self.ffs = FeeForService.reform(scenario) if reform else FeeForService.status_quo(scenario)
        self.status_quo = FeeForService.status_quo(scenario)
        regions = [t.region for t in scenario.territories]
        self.continuity = np.array([getattr(scenario.primary_care.continuity, regions[t]) for t in layout.cell_territory])  # status quo
        self.behaviour = Behaviour(continuity=self.continuity)
        self.agents = DecisionMakers(layout, scenario.reform.transition, seed)
        self.settlements: list[dict] = []
        r = scenario.reform if reform else None
        self.capitation = [plan_capitation(rule, reference, layout, scenario.run.seed) for rule in (r.capitation if r else [])]
        self.global_budget = r.global_budget if r else None
        self.envelopes = Envelopes(self.global_budget, reference, layout) if self.global_budget else None
        self.book = EpisodeBook(r.bundled, cohort.capacity) if r and r.bundled else None
        if self.book:
            self.prices_by_year = [np.array([
                e.price_eur if e.price == "given" else status_quo_price(year.episode_claims[k], e.stop_loss, e.discount)
                for k, e in enumerate(self.book.episodes)]) for year in (reference.years if reference else [None])]
            self.stop_loss = np.array([e.stop_loss for e in self.book.episodes])
        # budget-neutral rates set by the optimiser, per year and line
        self.rate_lines = set_budget_neutral_rates(scenario, reference, self.capitation, self.book, getattr(self, "prices_by_year", [])) \
            if r and needs_rate_setting(scenario) else []
        self.shared_savings = r.shared_savings if r else None
        self.reinvestment = r.reinvestment if r and r.reinvestment.share > 0 else None
        self.guarantee = r.budget_guarantee if r and r.budget_guarantee.share > 0 else None
        self.p4p = r.p4p if r else None
        self._measure(reference)
        self.n_cells = layout.n_cells
        self.cell_counts = np.zeros((5, layout.n_cells))  # person-months, admissions, avoidable, readmissions, none
        self.payment_cell = np.zeros(cohort.capacity, np.int16)  # risk cell used for payment (recorded conditions)
        self.coded_cell = self._paid_by_risk_cells()
        self.coding_u = hashed_uniform(derived_seed(seed, "coding"), np.arange(cohort.capacity)) if self.coded_cell.any() else None
        self.transition = scenario.reform.transition if reform else None
        self.schedule = Schedule(scenario.reform.transition, layout)
        self.shadowing = bool(self.transition and self.transition.phases)
        self.at_stake = self._at_stake() if self.shadowing else np.zeros(layout.n_providers, bool)
        self.scale = 1.0  # glide weight of the reform this year
        self.paid = np.ones(layout.n_providers, bool)  # providers paid under the reform this year
        self.response = np.ones(layout.n_cells)  # share of the full provider response, per cell
        self.network_response = 1.0
        self.zone_phase = ["mandatory"] * layout.n_territories
        self.shadow = np.zeros((len(scenario.years), layout.n_providers, 2))  # [year, provider, reform | status quo] owed
        self.participation: list[dict] = []
        self.reinvestments: list[dict] = []
        self.intervention_effect: dict[int, np.ndarray] = {}  # year index -> zone multiplier of avoidable hazards
        self.reinvest_plans: dict[int, tuple] = {}  # year index funded -> (allocation [zone, intervention], pot, year measured)
        self.lagged: list[tuple] = []  # zone settlements waiting for their data lag: (due step, statement, records)
        kinds = [p.kind for p in layout.providers]
        self.payee = {k: kinds.index(k) for k in ("administration", "integration_management")}
        self.out_of_pocket = OutOfPocket(scenario, layout, cohort, seed, self.payee["administration"], all_years)
        self.supplement = np.array([getattr(scenario.supplements, c) for c in CATEGORIES])  # share of tariff
        self.forbidden = np.isin(CATEGORIES, r.forbid_supplements) if r else np.zeros(len(CATEGORIES), bool)
        self.targets = TargetFlags(scenario, layout)
        self.municipal = r.municipal_copayment if r else None
        self.programmes = ProgrammeBook(scenario, layout, cohort.capacity, reference, seed, self.payee["integration_management"],
                                        self.settlements, paying=reform) if scenario.programmes else None

    # ----------------------------------------------------------------- set-up

    def _measure(self, reference: ReferenceCosts | None) -> None:
        """Expected (reference) vs actual insurance spending per zone: shared savings, the gain to reinvest, the guarantee."""
        lay, zones = self.layout, list(self.layout.territory_names)
        everywhere = np.ones(lay.n_territories, bool)
        self.ss_zone = np.array([not self.shared_savings.territories or z in self.shared_savings.territories for z in zones]) \
            if self.shared_savings else np.zeros(lay.n_territories, bool)
        rules = {"shared_savings": (self.shared_savings, self.ss_zone), "reinvestment": (self.reinvestment and self.reinvestment.measurement, everywhere),
                 "budget_guarantee": (self.guarantee and self.guarantee.measurement, everywhere)}
        self.measurements: dict[str, Measurement] = {}
        for name, (rule, zone_mask) in rules.items():
            if rule:
                same = [m for m in self.measurements.values() if m.rule == rule and np.array_equal(m.zones, zone_mask)]
                self.measurements[name] = same[0] if same else Measurement(rule, zone_mask, reference, lay, self.cohort.capacity, self.seed)

    def _at_stake(self) -> np.ndarray:
        """[provider] whether a reform rule changes how the provider is paid: only those decide to join."""
        lay, r = self.layout, self.scenario.reform
        stake = np.zeros(lay.n_providers, bool)
        for c, name in enumerate(CATEGORIES):
            if getattr(r.fee_for_service.tariff_change, name) != 0:
                stake[lay.cell_provider[c]] = True
        for plan in self.capitation:
            stake[plan.provider[plan.active_cell]] = True
        if self.global_budget:
            stake[lay.cell_hospital] = True
        if self.book:
            stake[lay.cell_network] = True
        if self.shared_savings:
            stake[lay.cell_gp[self.ss_zone[lay.cell_territory]]] = True
        if self.p4p:
            stake[lay.cell_gp] = True
        if self.guarantee:
            stake[lay.cell_gp] = stake[lay.cell_network] = True
        if self.reinvestment:
            stake[lay.cell_provider[CATEGORY_INDEX["home_nursing"]]] = True
        return stake

    def _paid_by_risk_cells(self) -> np.ndarray:
        """[cell] whether money there depends on recorded conditions (risk-adjusted capitation, shared-savings zones)."""
        paid = np.zeros(self.layout.n_cells, bool)
        for p in self.capitation:
            if p.rule.risk_adjustment == "cells" and p.rule.rates != "given":
                paid |= p.active_cell
        paid |= self.ss_zone[self.layout.cell_territory]
        return paid

    def capitated_cells(self, provider_kind: str | None = None) -> np.ndarray:
        """Billing cells whose patients a capitation plan (paying `provider_kind`, or any) covers (bool [cell])."""
        out = np.zeros(self.layout.n_cells, bool)
        for plan in self.capitation:
            if provider_kind is None or plan.rule.provider_kind == provider_kind:
                out |= plan.active_cell
        return out

    # ----------------------------------------------------------------- yearly

    def start_year(self, year_index: int, year: int, m: Month, state: PatientState, cost_index: float = 1.0) -> None:
        """January: the programmes' target groups, the transition's phases and participation, coding, risk selection, the
        year's rules, then the responses (`cost_index`: this year's mean expected cost over the base year's)."""
        b = self.scenario.reform.behaviour
        self.targets.update(state, m.age, self.cohort.bim, cost_index)
        if self.shadowing:
            self._enter_phase(year_index, year, state)
        recorded = condition_count(state.conditions)
        if self.coding_u is not None and b.coding_drift > 0:
            intensity = self.agents.practices.decide_coding(year, year_index, b, self.response, self.coded_cell)
            recorded = recorded + (self.coding_u < intensity[state.cell])
        self.payment_cell = risk_cell(m.age, self.cohort.sex, self.cohort.bim, recorded)
        if self.reform and b.risk_selection > 0 and year_index > 0:
            self.agents.practices.decide_selection(year, year_index, m, state, self.cohort.bim, b.risk_selection,
                                                   self.capitated_cells("gp_practice"), self.response, self.seed, self.cohort.weight)
        self.year_index, self.year = year_index, year
        self.index = (1 + self.ffs.indexation) ** (year - self.ffs.price_year)
        self.out_of_pocket.start_year(year_index, state, m.age, self.index)
        pick = lambda by_year: by_year[min(year_index, len(by_year) - 1)]  # noqa: E731 - this year's status-quo estimate
        for plan in self.capitation:
            plan.rates = pick(plan.rates_by_year)
        if self.book:
            self.prices = pick(self.prices_by_year)
        if self.envelopes:
            self.envelopes.start_year(year_index, self.payment_cell, state, self.scale, self.index)
        self.cell_counts[:] = 0
        for measurement in set(self.measurements.values()):
            measurement.start_year()
        if self.reform:
            self._set_behaviour(m, state)
        if self.programmes:
            self.programmes.start_year(year_index, self.behaviour)
        if self.reinvestment:
            self._fund_interventions(state)

    def _enter_phase(self, year_index: int, year: int, state: PatientState) -> None:
        """Phases per zone; the providers decide whether to take part; who is paid under the reform, how strongly providers respond."""
        self.zone_phase = self.schedule.zone_phases(year)
        self.scale = self.schedule.glide_weight(year)
        self.ffs = FeeForService.reform(self.scenario, self.scale)
        phase = self.schedule.provider_phases(self.zone_phase, year)
        gain = None
        if year_index > 0:  # last year's shadow statements: what the reform would have paid minus the status quo
            gain = (self.shadow[year_index - 1, :, 0] - self.shadow[year_index - 1, :, 1]) * self.cohort.weight
        self.agents.referrals.update(state)
        last_year = self.paid if year_index > 0 else np.zeros(self.layout.n_providers, bool)  # what peers were seen doing
        joined = self.agents.decide_participation(year, year_index, phase, self.at_stake, last_year, gain)
        self.paid = self.schedule.paid(phase, joined)
        self.response = self.schedule.response(self.zone_phase, self.paid, self.scale)
        self.network_response = self.schedule.network_response(year, self.paid, self.scale)
        shown = np.zeros(self.layout.n_providers) if gain is None else gain
        for p in range(self.layout.n_providers):
            self.participation.append({"year": year, "provider": p, "phase": str(phase[p]), "participating": bool(self.paid[p]),
                                       "shadow_gain_eur": float(shown[p]), "expected_gain_eur": float(self.agents.opt_in.expected[p])})

    def _incentives(self, state: PatientState) -> Incentives:
        """What this year's rules mean for the decision makers (see `payment.incentives`)."""
        in_force = self.global_budget if self.envelopes and self.envelopes.active else None
        replacing = [p for p in self.capitation if not p.rule.add_on]  # add-ons leave the price of an act unchanged
        per_act = per_act_share(replacing, in_force, state, self.n_cells)
        enrolled, specialist_fee, team = enrolment(replacing, state, self.n_cells)
        price = self.status_quo.tariffs(self.year)
        benchmark = None
        if self.shared_savings:
            benchmark = self.measurements["shared_savings"].rate(self.year_index)[self.payment_cell[np.flatnonzero(state.alive)]]
        return Incentives(
            per_act=per_act, relative_price=per_act * (self.ffs.tariff / np.maximum(self.status_quo.tariff, 1e-12))[:, None],
            patient_price=(self.ffs.patient_price(self.layout.cell_bim), self.status_quo.patient_price(self.layout.cell_bim)),
            enrolled=enrolled, specialist_fee=specialist_fee, team=team,
            avoidable_cost=float(price[CATEGORY_INDEX["inpatient_fees"]] + MEAN_STAY_DAYS * price[CATEGORY_INDEX["inpatient_stay"]]),
            index=self.index, weight=self.cohort.weight, book=self.book, shared_savings=self.shared_savings,
            shared_savings_zone=self.ss_zone, benchmark_rate=benchmark, p4p=self.p4p)

    def _set_behaviour(self, m: Month, state: PatientState) -> None:
        """The decision makers' responses for the year, under its rules (damped where the reform is not fully paid)."""
        behaviour = self.agents.respond(self.year, m, state, self._incentives(state), self.scenario.reform.behaviour, self.continuity,
                                        self.behaviour.in_episode)
        if self.shadowing:
            behaviour = damped(behaviour, self.response, self.network_response)
            behaviour.continuity = self.continuity + self.response * (behaviour.continuity - self.continuity)
        self.behaviour = behaviour
        self.agents.move_patients(self.year, self.year_index, state, self.cohort.bim, self.scenario.reform.behaviour.pathways,
                                  self.paid, self.cohort.weight)

    def monthly(self, m: Month, state: PatientState, activity: Activity, volume: np.ndarray) -> Statement:
        """The month's transfers; in a transition, the reform's for providers it pays and the status quo's for the others."""
        reform = paid = self._reform_month(m, state, activity, volume)
        if self.shadowing:
            status_quo = self._status_quo_month(volume)
            year = m.step // 12
            self.shadow[year, :, 0] += reform.owed
            self.shadow[year, :, 1] += status_quo.owed
            residents = activity.residents(state.cell, self.n_cells)
            admin = transition_admin(self.layout, self.transition, self.zone_phase, residents, self.payee["administration"], self.index)
            paid = self._combine(reform, status_quo, admin)
        self.out_of_pocket.month(volume, paid.charges)
        if self.measurements:
            value = self.ffs.insurer_unit_value(self.year)
            for measurement in set(self.measurements.values()):
                measurement.month(state, activity, value, self.cohort.bim)
                self._post_measured(measurement, paid, reform)
        if self.reinvestment:
            paid = self._combine_all(paid, self._reinvestment_month(state, activity))
        if self.reform and self.scenario.reform.coordination.eur_per_territory > 0:
            residents = activity.residents(state.cell, self.n_cells)
            paid = self._combine_all(paid, coordination_funding(self.layout, self.scenario.reform.coordination, self.year, self.zone_phase,
                                                                residents, self.payee["integration_management"], self.cohort.weight))
        due = self.lagged_due(m.step) if self.lagged else None
        if due is not None:
            paid = self._combine_all(paid, due)
        if self.programmes:
            paid = self._combine_all(paid, self.programmes.month(m.step, self.year, state, activity, paid, self.cohort.weight,
                                                                 self.ffs.insurer_unit_value(self.year), self.cohort.bim))
        return paid

    def _post_measured(self, measurement: Measurement, paid: Statement, reform: Statement) -> None:
        """Money counted as actual: what is paid where the reform is in force, what it would pay elsewhere (shadow)."""
        if not self.shadowing:
            measurement.post(paid)
            return
        in_force = self._in_force()[self.layout.cell_territory]
        measurement.post(paid, in_force)
        measurement.post(reform, ~in_force)

    @staticmethod
    def _combine_all(first: Statement, second: Statement) -> Statement:
        """Two statements for the same period as one (the first's patient charges: the second has none)."""
        first.transfers.extend(second.transfers)
        return Statement(first.transfers, first.owed + second.owed, charges=first.charges)

    def _combine(self, reform: Statement, status_quo: Statement | None, extra: Statement | None = None) -> Statement:
        """Reform transfers to paid providers, status-quo ones to the others, plus transition costs."""
        transfers = reform.transfers.select(self.paid)
        owed = np.where(self.paid, reform.owed, 0.0)
        if status_quo is not None:
            transfers.extend(status_quo.transfers.select(~self.paid))
            owed += np.where(self.paid, 0.0, status_quo.owed)
        if extra is not None:
            transfers.extend(extra.transfers)
            owed += extra.owed
        charges = None
        if reform.charges is not None:
            charges = reform.charges if status_quo is None else np.where(self.paid[self.layout.cell_provider], reform.charges, status_quo.charges)
        return Statement(transfers, owed, charges=charges)

    def _status_quo_month(self, volume: np.ndarray) -> Statement:
        """Fee-for-service at today's tariffs for all the month's claims."""
        owed, transfers, charges = np.zeros(self.layout.n_providers), Transfers(), np.zeros((2,) + volume.shape)
        self._pay_fee_for_service(volume, transfers, owed, self.status_quo, charges)
        self._pay_supplements(volume, transfers, owed, np.zeros(len(CATEGORIES), bool), charges)
        return Statement(transfers, owed, charges=charges)

    def _reform_month(self, m: Month, state: PatientState, activity: Activity, volume: np.ndarray) -> Statement:
        """The reform's transfers for every provider: fee-for-service on what rules leave to it, capitation, global budget, bundles."""
        owed = np.zeros(self.layout.n_providers)
        transfers = Transfers()
        charges = np.zeros((2,) + volume.shape)  # what patients pay: co-payments, supplements [category, cell]
        ffs_volume = volume.copy()
        for plan in self.capitation:
            covered = plan.covered(state)
            self._pay_capitation(plan, state, covered, transfers, owed)
            if plan.rule.add_on:
                continue
            replaced = plan.rule.weight * self.scale * claims_by_cell(activity, state.cell, self.n_cells, tuple(plan.scope), covered)
            ffs_volume -= replaced
            if plan.rule.patient_copayment == "kept":
                self._keep_copayments(replaced, "capitation", transfers, owed, charges)
        if self.envelopes:
            self.envelopes.record_base(self.year_index, volume, self.status_quo, self.layout.cell_bim)
        if self.envelopes and self.envelopes.active:
            e, hospital = self.envelopes, self.layout.cell_hospital
            enveloped = np.zeros_like(volume)
            for c in e.scope:  # the envelope is booked on the scope's categories in equal parts
                transfers.add(INSURANCE, "global_budget", c, np.arange(self.n_cells), hospital, e.monthly / len(e.scope))
                enveloped[c] = e.rule.weight * self.scale * volume[c]
            ffs_volume -= enveloped
            owed += np.bincount(hospital, weights=e.monthly, minlength=self.layout.n_providers)
            self._keep_copayments(enveloped, "global_budget", transfers, owed, charges)  # the envelope replaces the insurance's part only
        self._pay_fee_for_service(np.maximum(ffs_volume, 0.0), transfers, owed, self.ffs, charges)
        self._pay_supplements(volume, transfers, owed, self.forbidden, charges)
        if self.municipal:
            transfers.extend(municipal_copayment(self.municipal, self.layout, state, activity, self.ffs.insurer_unit_value(self.year),
                                                 self.cohort.bim))
        if self.book:
            closed = self.book.month(m.step, activity, self.ffs.tariffs(self.year), m.draws.at("admission_day", activity.admissions))
            self._settle_episodes(closed, state, Statement(transfers, owed))
            if self.programmes:
                self.programmes.episodes_closed(closed.kind, state.cell[closed.slots], closed.claims, closed.elapsed, self.index)
            self.behaviour.in_episode = self.book.open  # who is inside a window next month
        self._count(state, activity)
        return Statement(transfers, owed, charges=charges)

    def _pay_capitation(self, plan: CapitationPlan, state: PatientState, covered: np.ndarray, transfers: Transfers, owed: np.ndarray) -> None:
        """Rate by payment risk cell x enrolee-months, per cell and scope category; owed checked per provider."""
        months = np.zeros((self.n_cells, N_RISK_CELLS), np.int64)
        count_pairs(months, covered, state.cell, self.payment_cell)
        amount = capitation_amount(months, plan.rates, plan.rule.weight * self.scale, self.index)  # [cell, scope]
        mechanism = "enrolment" if plan.rule.add_on else "capitation"
        for j, c in enumerate(plan.scope):
            transfers.add(INSURANCE, mechanism, c, np.arange(self.n_cells), plan.provider, amount[:, j])
        by_provider = np.zeros((self.layout.n_providers, N_RISK_CELLS), months.dtype)  # the same counts, by payee
        np.add.at(by_provider, plan.provider, months)
        owed += capitation_amount(by_provider, plan.rates, plan.rule.weight * self.scale, self.index).sum(axis=1)

    def _count(self, state: PatientState, activity: Activity) -> None:
        """Per-cell counters for yearly settlements."""
        cell = state.cell
        adm = activity.admissions
        count_runs(self.cell_counts[0], cell, activity.alive)
        add_runs(self.cell_counts[1], cell, adm, activity.stays)
        count_runs(self.cell_counts[2], cell, adm[activity.avoidable])
        add_runs(self.cell_counts[3], cell, adm, activity.readmissions)
