"""Lookup tables by age (0..110) and by condition mask (0..127), built once per run.

The monthly processes then cost one gather per patient instead of evaluating curves:
`rate = by_age[age] + by_mask[conditions]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.care.equilibrium import Equilibrium, bin_means, social_factor, solve
from simulator.care.life_table import death_probabilities
from simulator.categories import CONDITIONS, REGIONS
from simulator.scenario import Scenario
from simulator.scenario.schema import ContactProcess

AMBULATORY: tuple[str, ...] = ("gp", "specialist", "lab_imaging", "emergency", "physiotherapy")  # `primary_care` processes

MAX_AGE = 110
AGES = np.arange(MAX_AGE + 1, dtype=np.float64)
MASKS = np.arange(1 << len(CONDITIONS))
N_MASKS = MASKS.size  # condition masks: 128
HAS = np.array([(MASKS >> i) & 1 for i in range(len(CONDITIONS))], dtype=bool)  # [condition, mask]
N_CONDITIONS = HAS.sum(axis=0).astype(np.uint8)  # conditions per mask


def per_mask(values: dict[str, float]) -> np.ndarray:
    """Sum of per-condition values for every condition mask."""
    v = np.array([values[c] for c in CONDITIONS])
    return (HAS * v[:, None]).sum(axis=0)


def hazard_ratio_per_mask(ratios: dict[str, float]) -> np.ndarray:
    """Product of per-condition hazard ratios for every condition mask."""
    v = np.array([ratios[c] for c in CONDITIONS])
    return np.where(HAS, v[:, None], 1.0).prod(axis=0)


def prevalence_curves(scenario: Scenario) -> np.ndarray:
    """[condition, age] prevalence: min(cap, p50 * exp(slope * (age - 50))), zero below min_age."""
    out = np.zeros((len(CONDITIONS), MAX_AGE + 1))
    for i, name in enumerate(CONDITIONS):
        c = getattr(scenario.morbidity.conditions, name)
        curve = np.minimum(c.max_prevalence, c.prevalence_at_50 * np.exp(c.age_slope * (AGES - 50)))
        out[i] = np.where(AGES >= c.min_age, curve, 0.0)
    return out


def _contact_tables(p: ContactProcess) -> tuple[np.ndarray, np.ndarray]:
    by_age = p.base_rate * np.exp(p.age_slope * (AGES - 40))
    by_age[:5] *= p.under5_ratio
    return (by_age / 12).astype(np.float32), (per_mask(p.per_condition.model_dump()) / 12).astype(np.float32)


@dataclass(frozen=True)
class CareTables:
    """Every lookup the monthly processes need; monthly rates unless said."""

    death_hazard: np.ndarray  # [region, sex, age] monthly death probability (Gompertz, Statbel)
    gompertz_slope: np.ndarray  # [region, sex] per year of age
    death_base: np.ndarray  # [stratum * (MAX_AGE + 1) + age] death_hazard / mean individual multiplier at that age
    death_ratio: np.ndarray  # [mask] hazard ratio of the conditions
    prevalence: np.ndarray  # [condition, age]
    onset: np.ndarray  # [stratum, condition, age] monthly onset probability among those without, per unit multiplier
    onset_total: np.ndarray  # [stratum * (MAX_AGE + 1) + age] sum over conditions
    admission_scale: np.ndarray  # [stratum * (MAX_AGE + 1) + age] 1 / mean admission frailty of the living at that age
    stay_scale: np.ndarray  # [stratum * (MAX_AGE + 1) + age] 1 / mean stay frailty of the living at that age
    avoidable_scale: np.ndarray  # [stratum * (MAX_AGE + 1) + age] 1 / mean admission frailty of those at avoidable risk
    equilibrium: Equilibrium  # the stationary cohort the population is drawn from
    contacts: dict[str, tuple[np.ndarray, np.ndarray]]  # process -> ([age], [mask]) monthly rates
    drugs: tuple[np.ndarray, np.ndarray]  # ([age], [mask]) euros per month
    admission_other: np.ndarray  # [age] monthly rate
    admission_avoidable: np.ndarray  # [mask] monthly rate
    avoidable_by_condition: np.ndarray  # [condition, mask] monthly rate each present condition adds
    los_median: np.ndarray  # [age] days
    home_nursing_start: np.ndarray  # [age] monthly, without conditions
    nursing_home_entry: np.ndarray  # [age] monthly, without dementia


MAX_ADMISSION_FRAILTY = 25.0  # no one's admission hazard exceeds 25 times the average for their age and conditions


def regional_bim_share(s: Scenario) -> np.ndarray:
    """[region] inhabitant-weighted BIM share of the scenario's zones (21 % where a region has none)."""
    share = np.full(len(REGIONS), 0.21)
    for r, region in enumerate(REGIONS):
        zones = [t for t in s.territories if t.region == region]
        if zones:
            share[r] = sum(t.bim_share * t.inhabitants for t in zones) / sum(t.inhabitants for t in zones)
    return share


def stationary_cohort(s: Scenario, death: np.ndarray, death_ratio: np.ndarray, prevalence: np.ndarray,
                      avoidable: np.ndarray) -> Equilibrium:
    """The equilibrium of today's rates (see `care.equilibrium`)."""
    morb, h = s.morbidity, s.hospital
    frailty = bin_means(
        morb.frailty_sigma,
        {"death": s.mortality.frailty_exponent, "condition": morb.frailty_condition_exponent,
         "admission": h.frailty_exponent, "stay": h.los_frailty_exponent},
        MAX_ADMISSION_FRAILTY,
    )
    social = social_factor(morb.bim_prevalence_ratio, regional_bim_share(s))
    return solve(death, death_ratio, prevalence, social, frailty, avoidable)


def build_tables(s: Scenario) -> CareTables:
    """Precompute the lookup tables of a scenario."""
    death, slopes = death_probabilities(s.mortality, MAX_AGE)
    death_ratio = hazard_ratio_per_mask(s.mortality.hazard_ratio.model_dump())
    prevalence = prevalence_curves(s)
    eq = stationary_cohort(s, death, death_ratio, prevalence, per_mask(s.hospital.avoidable_rate.model_dump()) / 12)
    onset = s.morbidity.incidence_multiplier * eq.onset
    by_stratum = np.repeat(death.reshape(-1, MAX_AGE + 1), 2, axis=0)  # [stratum, age]: BIM does not change the base

    pc, h, pa = s.primary_care, s.hospital, s.post_acute
    contacts = {name: _contact_tables(getattr(pc, name)) for name in AMBULATORY}
    contacts["day_case"] = _contact_tables(h.day_case)
    d = s.drugs
    drugs = (
        (d.base_at_50 * np.exp(d.age_slope * (AGES - 50))).astype(np.float32),
        per_mask(d.per_condition.model_dump()).astype(np.float32),
    )
    return CareTables(
        death_hazard=death.astype(np.float32),
        gompertz_slope=slopes,
        death_base=(by_stratum / eq.death_norm).ravel().astype(np.float32),
        death_ratio=death_ratio.astype(np.float32),
        prevalence=prevalence,
        onset=onset.astype(np.float32),
        onset_total=onset.sum(axis=1).ravel().astype(np.float32),
        admission_scale=(1 / eq.admission_norm).ravel().astype(np.float32),
        stay_scale=(1 / eq.stay_norm).ravel().astype(np.float32),
        avoidable_scale=(1 / eq.avoidable_norm).ravel().astype(np.float32),
        equilibrium=eq,
        contacts=contacts,
        drugs=drugs,
        admission_other=(h.admission_rate_at_50 * np.exp(h.admission_age_slope * (AGES - 50)) / 12).astype(np.float32),
        admission_avoidable=(per_mask(h.avoidable_rate.model_dump()) / 12).astype(np.float32),
        avoidable_by_condition=(HAS * np.array([getattr(h.avoidable_rate, c) for c in CONDITIONS])[:, None] / 12).astype(np.float32),
        los_median=(h.los_median * np.exp(h.los_age_slope * (AGES - 50))).astype(np.float32),
        home_nursing_start=np.where(
            AGES >= 40, pa.home_nursing_start_at_80 * np.exp(pa.home_nursing_age_slope * (AGES - 80)), 0.0
        ).astype(np.float32),
        nursing_home_entry=np.where(
            AGES >= 65, pa.nursing_home_entry_at_85 * np.exp(pa.nursing_home_age_slope * (AGES - 85)), 0.0
        ).astype(np.float32),
    )
