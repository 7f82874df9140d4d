"""The reform arm's programmes: their monthly flows, their yearly measure, settlements after the data lag, effects.

Every flow is paid only in months the convention covers (pro rata by days), to the payee its
destination or partner names, by the payer it names; settlements of a measured year are paid
when the measure is known (the data lag), and only inside the convention unless
`settle_after_end`. Money goes on the target group's cells, so the ledger splits it by population.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from simulator.behaviour import Behaviour
from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.categories import CATEGORY_INDEX, NO_CATEGORY
from simulator.layout import Layout
from simulator.payment.measurement import Measured, Measurement
from simulator.payment.p4p import p4p_bonus, practice_cells, practice_indicators
from simulator.payment.shared_savings import counted_difference, shared_savings_payment
from simulator.payment.statement import Statement, Transfers
from simulator.programmes.convention import due_step, funded_year, month_shares
from simulator.programmes.effects import apply_effects, investment_effects, reinvestment_key
from simulator.programmes.target import in_target, reference_members
from simulator.reference import ReferenceCosts
from simulator.scenario.programmes import PartnerKind, Programme
from simulator.scenario.schema import Scenario

DESTINATION_KIND = {"primary_care": "gp_practices", "hospital": "hospital_network", "social_home_care": "home_care",
                    "prevention": "integration_management"}


def payees(layout: Layout, kind: str, integration: int) -> np.ndarray:
    """[cell] provider that receives a programme's money for the cell's patients, by partner kind."""
    by_kind = {"gp_practices": layout.cell_gp, "hospital_network": layout.cell_network,
               "home_care": layout.cell_provider[CATEGORY_INDEX["home_nursing"]],
               "physiotherapy": layout.cell_provider[CATEGORY_INDEX["physiotherapy"]],
               "pharmacy": layout.cell_provider[CATEGORY_INDEX["drugs"]]}
    return by_kind[kind] if kind in by_kind else np.full(layout.n_cells, integration, np.int32)


class ProgrammeBook:
    """All programmes of the reform arm."""

    def __init__(self, scenario: Scenario, layout: Layout, capacity: int, reference: ReferenceCosts, seed: int, integration: int,
                 records: list[dict], paying: bool = True):
        """`integration`: the integration management's provider id; `records`: where settlements are recorded (the regime's);
        `paying`: false in the status-quo arm, which measures the programmes' populations and pays nothing."""
        self.scenario, self.layout, self.paying = scenario, layout, paying
        n_years = len(scenario.years)
        self.programmes: list[Programme] = list(scenario.programmes)
        self.zones = [layout.territory_programme == k for k in range(len(self.programmes))]
        self.shares = [month_shares(p.convention, scenario.run.start_year, 12 * n_years) for p in self.programmes]
        months = [np.flatnonzero(share > 0) for share in self.shares]
        self.first_step = [int(m[0]) if m.size else -1 for m in months]  # the convention's first and last months in the horizon
        self.last_step = [int(m[-1]) if m.size else -1 for m in months]
        self.payees = {kind: payees(layout, kind, integration) for kind in get_args(PartnerKind)}
        self.target_cells = [z[layout.cell_territory] & (layout.cell_target == 1) for z in self.zones]
        self.measures = []  # one per programme, measuring its target group and the rest of its zones side by side
        for k, p in enumerate(self.programmes):
            target = reference_members(p.target_group)
            groups = [(layout.cell_target == 1, target), (layout.cell_target == 0, lambda y, f=target: ~f(y))]
            self.measures.append(Measurement(p.measurement, self.zones[k], reference, layout, capacity, seed, populations=groups))
        self.reference = reference
        self.spent = np.zeros((len(self.programmes), n_years))  # financial interventions paid per year (the ceiling)
        last_funded = max(funded_year(n_years - 1, p.measurement.data_lag_quarters) for p in self.programmes)
        self.extra = np.zeros((len(self.programmes), last_funded + 1))  # reinvested gains: running budget added per year
        self.pending: list[tuple[int, int, Transfers, np.ndarray, dict]] = []  # due step, programme, transfers, owed, record
        self.records = records
        self.measured: list[dict] = []  # the four populations per programme and year (`programme_measures`)
        self.measured_years = np.zeros(len(self.programmes), int)
        self.episodes = np.zeros((len(self.programmes), 3))  # this year's closed episodes of the target group: count, budget, claims
        self.episode_budget = [np.array([c.mean() if c.size else 0.0 for c in year.episode_claims]) for year in reference.years] \
            if any(p.budget_guarantee and p.budget_guarantee.basis == "episodes" for p in self.programmes) else []

    # ----------------------------------------------------------------- calendar

    def active_in(self, k: int, year_index: int) -> bool:
        """Whether the convention covers any day of the year."""
        return bool(self.shares[k][12 * year_index:12 * year_index + 12].sum() > 0)


    # ----------------------------------------------------------------- yearly

    def start_year(self, year_index: int, behaviour: Behaviour) -> None:
        """The measures' new year; investments past their lag act on the target group of conventions running this year."""
        for m in self.measures:
            m.start_year()
        self.episodes[:] = 0
        self.year_index = year_index
        if not self.paying:
            return
        active = [self.active_in(k, year_index) for k in range(len(self.programmes))]
        extra = self.extra[:, year_index] if year_index < self.extra.shape[1] else np.zeros(len(self.programmes))
        cut = np.array([self._ceiling_cut(k, year_index) for k in range(len(self.programmes))])
        mult, continuity = investment_effects(self.programmes, active, [f // 12 for f in self.first_step], self.target_cells, extra,
                                              year_index, self.layout.n_cells, cut)
        apply_effects(behaviour, mult, continuity)

    def _ceiling_cut(self, k: int, year_index: int) -> float:
        """The share of the year's planned funding, investments and reinvested gains that the ceiling lets through."""
        p = self.programmes[k]
        if p.maximum_budget_eur is None:
            return 1.0
        months = float(self.shares[k][12 * year_index:12 * year_index + 12].sum())
        year = self.scenario.run.start_year + year_index
        extra = self.extra[k, year_index] if p.investments else 0.0
        total = (p.funding.uprated(p.funding.eur_per_year, year) + sum(i.eur_per_year for i in p.investments) + extra) * months / 12
        total += sum(i.up_front_eur for i in p.investments) if self.first_step[k] // 12 == year_index else 0.0
        return min(1.0, p.maximum_budget_eur / total) if total > 0 else 1.0

    # ----------------------------------------------------------------- monthly

    def month(self, step: int, year: int, state: PatientState, activity: Activity, paid: Statement, weight: float,
              insurer_value: np.ndarray, bim: np.ndarray) -> Statement:
        """Measure the month's money (`paid`), then pay the programmes' flows and the settlements due this month."""
        for m in self.measures:
            m.month(state, activity, insurer_value, bim)
            m.post(paid)
        lay = self.layout
        out = Statement(Transfers(), np.zeros(lay.n_providers))
        if not self.paying:
            return out
        running_now = [k for k in range(len(self.programmes)) if self.shares[k][step] > 0]
        residents = activity.residents(state.cell, lay.n_cells) if running_now else None
        y = step // 12
        for k in running_now:
            p, share = self.programmes[k], self.shares[k][step]
            amounts = [("programme_funding", p.funding.payer, "integration_management", p.funding.uprated(p.funding.eur_per_year, year) / 12 * share)]
            starts = step == self.first_step[k]
            for inv in p.investments:
                cost = inv.eur_per_year / 12 * share + (inv.up_front_eur if starts else 0.0)
                amounts.append(("investment", inv.payer, DESTINATION_KIND[inv.destination], cost))
                if self.extra[k, y] > 0:
                    amounts.append(("reinvestment", inv.payer, DESTINATION_KIND[inv.destination],
                                    self.extra[k, y] * reinvestment_key(p, inv) / 12 * share))
            total = sum(a[3] for a in amounts)
            room = np.inf if p.maximum_budget_eur is None else max(p.maximum_budget_eur - self.spent[k, y], 0.0)
            scale = min(1.0, room / total) if total > 0 else 0.0
            self.spent[k, y] += total * scale
            for mechanism, payer, kind, amount in amounts:
                self._pay(out, k, mechanism, payer, kind, amount * scale / weight, residents)
        self._pay_due(step, year, out)
        return out

    def _pay_due(self, step: int, year: int, out: Statement) -> None:
        """Settlements falling due in month `step`: paid inside the convention (or after it if `settle_after_end`), added to
        `out`; a P4P bonus paid by the insurance counts as spending in the measures where their rule lists it."""
        due = Statement(Transfers(), np.zeros(self.layout.n_providers))
        for item in [d for d in self.pending if d[0] == step]:
            self.pending.remove(item)
            _, k, transfers, owed, record = item
            if step <= self.last_step[k] or self.programmes[k].convention.settle_after_end:
                due.transfers.extend(transfers)
                due.owed += owed
                record["_paid_eur"], record["paid_year"] = record["payment_eur"], float(year)
        if due.owed.any():
            for m in self.measures:
                m.post(due)
            out.transfers.extend(due.transfers)
            out.owed += due.owed

    def _pay(self, out: Statement, k: int, mechanism: str, payer: str, kind: str, amount: float, residents: np.ndarray) -> None:
        """`amount` (simulated scale) over the programme's target cells by residents (its zones' cells if it has none)."""
        if amount == 0:
            return
        weights = residents * self.target_cells[k]
        if weights.sum() <= 0:  # no target patient alive: the zones' residents
            weights = residents * self.zones[k][self.layout.cell_territory]
        by_cell = amount * weights / max(weights.sum(), 1e-12)
        provider = self.payees[kind]
        out.transfers.add(payer, mechanism, NO_CATEGORY, np.arange(self.layout.n_cells), provider, by_cell)
        out.owed += np.bincount(provider, weights=by_cell, minlength=self.layout.n_providers)

    # ----------------------------------------------------------------- settlement

    def episodes_closed(self, kind: np.ndarray, cells: np.ndarray, claims: np.ndarray, elapsed: np.ndarray, index: float) -> None:
        """Tally the closed episodes of each programme's target group (for a guarantee on episodes): their budget, the
        reference's mean in-scope claims of the type at this year's prices, against their own claims (simulated scale)."""
        if not self.episode_budget or not cells.size:
            return
        budget = self.episode_budget[min(self.year_index, len(self.episode_budget) - 1)][kind] * index * elapsed
        for k in range(len(self.programmes)):
            mine = self.target_cells[k][cells]
            self.episodes[k] += (mine.sum(), budget[mine].sum(), claims[mine].sum())

    def close_year(self, year_index: int, year: int, state: PatientState, payment_cell: np.ndarray, counts: np.ndarray,
                   persons: np.ndarray, users: np.ndarray, index: float, weight: float) -> Statement:
        """Measure each programme's year (its four populations) and queue its settlements for when the measure is known;
        returns those due now (no data lag). `counts`: the regime's per-cell counters (person-months, admissions,
        avoidable admissions, readmissions); `persons`, `users`: [cell] people present in the year, with a GP contact."""
        months_by_cell = counts[0]
        for k, p in enumerate(self.programmes):  # P4P first: a bonus paid now counts in this year's measure
            if self.paying and p.p4p and self.active_in(k, year_index):
                due = due_step(year_index, p.measurement.data_lag_quarters)
                self._p4p(k, due, year, counts * self.target_cells[k], persons * self.target_cells[k], users * self.target_cells[k],
                          index, weight)
        out = Statement(Transfers(), np.zeros(self.layout.n_providers))
        self._pay_due(12 * year_index + 11, year, out)
        for k, p in enumerate(self.programmes):
            target, rest = self.measures[k].close_groups(year_index, state, payment_cell, counts[2], index, weight)
            zones = self.zones[k]
            self._record_populations(k, year, year_index, target, rest, zones, index)
            if not self.paying or not self.active_in(k, year_index):
                continue
            agreement_year = int(self.measured_years[k])
            self.measured_years[k] += 1
            bench, actual = float(target.benchmark[zones].sum()), float(target.actual[zones].sum())
            due = due_step(year_index, p.measurement.data_lag_quarters)
            weights = months_by_cell * self.target_cells[k]
            if p.shared_savings:
                expected_avoidable = float(target.expected_avoidable[zones].sum())
                ratio = float(target.observed_avoidable[zones].sum()) / max(expected_avoidable, 1e-12)
                ok = p.shared_savings.quality_gate == 0 or ratio <= p.shared_savings.quality_gate
                payment = shared_savings_payment(bench, actual, ok, agreement_year, p.shared_savings)
                keys = [q.gains_share if payment >= 0 else q.losses_share for q in p.partners]
                self._queue_shares(k, due, "shared_savings", payment, keys, weights, weight, year,
                                   {"expected_eur": float(target.expected[zones].sum()), "benchmark_eur": bench, "actual_eur": actual,
                                    "savings_eur": bench - actual, "quality_ratio": ratio, "quality_ok": bool(ok)})
            if p.budget_guarantee:
                self._guarantee(k, due, year, bench, actual, rest, weights, months_by_cell, weight)
            if p.reinvestment_share > 0 and p.investments:
                gain = max(float(counted_difference(bench, actual, p.measurement)), 0.0)
                self.extra[k, funded_year(year_index, p.measurement.data_lag_quarters)] += p.reinvestment_share * gain
        self._pay_due(12 * year_index + 11, year, out)
        return out

    def _guarantee(self, k: int, due: int, year: int, bench: float, actual: float, rest: Measured, weights: np.ndarray,
                   months_by_cell: np.ndarray, weight: float) -> None:
        """The budget guarantee on the target group, the zones or the target group's episodes, split by guarantee keys."""
        p, zones = self.programmes[k], self.zones[k]
        g = p.budget_guarantee
        measures = {}
        if g.basis == "zone":
            bench, actual = bench + float(rest.benchmark[zones].sum()), actual + float(rest.actual[zones].sum())
            weights = months_by_cell * zones[self.layout.cell_territory]
        elif g.basis == "episodes":
            count, budget, claims = self.episodes[k] * weight
            bench, actual, measures = budget, claims, {"episodes": count}
        correction = g.share * float(counted_difference(bench, actual, p.measurement))
        self._queue_shares(k, due, "budget_guarantee", correction, [q.guarantee_share for q in p.partners], weights, weight, year,
                           {**measures, "benchmark_eur": bench, "actual_eur": actual, "savings_eur": bench - actual})

    def _p4p(self, k: int, due: int, year: int, counts: np.ndarray, persons: np.ndarray, users: np.ndarray, index: float,
             weight: float) -> None:
        """P4P on the target group: each GP practice's indicators over its target patients; bonuses to the practices, pro rata
        by the share of the year under convention."""
        p, lay = self.programmes[k], self.layout
        values, enrolee_years = practice_indicators(lay.cell_gp, lay.n_providers, persons, users, counts)
        covered = float(self.shares[k][12 * self.year_index:12 * self.year_index + 12].sum()) / 12  # the year's share under convention
        for ind in p.p4p.indicators:
            earned = p4p_bonus(ind.indicator, values[ind.indicator], ind.target, ind.bonus_eur * index * covered, enrolee_years)
            by_cell = practice_cells(earned, lay.cell_gp, counts[0])
            transfers = Transfers()
            transfers.add(p.settlement_payer, "p4p", NO_CATEGORY, np.arange(lay.n_cells), lay.cell_gp, by_cell)
            record = {"year": year, "mechanism": "p4p", "unit": f"{p.name}:{ind.indicator}", "providers_reaching": float((earned > 0).sum())}
            self._queue(k, due, transfers, np.bincount(lay.cell_gp, weights=by_cell, minlength=lay.n_providers), record,
                        float(earned.sum()) * weight)

    def _queue_shares(self, k: int, due: int, mechanism: str, amount: float, keys: list[float], weights: np.ndarray, weight: float,
                      year: int, measures: dict) -> None:
        """Split a settlement among partners by their keys and queue it for its due month."""
        p, lay = self.programmes[k], self.layout
        transfers, owed = Transfers(), np.zeros(lay.n_providers)
        total = weights.sum()
        for partner, key in zip(p.partners, keys, strict=True):
            if key == 0 or amount == 0 or total <= 0:
                continue
            by_cell = amount * key / weight * weights / total
            provider = self.payees[partner.kind]
            transfers.add(p.settlement_payer, mechanism, NO_CATEGORY, np.arange(lay.n_cells), provider, by_cell)
            owed += np.bincount(provider, weights=by_cell, minlength=lay.n_providers)
        record = {"year": year, "mechanism": mechanism, "unit": p.name, **measures}
        self._queue(k, due, transfers, owed, record, float(amount))
        for partner, key in zip(p.partners, keys, strict=True):
            record[f"partner_{partner.name}_eur"] = float(amount * key)

    def _queue(self, k: int, due: int, transfers: Transfers, owed: np.ndarray, record: dict, amount: float) -> None:
        """Keep a settlement (its record says when it falls due) until its due month."""
        record.update({"payment_eur": amount, "due_year": float(self.scenario.run.start_year + due // 12), "_paid_eur": 0.0})
        self.records.append(record)
        self.pending.append((due, k, transfers, owed, record))

    def _record_populations(self, k: int, year: int, year_index: int, target: Measured, rest: Measured, zones: np.ndarray,
                            index: float) -> None:
        """The four populations: target group and rest, in the programme's zones and in the reference population."""
        p = self.programmes[k]
        ref = self.reference.year(year_index)
        chosen = in_target(p.target_group, ref.age, ref.bim, ref.conditions, ref.risk)
        scope = self.measures[k].scope
        for population, measured, members in (("target", target, chosen), ("rest", rest, ~chosen)):
            years = float(measured.person_months[zones].sum()) / 12
            actual, expected = float(measured.actual[zones].sum()), float(measured.expected[zones].sum())
            self.measured.append({"programme": p.name, "year": year, "population": population, "area": "programme",
                                  "person_years": years, "expected_eur": expected, "benchmark_eur": float(measured.benchmark[zones].sum()),
                                  "actual_eur": actual, "actual_per_person_year_eur": actual / years if years else np.nan,
                                  "expected_per_person_year_eur": expected / years if years else np.nan})
            use = members & (ref.months > 0)
            years = float(ref.months[use].sum()) / 12  # the reference's own (simulated) people
            cost = float(ref.insured[use][:, scope].sum()) * index
            self.measured.append({"programme": p.name, "year": year, "population": population, "area": "reference",
                                  "person_years": years, "expected_eur": np.nan, "benchmark_eur": np.nan, "actual_eur": np.nan,
                                  "actual_per_person_year_eur": cost / years if years else np.nan, "expected_per_person_year_eur": np.nan})
