"""Phase 10: indicators counted per year, patient group (territory x BIM x population) and five-year age band.

Counts are kept as numerators and denominators so that indicators can be re-aggregated
exactly (over groups, territories, age bands or replications); `results` turns them into
crude and age-standardised rates.
"""

from __future__ import annotations

import numba
import numpy as np

from simulator.accumulate import add_at, count_at, slots_where
from simulator.care.activity import Activity
from simulator.care.state import PatientState
from simulator.care.tables import N_CONDITIONS
from simulator.categories import CATEGORIES
from simulator.layout import Layout
from simulator.population import Cohort
from simulator.year_volumes import YearVolumes

COUNTS: tuple[str, ...] = (
    "person_months",
    "persons",  # alive at some time in the year
    "deaths",
    "admissions",
    "avoidable_admissions",
    "readmissions",
    "bed_days",
    "day_cases",
    "emergency_visits",
    "gp_contacts",
    "gp_contacts_usual",  # GP contacts with the usual practice (continuity of care)
    "specialist_contacts",
    "physiotherapy_sessions",
    "practice_nurse_contacts",
    "gp_users",
    "persons_15plus",
    "chronic_15plus",
    "multimorbid_15plus",
    "persons_75plus",
    "chronic_75plus",
    "persons_1_january",
    "chronic_1_january",
    "risk_score_1_january",  # expected cost relative to the base year's mean (so that drift shows)
    "persons_capitated_1_january",
    "risk_score_capitated_1_january",
)
C = {name: i for i, name in enumerate(COUNTS)}
(C_PERSONS_15PLUS, C_CHRONIC_15PLUS, C_MULTIMORBID_15PLUS, C_PERSONS_75PLUS, C_CHRONIC_75PLUS, C_PERSONS_1_JANUARY,
 C_CHRONIC_1_JANUARY, C_RISK_SCORE_1_JANUARY, C_PERSONS_CAPITATED_1_JANUARY, C_RISK_SCORE_CAPITATED_1_JANUARY) = (
    C[name] for name in ("persons_15plus", "chronic_15plus", "multimorbid_15plus", "persons_75plus", "chronic_75plus",
                         "persons_1_january", "chronic_1_january", "risk_score_1_january", "persons_capitated_1_january",
                         "risk_score_capitated_1_january"))  # the snapshot of 1 January, counted by `_january`
N_AGE_BANDS = 18  # 0-4, 5-9, ..., 80-84, 85+ (Statbel's bands)


def age_band(age: np.ndarray) -> np.ndarray:
    """Five-year age band per slot (uint8, 85+ last)."""
    return np.minimum(age // 5, N_AGE_BANDS - 1).astype(np.uint8)


class Observer:
    """Yearly counters of one arm, plus each patient's volume of the year (spending concentration, out-of-pocket)."""

    def __init__(self, cohort: Cohort, n_years: int, layout: Layout):
        self.cohort, self.layout = cohort, layout
        self.n_groups = layout.n_groups
        self.counts = np.zeros((n_years, len(COUNTS), self.n_groups, N_AGE_BANDS))  # [year, count, group, age band]
        self.key = np.zeros(cohort.capacity, np.int32)  # this month's patient group x age band per slot
        self.population_offset: np.ndarray | None = None  # with programmes: what the target flag adds to Month.group_band
        self.volume_year = YearVolumes(cohort.capacity)  # each patient's volume this year
        self.unit_value = np.zeros((len(CATEGORIES), 2))  # the year's insurance euros per unit [category, bim]
        self.gp_user = np.zeros(cohort.capacity, bool)
        self.present = np.zeros(cohort.capacity, bool)
        self.concentration = np.zeros((n_years, 3))  # top 5 % share, top 1 % share, persons over 100 k EUR

    def _add(self, year: int, name: str, slots: np.ndarray, weights: np.ndarray | None = None) -> None:
        out = self.counts[year, C[name]].reshape(-1)  # a view: [group x band]
        if weights is None:
            count_at(out, self.key, slots)
        else:
            add_at(out, self.key, slots, weights)

    def set_populations(self, cell: np.ndarray) -> None:
        """With programmes, each January once the target groups are set: the offset that puts a slot's population in its key.

        Month.group_band is group x bands + band; with populations the key is (group x 2 + target) x bands + band, so the
        offset is (group + target) x bands. Cells change only in January, so the offset holds for the year.
        """
        if self.layout.n_populations == 2:
            self.population_offset = ((self.cohort.group.astype(np.int32) + self.layout.cell_target[cell]) * np.int32(N_AGE_BANDS))

    def set_age(self, group_band: np.ndarray) -> None:
        """This month's patient group x age band per slot (`Month.group_band`, shared by both arms)."""
        self.key = group_band if self.population_offset is None else group_band + self.population_offset

    def start_year(self, year: int, state: PatientState, age: np.ndarray, cost_index: float, capitated: np.ndarray) -> None:
        """Reset per-patient accumulators; take the snapshot of 1 January.

        `cost_index` is this year's mean expected cost over the base year's, so that the
        risk-score counts show drift in case mix; `capitated` marks the cells paid by capitation.
        """
        self.volume_year.reset()
        self.gp_user[:] = False
        self.present[:] = state.alive
        _january(self.counts[year].reshape(len(COUNTS), -1), self.key, state.alive, age, N_CONDITIONS[state.conditions],
                 state.risk_score, np.float32(cost_index), capitated[state.cell])

    def month(self, year: int, state: PatientState, activity: Activity, unit_value: np.ndarray, continuity: np.ndarray) -> None:
        """Count the month's events and add each patient's insurance spending; `continuity` per cell weighs GP contacts."""
        self.present |= state.alive
        self._add(year, "person_months", activity.alive)
        self._add(year, "deaths", activity.deaths)
        adm = activity.admissions
        self._add(year, "admissions", adm, activity.stays)
        self._add(year, "avoidable_admissions", adm[activity.avoidable])
        self._add(year, "readmissions", adm, activity.readmissions)
        self._add(year, "bed_days", adm, activity.bed_days)
        for name, category in (("day_cases", "day_case"), ("emergency_visits", "emergency"), ("specialist_contacts", "specialist"),
                               ("physiotherapy_sessions", "physiotherapy"), ("practice_nurse_contacts", "practice_nurse")):
            self._add(year, name, activity.slots[category], activity.volume[category])
        counts = self.counts[year].reshape(len(COUNTS), -1)
        _gp_contacts(counts[C["gp_contacts"]], counts[C["gp_contacts_usual"]], self.key, activity.slots["gp"], activity.volume["gp"],
                     continuity, state.cell, self.gp_user)
        for i, category in enumerate(CATEGORIES):  # slots are unique within a category
            dense = activity.dense.get(category)
            if dense is not None:
                self.volume_year.add_dense(i, dense)
                continue
            slots = activity.slots.get(category)
            if slots is not None and slots.size:
                self.volume_year.add(i, slots, activity.volume[category])
        self.unit_value = unit_value

    def end_year(self, year: int) -> None:
        """Close the year: persons, GP users, and how concentrated spending is."""
        present = slots_where(self.present)
        self._add(year, "persons", present)
        self._add(year, "gp_users", slots_where(self.gp_user & self.present))
        spend = self.spending(present)
        del present  # freed before `concentration` copies the spending (at national scale 47 MB an arm)
        self.concentration[year] = concentration(spend, self.cohort.weight)

    def release_patients(self) -> None:
        """Free each patient's volumes and flags of the year (after the last year: the tables read the counts)."""
        self.volume_year.release()
        self.gp_user = self.present = np.zeros(0, bool)

    def spending(self, slots: np.ndarray) -> np.ndarray:
        """Each patient's insurance spending of the year: their volume of each category at the year's insurance value."""
        return self.volume_year.products(self.unit_value.T.astype(np.float32), self.cohort.bim, slots, out=np.zeros(slots.size))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _january(counts: np.ndarray, key: np.ndarray, alive: np.ndarray, age: np.ndarray, conditions: np.ndarray,
             risk_score: np.ndarray, cost_index: np.float32, enrolled: np.ndarray) -> None:
    """The snapshot of 1 January in one pass over the slots: `counts[count, key]` gets the living by age and condition
    count, their risk scores (float32, times `cost_index`) and, where `enrolled`, those of the capitated."""
    for s in range(alive.size):
        if not alive[s]:
            continue
        k, a, c = key[s], age[s], conditions[s]
        if a >= 15:
            counts[C_PERSONS_15PLUS, k] += 1
            if c >= 1:
                counts[C_CHRONIC_15PLUS, k] += 1
            if c >= 2:
                counts[C_MULTIMORBID_15PLUS, k] += 1
        if a >= 75:
            counts[C_PERSONS_75PLUS, k] += 1
            if c >= 1:
                counts[C_CHRONIC_75PLUS, k] += 1
        counts[C_PERSONS_1_JANUARY, k] += 1
        if c >= 1:
            counts[C_CHRONIC_1_JANUARY, k] += 1
        score = risk_score[s] * cost_index
        counts[C_RISK_SCORE_1_JANUARY, k] += score
        if enrolled[s]:
            counts[C_PERSONS_CAPITATED_1_JANUARY, k] += 1
            counts[C_RISK_SCORE_CAPITATED_1_JANUARY, k] += score


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _gp_contacts(contacts: np.ndarray, usual: np.ndarray, key: np.ndarray, slots: np.ndarray, volume: np.ndarray,
                 continuity: np.ndarray, cell: np.ndarray, gp_user: np.ndarray) -> None:
    """The month's GP contacts in one pass: by key, those with the usual practice (weighed by the cell's continuity),
    and who saw a GP. Each count adds in slot order, as `add_at` would."""
    for k in range(slots.size):
        s = slots[k]
        j = key[s]
        contacts[j] += volume[k]
        usual[j] += volume[k] * continuity[cell[s]]
        gp_user[s] = True


def concentration(spend: np.ndarray, weight: float) -> tuple[float, float, float]:
    """Share of spending of the top 5 % and top 1 %, and people (weighted) above 100,000 EUR (`spend` is reordered)."""
    if not spend.size or spend.sum() <= 0:
        return 0.0, 0.0, 0.0
    total, above = spend.sum(), (spend > 100_000).sum()
    n5, n1 = max(1, round(spend.size * 0.05)), max(1, round(spend.size * 0.01))
    top1 = np.partition(spend, spend.size - n1)[spend.size - n1 :].sum()
    spend.partition(spend.size - n5)  # in place, last: a copy less (100 MB per arm at national scale)
    top5 = spend[spend.size - n5 :].sum()
    return float(top5 / total), float(top1 / total), float(above * weight)
