"""The synthetic population: patients as column arrays (struct of arrays), never objects.

`Cohort` holds what does not change with policy (sex, birth month, BIM status, zone,
practice, usual hospital, frailty, care propensity, drug intensity) for every slot,
including the births and immigrants that enter later (their slots are allocated up
front, in order of entry, so both arms address the same patient by the same slot; within a
month's entrants, and within the initial population, slots follow the billing cell, so that
the monthly pass reads the per-cell tables in order).
Its initial condition masks and care states are copied into each arm's `PatientState`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from simulator.care.equilibrium import draw_states, power_mean_one, stratum
from simulator.care.tables import MAX_ADMISSION_FRAILTY, MAX_AGE, N_CONDITIONS, CareTables
from simulator.categories import CONDITIONS
from simulator.layout import Layout
from simulator.rng import generator
from simulator.scenario import Scenario
from simulator.statbel import OLDEST_BAND_MEAN_YEARS, statbel_age_sex

__all__ = ["Cohort", "entries_schedule", "frailty_power", "statbel_age_sex", "synthesise"]


@dataclass
class Cohort:
    """Static attributes of every patient slot of one replication."""

    n_initial: int
    weight: float  # inhabitants represented by one simulated patient
    entry_month: np.ndarray  # int16: 0 for the initial population, month of entry for entrants
    birth_month: np.ndarray  # int16: month of birth relative to January of the start year
    sex: np.ndarray  # uint8: 0 male, 1 female
    bim: np.ndarray  # uint8: 1 with increased reimbursement
    territory: np.ndarray  # int16
    region: np.ndarray  # uint8
    cell: np.ndarray  # int32 billing cell
    frailty: np.ndarray  # float32, lognormal mean 1 at birth; drawn from the stationary cohort at the age of entry
    propensity: np.ndarray  # float32, gamma mean 1
    drug_intensity: np.ndarray  # float32, lognormal mean 1
    conditions: np.ndarray  # uint8 mask at entry
    home_nursing: np.ndarray  # bool at entry
    nursing_home: np.ndarray  # bool at entry
    entries_per_month: np.ndarray  # int64 [month]: slots entering each month
    condition_mult: np.ndarray  # float32: frailty and social gradient on prevalence and onset
    death_frailty: np.ndarray  # float32: frailty ** mortality.frailty_exponent (mean one at birth)
    admission_frailty: np.ndarray  # float32: frailty ** hospital.frailty_exponent (mean one at birth, capped)
    stay_frailty: np.ndarray  # float32: frailty ** hospital.los_frailty_exponent (mean one at birth)
    n_territories: int
    stratum: np.ndarray  # uint8: (region * 2 + sex) * 2 + BIM, the row of the age tables
    group: np.ndarray  # int32: patient group, territory * 2 + BIM

    @property
    def capacity(self) -> int:
        return int(self.entry_month.size)

    def release_entry_states(self) -> None:
        """Free the states at entry and the frailty they were drawn from, once every arm holds its own copy
        (`PatientState.from_cohort`): about 0.15 GB at national scale. Reading them afterwards fails."""
        self.conditions = self.home_nursing = self.nursing_home = self.cell = self.frailty = None  # type: ignore[assignment]

    def entrants(self, month: int) -> slice:
        """Slots entering in `month` (months after the start; none beyond the schedule)."""
        if month >= self.entries_per_month.size:
            return slice(self.capacity, self.capacity)
        end = self.n_initial + int(self.entries_per_month[: month + 1].sum())
        return slice(end - int(self.entries_per_month[month]), end)

    def age(self, month: int) -> np.ndarray:
        """Age in whole years at `month`, clipped to 0..110, as uint8."""
        return np.clip((month - self.birth_month) // 12, 0, MAX_AGE).astype(np.uint8)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights that add up to total (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(raw - out)[::-1][: total - out.sum()]] += 1
    return out


def _oldest_band_months(u: np.ndarray) -> np.ndarray:
    """Months above 85: exponential with mean OLDEST_BAND_MEAN_YEARS, truncated at 20 years (none piled at 105)."""
    mean, cap = 12 * OLDEST_BAND_MEAN_YEARS, 20 * 12
    return (-mean * np.log1p(-u * -np.expm1(-cap / mean))).astype(np.int64)


def _lognormal_mean_one(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(-sigma * sigma / 2, sigma, n).astype(np.float32) if sigma > 0 else np.ones(n, np.float32)


def entries_schedule(scenario: Scenario, n_initial: int) -> tuple[np.ndarray, np.ndarray]:
    """Births and immigrants per month (deterministic, so equal in both arms)."""
    months = 12 * len(scenario.years)
    births = np.diff(np.floor(np.arange(months + 1) * n_initial * scenario.population.birth_rate / 12)).astype(np.int64)
    migrants = np.diff(np.floor(np.arange(months + 1) * n_initial * scenario.population.net_migration_rate / 12)).astype(np.int64)
    births[0] = migrants[0] = 0  # the initial population is month 0
    return births, migrants


def synthesise(scenario: Scenario, layout: Layout, tables: CareTables, seed: int, threads: int = 1) -> Cohort:
    """Draw the population of one replication from the Statbel structure of each zone (`threads` for the states at
    entry; the population does not depend on them)."""
    rng = generator(seed, "population")
    n0 = scenario.simulated_size
    births, migrants = entries_schedule(scenario, n0)
    capacity = n0 + int(births.sum() + migrants.sum())
    inhabitants = np.array([t.inhabitants for t in scenario.territories], dtype=np.float64)
    per_zone = _split(n0, inhabitants)
    structure = statbel_age_sex()

    territory = np.empty(capacity, np.int16)
    sex = np.empty(capacity, np.uint8)
    age_months = np.empty(capacity, np.int32)
    entry = np.zeros(capacity, np.int16)  # months: the schema's horizon (at most 151 years) and ages fit int16
    start = 0
    for t, n in enumerate(per_zone):
        own = scenario.territories[t].structure  # [band][male non-BIM, male BIM, female non-BIM, female BIM]
        counts = structure[scenario.territories[t].region] if own is None else np.array(own).reshape(18, 2, 2).sum(axis=2)
        cell = rng.choice(counts.size, size=n, p=(counts / counts.sum()).ravel())
        band, sx = np.divmod(cell, 2)
        within = np.where(band < 17, rng.integers(0, 60, n), _oldest_band_months(rng.random(n)))
        territory[start : start + n], sex[start : start + n] = t, sx
        age_months[start : start + n] = band * 60 + within
        start += n
    # entrants, in order of entry month: births at age 0, immigrants aged 18-45
    months = np.arange(births.size)
    for counts, is_birth in ((births, True), (migrants, False)):
        n = int(counts.sum())
        sl = slice(start, start + n)
        entry[sl] = np.repeat(months, counts)
        territory[sl] = rng.choice(len(per_zone), size=n, p=per_zone / n0)
        sex[sl] = rng.random(n) < (0.487 if is_birth else 0.5)
        age_months[sl] = 0 if is_birth else rng.integers(18 * 12, 46 * 12, n)
        start += n
    order = np.argsort(entry, kind="stable")  # slots in order of entry month
    territory, sex, age_months, entry = territory[order], sex[order], age_months[order], entry[order]
    birth_month = (entry - age_months).astype(np.int16)
    age = np.clip(age_months // 12, 0, MAX_AGE)

    region = layout.territory_region[territory].astype(np.uint8)
    bim_share = np.array([t.bim_share for t in scenario.territories])[territory]
    ratio = np.where(age >= 65, scenario.population.bim_age_ratio_65plus, 1.0)
    people = np.bincount(territory, minlength=len(per_zone))
    norm = np.bincount(territory, weights=ratio, minlength=len(per_zone)) / np.maximum(people, 1)  # a zone may get no one
    chance = np.clip(bim_share * ratio / norm[territory], 0, 1)
    for t, zone in enumerate(scenario.territories):
        if zone.structure is not None:  # the file's BIM share by age band and sex (entrants take their band's)
            own = np.array(zone.structure).reshape(18, 2, 2)
            share = own[..., 1] / np.maximum(own.sum(axis=2), 1e-12)
            here = territory == t
            chance[here] = share[np.minimum(age[here] // 5, 17), sex[here]]
    bim = (rng.random(capacity) < chance).astype(np.uint8)

    morb = scenario.morbidity
    strata = stratum(region, sex, bim)
    # frailty and conditions as the stationary cohort has them at the age of entry (newborns: none yet)
    frailty, conditions = draw_states(tables.equilibrium, strata, age, rng.random(capacity), rng.random(capacity), morb.frailty_sigma,
                                     threads)
    propensity = rng.gamma(scenario.primary_care.propensity_shape, 1 / scenario.primary_care.propensity_shape, capacity).astype(np.float32)
    drug_intensity = _lognormal_mean_one(rng, scenario.drugs.intensity_sigma, capacity)
    multiplier = condition_multiplier(scenario, frailty, bim, territory)

    # care states at the start: the share that the entry and exit hazards sustain
    pa = scenario.post_acute
    n_cond = N_CONDITIONS[conditions]
    has_dementia = (conditions >> CONDITIONS.index("dementia")) & 1
    entry_hazard = tables.nursing_home_entry[age] * np.where(has_dementia, pa.nursing_home_dementia_ratio, 1.0)
    nursing_home = rng.random(capacity) < np.clip(entry_hazard * pa.nursing_home_mean_stay, 0, 0.9)
    start_hazard = tables.home_nursing_start[age] * (1 + pa.home_nursing_condition_ratio * n_cond)
    home_nursing = (rng.random(capacity) < start_hazard / (start_hazard + pa.home_nursing_stop)) & ~nursing_home

    hospital_rank = layout.home_hospital[territory].astype(np.int64)
    n_h = np.array([h.size for h in layout.zone_hospitals])[territory]  # hospitals its residents use: own network first
    loyalty = np.array([n.loyalty for n in scenario.networks])[layout.territory_network[territory]]
    if layout.hospitals.size > 1:
        n_own = layout.own_hospitals[territory]
        other = (hospital_rank + rng.integers(1, np.maximum(n_own, 2))) % n_own
        hospital_rank = np.where((rng.random(capacity) < loyalty) | (n_own == 1), hospital_rank, other)
        cross = np.array([t.cross_network_share for t in scenario.territories])[territory]
        if cross.any():  # residents whose usual hospital is another network's
            elsewhere = n_own + rng.integers(0, np.maximum(n_h - n_own, 1))
            hospital_rank = np.where((rng.random(capacity) < cross) & (n_h > n_own), elsewhere, hospital_rank)
    gp = np.empty(capacity, np.int64)
    for t, practices in enumerate(layout.gp_practices):
        members = np.flatnonzero(territory == t)
        own = scenario.territories[t].practices
        size = (rng.gamma(scenario.providers.gp_practice_size_shape, 1.0, practices.size) if own is None
                else np.array([p.list_size for p in own]))
        gp[members] = practices[rng.choice(practices.size, size=members.size, p=size / size.sum())]
    cell = layout.cell_of(territory, gp, hospital_rank, bim)

    order = stable_order(entry.astype(np.int64) * layout.n_cells + cell, int(entry.max(initial=0) + 1) * layout.n_cells)  # by entry month, then cell
    entry, birth_month, sex, bim, territory, region, cell, frailty, propensity, drug_intensity, conditions, home_nursing, \
        nursing_home, multiplier, strata = (a[order] for a in (entry, birth_month, sex, bim, territory, region, cell, frailty, propensity,
                                                              drug_intensity, conditions, home_nursing, nursing_home, multiplier, strata))
    sigma = morb.frailty_sigma
    return Cohort(
        n_initial=n0,
        weight=scenario.inhabitants / n0,
        entry_month=entry,
        birth_month=birth_month,
        sex=sex,
        bim=bim,
        territory=territory,
        region=region,
        cell=cell,
        frailty=frailty,
        propensity=propensity,
        drug_intensity=drug_intensity,
        conditions=conditions,
        home_nursing=home_nursing,
        nursing_home=nursing_home,
        entries_per_month=births + migrants,
        condition_mult=multiplier,
        death_frailty=frailty_power(frailty, scenario.mortality.frailty_exponent, sigma),
        admission_frailty=np.minimum(frailty_power(frailty, scenario.hospital.frailty_exponent, sigma), MAX_ADMISSION_FRAILTY),
        stay_frailty=frailty_power(frailty, scenario.hospital.los_frailty_exponent, sigma),
        n_territories=len(per_zone),
        stratum=strata,
        group=territory.astype(np.int32) * 2 + bim,
    )


@numba.njit(cache=True, nogil=True)
def stable_order(key: np.ndarray, n_keys: int) -> np.ndarray:
    """`np.argsort(key, kind="stable")` for keys in [0, n_keys), by counting (linear time)."""
    start = np.zeros(n_keys + 1, np.int64)
    for k in key:
        start[k + 1] += 1
    for k in range(n_keys):
        start[k + 1] += start[k]
    order = np.empty(key.size, np.int64)
    for i in range(key.size):
        order[start[key[i]]] = i
        start[key[i]] += 1
    return order


def frailty_power(frailty: np.ndarray, exponent: float, sigma: float) -> np.ndarray:
    """frailty ** exponent rescaled to mean one (frailty is lognormal with log-sd sigma and mean one)."""
    return power_mean_one(frailty, exponent, sigma).astype(np.float32)


def condition_multiplier(scenario: Scenario, frailty: np.ndarray, bim: np.ndarray, territory: np.ndarray) -> np.ndarray:
    """Individual multiplier of condition prevalence and onset: frailty and social gradient, mean one."""
    morb = scenario.morbidity
    frail = frailty_power(frailty, morb.frailty_condition_exponent, morb.frailty_sigma)
    bim_shares = np.array([t.bim_share for t in scenario.territories])
    social = np.where(bim == 1, morb.bim_prevalence_ratio, 1.0) / (1 + bim_shares[territory] * (morb.bim_prevalence_ratio - 1))
    return (frail * social).astype(np.float32)
