"""Hospitals and the practices that refer to them: every decision a hospital takes, for all hospitals at once.

Called each January by the regime (`payment.mix.Regime.start_year`):
1. `see_referrals`: who refers to whom, from where the practices' living patients go to hospital;
2. `decide_participation` (voluntary phase): join or leave, weighing the share of its
   referring practices that take part;
3. `decide_supply` (specialist, lab and imaging, emergency and day-case volume),
   `decide_length_of_stay`, `decide_discharge` (to post-acute care), `decide_admissions`
   (admission thresholds, day care) and `decide_emergency_admissions` (emergency patients
   sent home rather than admitted), once the year's payment rules are known.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from simulator.agents.base import AgentKind, DecisionLog
from simulator.agents.participation import OptIn
from simulator.care.state import PatientState
from simulator.layout import Layout
from simulator.scenario.pathways import Pathways


class Referrals:
    """Who refers to whom: patients of each GP practice by the hospital they use ([hospital-side provider, practice])."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.to_hospital = sparse.csr_matrix((layout.n_providers, layout.n_providers))
        self.to_network = sparse.csr_matrix((layout.n_providers, layout.n_providers))

    def update(self, state: PatientState) -> None:
        """Count the living patients of every cell: practice -> hospital, and practice -> hospital network."""
        lay, n = self.layout, self.layout.n_providers
        persons = np.bincount(state.cell[state.alive], minlength=lay.n_cells).astype(float)
        self.to_hospital = sparse.csr_matrix((persons, (lay.cell_hospital, lay.cell_gp)), shape=(n, n))
        self.to_network = sparse.csr_matrix((persons, (lay.cell_network, lay.cell_gp)), shape=(n, n))

    @staticmethod
    def share_taking_part(matrix: sparse.csr_matrix, taking_part: np.ndarray, receivers: np.ndarray) -> np.ndarray:
        """For each receiver, the patient-weighted share of its referring practices taking part."""
        patients = np.asarray(matrix.sum(axis=1)).ravel()
        part = matrix @ taking_part.astype(float)
        return np.where(patients[receivers] > 0, part[receivers] / np.maximum(patients[receivers], 1e-12), 0.0)


class ReferredTo(AgentKind):
    """Kinds whose peers are the practices referring patients to them (hospitals, networks)."""

    def __init__(self, layout: Layout, log: DecisionLog, referrals: Referrals):
        super().__init__(layout, log)
        self.referrals = referrals

    def referral_matrix(self) -> sparse.csr_matrix:
        return self.referrals.to_hospital

    def decide_participation(self, year: int, opt_in: OptIn, taking_part: np.ndarray, voluntary: np.ndarray, at_stake: np.ndarray,
                             noise: np.ndarray, stay: np.ndarray) -> None:
        """Join or leave, weighing the expected gain and the share of referring practices that took part last year."""
        peers = self.referrals.share_taking_part(self.referral_matrix(), taking_part, self.ids)
        opt_in.decide(year, self.kinds[0], self.ids, voluntary, at_stake, peers, noise, stay, self.log)


class Hospitals(ReferredTo):
    """The hospitals of every network."""

    kinds = ("hospital",)

    def decide_length_of_stay(self, year: int, per_day_share: np.ndarray, los_response: float) -> np.ndarray | None:
        """Multiplier of stays ([cell]) when part of the bed-day money no longer comes per day (envelope, capitation).

        Reads the share of inpatient-stay money still paid per bed-day in each cell; a hospital
        earning nothing more per day shortens stays by `los_response`.
        """
        if per_day_share.min() >= 1:
            return None
        multiplier = (1 - los_response * (1 - per_day_share)).astype(np.float32)
        self.record_by_cell(year, "length_of_stay", self.layout.cell_hospital, multiplier)
        return multiplier

    def decide_admissions(self, year: int, per_day_share: np.ndarray, p: Pathways) -> tuple[np.ndarray | None, np.ndarray | None, float]:
        """Admission thresholds and day care under an envelope: ([cell] admission multiplier, [cell] other-stay multiplier, shift).

        Reads the share of inpatient-stay money still paid per bed-day in each cell: where the
        rest is an envelope, a hospital admits fewer avoidable and other classic stays
        (`envelope_admissions`) and treats `day_case_shift` of the other stays in day care.
        """
        envelope = 1 - per_day_share
        if not envelope.any():
            return None, None, 0.0
        admission = np.exp(p.envelope_admissions * envelope).astype(np.float32)
        shift = (p.day_case_shift * envelope).astype(np.float32)
        self.record_by_cell(year, "admission_threshold", self.layout.cell_hospital, admission)
        self.record_by_cell(year, "day_case_shift", self.layout.cell_hospital, shift)
        return (None if np.all(admission == 1) else admission), (None if not shift.any() else 1 - shift), float(shift.max())

    def decide_discharge(self, year: int, length_of_stay: np.ndarray | None, p: Pathways) -> np.ndarray | None:
        """Multiplier of rehabilitation after stays ([cell]): a hospital that shortens stays discharges more to post-acute care."""
        if length_of_stay is None or p.discharge_post_acute == 0:
            return None
        multiplier = (1 + p.discharge_post_acute * (1 - length_of_stay)).astype(np.float32)
        self.record_by_cell(year, "discharge_post_acute", self.layout.cell_hospital, multiplier)
        return multiplier

    def decide_emergency_admissions(self, year: int, admission: np.ndarray | None, admissions_per_visit: np.ndarray,
                                    p: Pathways) -> np.ndarray | None:
        """Multiplier of emergency visits sent home ([cell]): stays a higher threshold turns away, seen in the emergency department.

        `admissions_per_visit` is each cell's expected classic stays per expected emergency visit.
        """
        if admission is None or p.emergency_conversion == 0:
            return None
        multiplier = (1 + p.emergency_conversion * (1 - admission) * admissions_per_visit).astype(np.float32)
        self.record_by_cell(year, "emergency_conversion", self.layout.cell_hospital, multiplier)
        return multiplier
