"""The payment regime of one arm: fee-for-service blended with the reform's rules.

Monthly, capitation and global budgets pay their blend weight of in-scope money and
fee-for-service pays the rest of the tariff; bundles settle episodes whose window closed.
Yearly, shared savings and P4P settle. Each January the regime sets the payment risk
cells (with coding drift), moves patients by risk selection, and sets the providers'
behaviour for the year from the incentives it creates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.claims import claims_by_cell
from simulator.care.context import Month
from simulator.care.risk import N_RISK_CELLS, condition_count, risk_cell
from simulator.care.state import PatientState
from simulator.categories import CATEGORIES, CATEGORY_INDEX, CATEGORY_THIRD_PAYER, CONDITION_BIT, INSURANCE, PAYER_INDEX
from simulator.layout import Layout
from simulator.payment.bundled import EpisodeBook, status_quo_price
from simulator.payment.capitation import capitation_amount, pooled
from simulator.payment.measurement import Measurement
from simulator.payment.fee_for_service import FeeForService
from simulator.payment.reinvest import Reinvesting
from simulator.payment.responses import Responding
from simulator.payment.settle import Settling
from simulator.payment.transition import Transitioning
from simulator.payment.statement import Statement, Transfers
from simulator.population import Cohort
from simulator.reference import ReferenceCosts
from simulator.rng import derived_seed, hashed_uniform
from simulator.scenario import Scenario
from simulator.scenario.reform import Capitation


@dataclass
class CapitationPlan:
    """A capitation rule resolved for a run."""

    rule: Capitation
    scope: list[int]
    rates_by_year: list[np.ndarray]  # per year: [risk cell, scope category] price-year euros per enrolee-month
    active_cell: np.ndarray  # bool [cell]
    eligible_mask: int  # condition bits; 0 = everyone
    provider: np.ndarray  # [cell] provider paid
    rates: np.ndarray | None = None  # this year's, set by Regime.start_year

    def covered(self, state: PatientState) -> np.ndarray:
        """Slots capitated this month (bool)."""
        covered = state.alive & self.active_cell[state.cell]
        if self.eligible_mask:
            covered &= (state.conditions & self.eligible_mask) > 0
        return covered


class Regime(Transitioning, Responding, Settling, Reinvesting):
    """Fee-for-service plus, in the reform arm, capitation, bundles, global budget, shared savings and P4P."""

    def __init__(self, scenario: Scenario, layout: Layout, cohort: Cohort, reference: ReferenceCosts | None, reform: bool, seed: int):
        """`seed` is the replication's: every draw of the regime (benchmark errors, opt-in, coding, selection) comes from it."""
        self.scenario, self.layout, self.cohort, self.reform, self.seed = scenario, layout, cohort, reform, seed
        self.ffs = FeeForService.reform(scenario) if reform else FeeForService.status_quo(scenario)
        self.status_quo = FeeForService.status_quo(scenario)
        self.behaviour = Behaviour()
        self.decisions: list[dict] = []
        self.settlements: list[dict] = []
        r = scenario.reform if reform else None
        zones = list(layout.territory_names)
        self.capitation = [self._plan(rule, reference, zones) for rule in (r.capitation if r else [])]
        self.global_budget = r.global_budget if r else None
        if self.global_budget:
            self.gb_scope = [CATEGORY_INDEX[c] for c in self.global_budget.scope]
            self.gb_rate = [y.enrolee_year_rates(self.gb_scope) for y in reference.years]
        self.book = EpisodeBook(r.bundled, cohort.capacity) if r and r.bundled else None
        if self.book:
            self.prices_by_year = [np.array([
                e.price_eur if e.price == "given" else status_quo_price(year.episode_claims[k], e.stop_loss, e.discount)
                for k, e in enumerate(self.book.episodes)]) for year in (reference.years if reference else [None])]
            self.stop_loss = np.array([e.stop_loss for e in self.book.episodes])
        self.rate_lines: list[dict] = []  # budget-neutral rates set by the optimiser, per year and line
        if r and (any(c.rates == "budget_neutral" for c in r.capitation) or (r.bundled and any(e.price == "budget_neutral" for e in r.bundled.episodes))):
            self._set_budget_neutral_rates(reference)
        self.shared_savings = r.shared_savings if r else None
        self.reinvestment = r.reinvestment if r and r.reinvestment.share > 0 else None
        self.guarantee = r.budget_guarantee if r and r.budget_guarantee.share > 0 else None
        # expected (reference) vs actual insurance spending per zone: shared savings, the gain to reinvest, the guarantee
        everywhere = np.ones(layout.n_territories, bool)
        self.ss_zone = np.array([not self.shared_savings.territories or z in self.shared_savings.territories for z in zones]) \
            if self.shared_savings else np.zeros(layout.n_territories, bool)
        rules = {"shared_savings": (self.shared_savings, self.ss_zone), "reinvestment": (self.reinvestment and self.reinvestment.measurement, everywhere),
                 "budget_guarantee": (self.guarantee and self.guarantee.measurement, everywhere)}
        self.measurements: dict[str, Measurement] = {}
        for name, (rule, zone_mask) in rules.items():
            if rule:
                same = [m for m in self.measurements.values() if m.rule == rule and np.array_equal(m.zones, zone_mask)]
                self.measurements[name] = same[0] if same else Measurement(rule, zone_mask, reference, layout, cohort.capacity, seed)
        self.first_paid_year = np.full(layout.n_territories, -1)  # per zone: year index from which the reform is paid
        self.p4p = r.p4p if r else None
        self.n_cells = layout.n_cells
        self.cell_counts = np.zeros((5, layout.n_cells))  # person-months, admissions, avoidable, readmissions, none
        self.payment_cell = np.zeros(cohort.capacity, np.int16)  # risk cell used for payment (recorded conditions)
        self.coded_cell = self._paid_by_risk_cells()
        self.coding_u = hashed_uniform(derived_seed(seed, "coding"), np.arange(cohort.capacity)) if self.coded_cell.any() else None
        self.effort_zone = np.zeros(layout.n_territories)
        self.effort_practice = np.zeros(layout.n_providers)
        self.transition = scenario.reform.transition if reform else None
        self.shadowing = bool(self.transition and self.transition.phases)
        self.scale = 1.0  # glide weight of the reform this year
        self.paid = np.ones(layout.n_providers, bool)  # providers paid under the reform this year
        self.joined = np.zeros(layout.n_providers, bool)  # voluntary participants
        self.response = np.ones(layout.n_cells)  # share of the full provider response, per cell
        self.zone_phase = ["mandatory"] * layout.n_territories
        self.shadow = np.zeros((len(scenario.years), layout.n_providers, 2))  # [year, provider, reform | status quo] owed
        self.participation: list[dict] = []
        self.reinvestments: list[dict] = []
        self.intervention_effect: dict[int, np.ndarray] = {}  # year index -> zone multiplier of avoidable hazards
        kinds = [p.kind for p in layout.providers]
        self.payee = {k: kinds.index(k) for k in ("administration", "integration_management")}
        self.provider_zone = np.array([p.territory for p in layout.providers])

    # ----------------------------------------------------------------- set-up

    def _plan(self, rule: Capitation, reference: ReferenceCosts | None, zones: list[str]) -> CapitationPlan:
        scope = [CATEGORY_INDEX[c] for c in rule.scope]
        mask = sum(CONDITION_BIT[c] for c in rule.target_conditions)
        if rule.rates == "given":
            rates = [np.repeat(np.array([[rule.rate[c] for c in rule.scope]]), N_RISK_CELLS, axis=0)]
        else:
            rates = [self._status_quo_rates(year, scope, mask, rule.risk_adjustment) for year in reference.years]
        lay = self.layout
        active = np.array([not rule.territories or zones[t] in rule.territories for t in lay.cell_territory])
        if rule.provider_kind == "gp_practice" and rule.practice_share < 1:
            draw = hashed_uniform(derived_seed(self.scenario.run.seed, "practices", rule.name), np.arange(lay.n_providers))
            active &= draw[lay.cell_gp] < rule.practice_share  # the same practices in every arm and replication
        provider = lay.cell_provider[scope[0]]
        return CapitationPlan(rule, scope, rates, active, mask, provider)

    @staticmethod
    def _status_quo_rates(year, scope: list[int], mask: int, adjustment: str) -> np.ndarray:
        """A reference year's cost of the scope per enrolee-month, by risk cell or pooled."""
        eligible = (year.conditions & mask) > 0 if mask else None
        rates = year.cell_rates(scope, eligible, insured=True)  # the insurance's money: co-payments end under capitation
        if adjustment == "none":
            use = year.months > 0 if eligible is None else (year.months > 0) & eligible
            rates = pooled(rates, np.bincount(year.cell[use], weights=year.months[use].astype(float), minlength=N_RISK_CELLS))
        return rates

    def _set_budget_neutral_rates(self, reference: ReferenceCosts) -> None:
        """Each year, rescale the budget-neutral capitation cells and episode prices to the optimiser's rates."""
        from simulator.optimise import OptimisationError
        from simulator.optimise.rates import RateProblem, solve_rates
        from simulator.scenario import Problem, ScenarioError

        setting, weight = self.scenario.reform.rate_setting, self.scenario.inhabitants / self.scenario.reform.reference.size
        for y, year in enumerate(reference.years):
            lines = []  # (label, kind, volume, observed, apply)
            for plan in self.capitation:
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
            if self.book:
                for k, e in enumerate(self.book.episodes):
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
                raise ScenarioError(None, [Problem("reform.rate_setting", exc.family, f"{exc} (year {self.scenario.years[y]})")]) from None
            for (label, kind, volume, observed, (plan, where)), rate in zip(lines, solved):
                if plan is None:
                    self.prices_by_year[y][where] = rate
                elif where is None:
                    plan.rates_by_year[y] = plan.rates_by_year[y] * (rate / observed)
                else:
                    plan.rates_by_year[y][where] *= rate / observed
                self.rate_lines.append({"year": self.scenario.years[y], "line": label, "provider_kind": kind, "volume": volume,
                                        "observed_eur": observed, "rate_eur": rate})

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

    def start_year(self, year_index: int, year: int, m: Month, state: PatientState) -> None:
        """Payment risk cells (with coding drift), risk selection, global budgets and behaviour for the year."""
        b = self.scenario.reform.behaviour
        if self.shadowing:
            self._enter_phase(year_index, year)
        recorded = condition_count(state.conditions)
        if self.coding_u is not None and b.coding_drift > 0:
            level = min(b.coding_cap, b.coding_drift * (year_index + 1))
            recorded = recorded + ((self.coding_u < level * self.response[state.cell]) & self.coded_cell[state.cell])
        self.payment_cell = risk_cell(m.age, self.cohort.sex, self.cohort.bim, recorded)
        if self.reform and b.risk_selection > 0 and year_index > 0:
            self._select_risks(m, state, b.risk_selection)
        self.year_index, self.year = year_index, year
        self.index = (1 + self.ffs.indexation) ** (year - self.ffs.price_year)
        pick = lambda by_year: by_year[min(year_index, len(by_year) - 1)]  # noqa: E731 - this year's status-quo estimate
        for plan in self.capitation:
            plan.rates = pick(plan.rates_by_year)
        if self.global_budget:
            self.gb_year_rate = pick(self.gb_rate)
        if self.book:
            self.prices = pick(self.prices_by_year)
        if self.global_budget:
            self._set_envelopes(state)
        self.cell_counts[:] = 0
        for measurement in set(self.measurements.values()):
            measurement.start_year()
        if self.reform:
            self._set_behaviour(m, state)
        if self.reinvestment:
            self._fund_interventions(state)

    def _set_envelopes(self, state: PatientState) -> None:
        """Global budget per hospital: expected status-quo cost of its users alive on 1 January, for the year."""
        gb, alive = self.global_budget, np.flatnonzero(state.alive)
        yearly = self.gb_year_rate[self.payment_cell[alive]] * gb.weight * self.scale * self.index * (1 + gb.growth) ** self.year_index
        self.gb_cell = np.bincount(state.cell[alive], weights=yearly, minlength=self.n_cells) / 12  # monthly, per cell

    def monthly(self, m: Month, state: PatientState, activity: Activity, volume: np.ndarray) -> Statement:
        """The month's transfers; in a transition, the reform's for providers it pays and the status quo's for the others."""
        reform = paid = self._reform_month(m, state, activity, volume)
        if self.shadowing:
            status_quo = self._status_quo_month(volume)
            year = m.step // 12
            self.shadow[year, :, 0] += reform.owed
            self.shadow[year, :, 1] += status_quo.owed
            paid = self._combine(reform, status_quo, self._transition_costs(activity, state))
        if self.measurements:
            value = self.ffs.insurer_unit_value(self.year)
            for measurement in set(self.measurements.values()):
                measurement.month(state, activity, value, self.cohort.bim)
                self._post_measured(measurement, paid, reform)
        if self.reinvestment:
            paid = self._combine_all(paid, self._reinvestment_month(state, activity))
        if self.reform and self.scenario.reform.coordination.eur_per_territory > 0:
            paid = self._combine_all(paid, self._coordination_month(activity, state))
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
        """Two statements for the same period as one."""
        first.transfers.extend(second.transfers)
        return Statement(first.transfers, first.owed + second.owed)

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
        return Statement(transfers, owed)

    def _status_quo_month(self, volume: np.ndarray) -> Statement:
        """Fee-for-service at today's tariffs for all the month's claims."""
        owed, transfers = np.zeros(self.layout.n_providers), Transfers()
        self._pay_fee_for_service(volume, transfers, owed, self.status_quo)
        return Statement(transfers, owed)

    def _reform_month(self, m: Month, state: PatientState, activity: Activity, volume: np.ndarray) -> Statement:
        """The reform's transfers for every provider: fee-for-service on what rules leave to it, capitation, global budget, bundles."""
        owed = np.zeros(self.layout.n_providers)
        transfers = Transfers()
        ffs_volume = volume.copy()
        for plan in self.capitation:
            covered = plan.covered(state)
            self._pay_capitation(plan, state, covered, transfers, owed)
            replaced = plan.rule.weight * self.scale * claims_by_cell(activity, state.cell, self.n_cells, tuple(plan.scope), covered)
            ffs_volume -= replaced
            if plan.rule.patient_copayment == "kept":
                self._keep_copayments(replaced, "capitation", transfers, owed)
        if self.global_budget:
            gb = self.global_budget
            hospital = self.layout.cell_hospital
            enveloped = np.zeros_like(volume)
            for c in self.gb_scope:  # the envelope is booked on the scope's categories in equal parts
                transfers.add(INSURANCE, "global_budget", c, np.arange(self.n_cells), hospital, self.gb_cell / len(self.gb_scope))
                enveloped[c] = gb.weight * self.scale * volume[c]
            ffs_volume -= enveloped
            owed += np.bincount(hospital, weights=self.gb_cell, minlength=self.layout.n_providers)
            self._keep_copayments(enveloped, "global_budget", transfers, owed)  # the envelope replaces the insurance's part only
        self._pay_fee_for_service(np.maximum(ffs_volume, 0.0), transfers, owed, self.ffs)
        if self.book:
            closed = self.book.month(m.step, activity, self.ffs.tariffs(self.year), m.draws.at("admission_day", activity.admissions))
            self._settle_episodes(closed, state, Statement(transfers, owed))
            self.behaviour.in_episode = self.book.open  # who is inside a window next month
        self._count(state, activity)
        return Statement(transfers, owed)

    def _pay_fee_for_service(self, volume: np.ndarray, transfers: Transfers, owed: np.ndarray, ffs: FeeForService) -> None:
        """Tariff x volume to the billing provider; the patient's co-payment, the rest by insurance or federated entities."""
        lay = self.layout
        due, patient = ffs.charges(volume, self.year, lay.cell_bim)
        owed += np.bincount(lay.cell_provider.ravel(), weights=due.ravel(), minlength=lay.n_providers)
        items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], due.shape)
        cells = np.broadcast_to(np.arange(self.n_cells)[None, :], due.shape)
        third = np.array([PAYER_INDEX[CATEGORY_THIRD_PAYER[c]] for c in CATEGORIES])
        transfers.add("patients", "fee_for_service", items, cells, lay.cell_provider, patient)
        transfers.add(np.broadcast_to(third[:, None], due.shape), "fee_for_service", items, cells, lay.cell_provider, due - patient)

    def _keep_copayments(self, volume: np.ndarray, mechanism: str, transfers: Transfers, owed: np.ndarray) -> None:
        """Patients still pay their co-payment on `volume[category, cell]` that a rule pays instead of fee-for-service."""
        lay = self.layout
        _, copay = self.ffs.charges(volume, self.year, lay.cell_bim)
        items = np.broadcast_to(np.arange(len(CATEGORIES))[:, None], copay.shape)
        transfers.add("patients", mechanism, items, np.broadcast_to(np.arange(self.n_cells), copay.shape), lay.cell_provider, copay)
        owed += np.bincount(lay.cell_provider.ravel(), weights=copay.ravel(), minlength=lay.n_providers)

    def _pay_capitation(self, plan: CapitationPlan, state: PatientState, covered: np.ndarray, transfers: Transfers, owed: np.ndarray) -> None:
        """Rate by payment risk cell x enrolee-months, per cell and scope category; owed checked per provider."""
        slots = np.flatnonzero(covered)
        key = state.cell[slots].astype(np.int64) * N_RISK_CELLS + self.payment_cell[slots]
        months = np.bincount(key, minlength=self.n_cells * N_RISK_CELLS).reshape(self.n_cells, N_RISK_CELLS)
        amount = capitation_amount(months, plan.rates, plan.rule.weight * self.scale, self.index)  # [cell, scope]
        for j, c in enumerate(plan.scope):
            transfers.add(INSURANCE, "capitation", c, np.arange(self.n_cells), plan.provider, amount[:, j])
        provider = plan.provider[state.cell[slots]]
        by_provider = np.bincount(provider.astype(np.int64) * N_RISK_CELLS + self.payment_cell[slots],
                                  minlength=self.layout.n_providers * N_RISK_CELLS).reshape(-1, N_RISK_CELLS)
        owed += capitation_amount(by_provider, plan.rates, plan.rule.weight * self.scale, self.index).sum(axis=1)

    def _count(self, state: PatientState, activity: Activity) -> None:
        """Per-cell counters for yearly settlements."""
        cell = state.cell
        adm = activity.admissions
        self.cell_counts[0] += np.bincount(cell[activity.alive], minlength=self.n_cells)
        self.cell_counts[1] += np.bincount(cell[adm], weights=activity.stays, minlength=self.n_cells)
        self.cell_counts[2] += np.bincount(cell[adm[activity.avoidable]], minlength=self.n_cells)
        self.cell_counts[3] += np.bincount(cell[adm], weights=activity.readmissions, minlength=self.n_cells)
