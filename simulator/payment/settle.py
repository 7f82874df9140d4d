"""Yearly settlements of the regime: shared savings, P4P, the budget guarantee and bundle margins.

Each settlement is recorded with the part of its money really paid: in a transition, only
providers paid under the reform receive it; the rest is a shadow settlement, shown in the
`settlements` table (paid = false) and never posted to the ledger.
"""

from __future__ import annotations

import numpy as np

from simulator.care.state import PatientState
from simulator.categories import INSURANCE, NO_CATEGORY
from simulator.payment.bundled import bundle_margin
from simulator.payment.measurement import Measured
from simulator.payment.p4p import p4p_bonus, practice_cells, practice_indicators
from simulator.payment.shared_savings import counted_difference, shared_savings_payment
from simulator.payment.statement import Statement, Transfers
from simulator.payment.transition import PAID_PHASES
from simulator.programmes.convention import due_step
from simulator.year_volumes import YearVolumes


class Settling:
    """The settlement methods of `payment.mix.Regime` (a mixin: they read and write the regime's state).

    `close_year` is called each December, after the month's payments: the zones first mark
    their agreement years (`agents.zones.hold_agreements`), then each rule settles.
    """

    def close_year(self, state: PatientState, gp_user: np.ndarray, present: np.ndarray, volume_year: YearVolumes) -> Statement:
        """P4P per practice, then, on the year's measured spending, shared savings, the reinvestment pot and the guarantee;
        last, the maximum-billing refunds on each patient's year (`volume_year[category, patient]`)."""
        self.agents.zones.hold_agreements(self._in_force(), self.year_index)
        statement = Statement(Transfers(), np.zeros(self.layout.n_providers))
        if self.p4p:
            bonus = self._settle_p4p(state, gp_user, present)
            statement = self._settled(bonus)
            for measurement in set(self.measurements.values()):
                self._post_measured(measurement, statement, bonus)  # P4P counts as spending where a rule lists it
        measured: dict[int, Measured] = {}
        for name, measurement in self.measurements.items():
            if id(measurement) not in measured:
                measured[id(measurement)] = measurement.close(self.year_index, state, self.payment_cell, self.cell_counts[2],
                                                              self.index, self.cohort.weight)
        result = {name: measured[id(m)] for name, m in self.measurements.items()}
        if self.shared_savings:
            statement = self._combine_all(statement, self._lagged(self.shared_savings, self._settle_shared_savings, result["shared_savings"]))
        if self.reinvestment:
            self._plan_reinvestment(result["reinvestment"])
        if self.guarantee:
            statement = self._combine_all(statement, self._lagged(self.guarantee.measurement, self._settle_guarantee, result["budget_guarantee"]))
        refunds = self.out_of_pocket.close_year(state, volume_year, present)
        if self.programmes:  # paid to the partners whatever their participation in a transition, as in the months they fall due
            persons = np.bincount(state.cell[present], minlength=self.n_cells).astype(float)
            users = np.bincount(state.cell[present & gp_user], minlength=self.n_cells).astype(float)
            refunds = self._combine_all(refunds, self.programmes.close_year(
                self.year_index, self.year, state, self.payment_cell, self.cell_counts, persons, users, self.index, self.cohort.weight))
        return self._combine_all(statement, refunds)

    def _lagged(self, rule, settle, measured: Measured) -> Statement:
        """Run one settlement rule into its own statement: returned now, or kept for the month its measure is known
        (the rule's `data_lag_quarters`); its records say when it falls due."""
        first = len(self.settlements)
        statement = Statement(Transfers(), np.zeros(self.layout.n_providers))
        settle(measured, statement)
        statement = self._settled(statement)
        due = due_step(self.year_index, rule.data_lag_quarters)
        records = self.settlements[first:]
        for record in records:
            record["due_year"] = float(self.scenario.run.start_year + due // 12)
        if rule.data_lag_quarters == 0:
            return statement
        self.lagged.append((due, statement, records))
        return Statement(Transfers(), np.zeros(self.layout.n_providers))

    def lagged_due(self, step: int) -> Statement | None:
        """The lagged settlements falling due in month `step`, as one statement (None if there are none)."""
        due = [item for item in self.lagged if item[0] == step]
        if not due:
            return None
        self.lagged = [item for item in self.lagged if item[0] != step]
        statement = Statement(Transfers(), np.zeros(self.layout.n_providers))
        for _, part, records in due:
            statement = self._combine_all(statement, part)
            for record in records:
                record["paid_year"] = float(self.scenario.run.start_year + step // 12)
        return statement

    def _in_force(self) -> np.ndarray:
        """[zone] whether the reform is paid there this year (always, outside a transition)."""
        return np.isin(self.zone_phase, PAID_PHASES)

    def _record(self, record: dict, transfers: Transfers, in_force: bool) -> None:
        """Keep a settlement with its money: `payment_eur` in all, `_paid_eur` the part providers under the reform receive."""
        t = transfers.columns()
        paid = self.paid[t["provider"]] if self.shadowing else np.ones(t["amount"].size, bool)
        w = self.cohort.weight
        record.update({"payment_eur": float(t["amount"].sum() * w), "_paid_eur": float(t["amount"][paid].sum() * w),
                       "_in_force": bool(in_force)})
        self.settlements.append(record)

    def _measured_record(self, mechanism: str, t: int, measured: Measured) -> dict:
        return {"year": self.year, "mechanism": mechanism, "unit": self.layout.territory_names[t],
                "expected_eur": float(measured.expected[t]), "benchmark_error": float(measured.error[t]),
                "benchmark_eur": float(measured.benchmark[t]), "actual_eur": float(measured.actual[t]),
                "savings_eur": float(measured.benchmark[t] - measured.actual[t])}

    def _settle_shared_savings(self, measured: Measured, statement: Statement) -> None:
        ss, w = self.shared_savings, self.cohort.weight
        in_force = self._in_force() | (not self.shadowing)
        for t in np.flatnonzero(self.ss_zone):
            ok = ss.quality_gate == 0 or measured.quality_ratio[t] <= ss.quality_gate
            agreement_year = self.agents.zones.agreement_year(t, self.year_index)
            payment = self.scale * shared_savings_payment(float(measured.benchmark[t]), float(measured.actual[t]), ok, agreement_year, ss)
            record = self._measured_record("shared_savings", t, measured)
            record.update({"counted_savings_eur": float(counted_difference(measured.benchmark[t], measured.actual[t], ss)),
                           "agreement_year": float(agreement_year), "quality_ratio": float(measured.quality_ratio[t]),
                           "quality_ok": bool(ok)})
            transfers = self._distribute(payment / w, t, "shared_savings", statement)
            self._record(record, transfers, in_force[t])

    def _settle_guarantee(self, measured: Measured, statement: Statement) -> None:
        """Budgeted (expected) minus actual spending per zone: topped up or recovered, split between GPs and the network."""
        g, lay, w = self.guarantee, self.layout, self.cohort.weight
        in_force = self._in_force()
        correction = g.share * counted_difference(measured.benchmark, measured.actual, g.measurement) * in_force
        months = self.cell_counts[0]
        network_share = months / max(months.sum(), 1e-12)  # the network's part is borne by the whole network, by residents
        for t in range(lay.n_territories):
            transfers = self._distribute(correction[t] * (1 - g.hospital_share) / w, t, "budget_guarantee", statement)
            amount = correction[t] * g.hospital_share / w * network_share
            holder = lay.cell_network
            own = Transfers()
            own.add(INSURANCE, "budget_guarantee", NO_CATEGORY, np.arange(self.n_cells), holder, amount)
            np.add.at(statement.owed, holder, amount)
            statement.transfers.extend(own)
            transfers.extend(own)
            self._record(self._measured_record("budget_guarantee", t, measured), transfers, in_force[t])

    def _settle_p4p(self, state: PatientState, gp_user: np.ndarray, present: np.ndarray) -> Statement:
        lay, n = self.layout, self.layout.n_providers
        persons = np.bincount(state.cell[present], minlength=self.n_cells).astype(float)
        users = np.bincount(state.cell[present & gp_user], minlength=self.n_cells).astype(float)
        values, enrolee_years = practice_indicators(lay.cell_gp, n, persons, users, self.cell_counts)
        statement = Statement(Transfers(), np.zeros(n))
        for ind in self.p4p.indicators:
            earned = self.scale * p4p_bonus(ind.indicator, values[ind.indicator], ind.target, ind.bonus_eur * self.index, enrolee_years)
            transfers = self._distribute_by_provider(earned, "p4p", statement)
            self._record({"year": self.year, "mechanism": "p4p", "unit": ind.indicator, "providers_reaching": int((earned > 0).sum())},
                         transfers, not self.shadowing or bool(self.paid.any()))
        return statement

    def _settle_episodes(self, closed, state: PatientState, statement: Statement) -> None:
        """The holder gets price minus the window's in-scope claims (counted up to the stop-loss)."""
        if not closed.slots.size:
            return
        price = self.prices[closed.kind] * self.index * closed.elapsed
        w = self.cohort.weight
        for k, episode in enumerate(self.book.episodes):
            sel = np.flatnonzero(closed.kind == k)
            if not sel.size:
                continue
            margin = self.scale * bundle_margin(price[sel], closed.claims[sel], self.stop_loss[k])
            cells = state.cell[closed.slots[sel]]
            holder = self.layout.cell_network[cells]
            transfers = Transfers()
            transfers.add(INSURANCE, "bundle", NO_CATEGORY, cells, holder, margin)
            np.add.at(statement.owed, holder, margin)
            statement.transfers.extend(transfers)
            self._record({"year": self.year, "mechanism": "bundle", "unit": episode.name, "episodes": float(sel.size * w),
                          "price_per_episode_eur": float(self.prices[k] * self.index), "claims_eur": float(closed.claims[sel].sum() * w)},
                         transfers, not self.shadowing or bool(self.paid[holder].any()))

    def _settled(self, statement: Statement) -> Statement:
        """A settlement in a transition: in the shadow statements for all, paid to providers under the reform only."""
        if not self.shadowing:
            return statement
        self.shadow[self.year_index, :, 0] += statement.owed
        return self._combine(statement, None)

    def close_horizon(self, step: int, state: PatientState) -> Statement:
        """Settle episodes still open at the end of the horizon: the claims so far against the price pro rata."""
        statement = Statement(Transfers(), np.zeros(self.layout.n_providers))
        if self.book:
            self._settle_episodes(self.book.close_all(step), state, statement)
        for _, _, records in self.lagged:  # due after the horizon: measured, never paid inside it
            for record in records:
                record["_paid_eur"] = 0.0
        self.lagged = []
        return self._settled(statement)

    def _distribute(self, amount: float, zone: int, mechanism: str, statement: Statement) -> Transfers:
        """Share one zone's payment over its cells by person-months, paid to the cells' GP practices; returns the transfers."""
        lay = self.layout
        months = self.cell_counts[0] * (lay.cell_territory == zone)
        by_cell = amount * months / max(months.sum(), 1e-12)
        transfers = Transfers()
        transfers.add(INSURANCE, mechanism, NO_CATEGORY, np.arange(self.n_cells), lay.cell_gp, by_cell)
        statement.owed += np.bincount(lay.cell_gp, weights=by_cell, minlength=lay.n_providers)
        statement.transfers.extend(transfers)
        return transfers

    def _distribute_by_provider(self, amount: np.ndarray, mechanism: str, statement: Statement) -> Transfers:
        """Pay each GP practice its amount, attributed to its cells by person-months; returns the transfers."""
        lay = self.layout
        by_cell = practice_cells(amount, lay.cell_gp, self.cell_counts[0])
        transfers = Transfers()
        transfers.add(INSURANCE, mechanism, NO_CATEGORY, np.arange(self.n_cells), lay.cell_gp, by_cell)
        statement.owed += np.bincount(lay.cell_gp, weights=by_cell, minlength=lay.n_providers)
        statement.transfers.extend(transfers)
        return transfers
