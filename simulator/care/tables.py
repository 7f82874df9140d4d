"""Lookup tables by age (0..110) and by condition mask (0..127), built once per run.

The monthly processes then cost one gather per patient instead of evaluating curves:
`rate = by_age[age] + by_mask[conditions]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.categories import CONDITIONS, REGIONS
from simulator.scenario import Scenario
from simulator.scenario.schema import ContactProcess

MAX_AGE = 110
AGES = np.arange(MAX_AGE + 1, dtype=np.float64)
MASKS = np.arange(1 << len(CONDITIONS))
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


def gompertz_scale(life_expectancy: float, slope: float) -> float:
    """Gompertz level A such that mu(x) = A exp(slope x) gives this life expectancy at birth."""
    x = np.arange(0.0, 130.0, 0.05)

    def expectancy(level: float) -> float:
        survival = np.exp(-level / slope * np.expm1(slope * x))
        return float(np.trapezoid(survival, x))

    lo, hi = 1e-9, 1.0
    for _ in range(200):  # bisection on log A: expectancy falls as A rises
        mid = np.sqrt(lo * hi)
        if expectancy(mid) > life_expectancy:
            lo = mid
        else:
            hi = mid
    return float(np.sqrt(lo * hi))


def _contact_tables(p: ContactProcess) -> tuple[np.ndarray, np.ndarray]:
    by_age = p.base_rate * np.exp(p.age_slope * (AGES - 40))
    by_age[:5] *= p.under5_ratio
    return (by_age / 12).astype(np.float32), (per_mask(p.per_condition.model_dump()) / 12).astype(np.float32)


@dataclass(frozen=True)
class CareTables:
    """Every lookup the monthly processes need; monthly rates unless said."""

    death_hazard: np.ndarray  # [region, sex, age] monthly hazard before individual risk
    death_ratio: np.ndarray  # [mask] hazard ratio of the conditions
    prevalence: np.ndarray  # [condition, age]
    onset: np.ndarray  # [condition, age] monthly onset probability among those without
    onset_total: np.ndarray  # [age] sum over conditions
    contacts: dict[str, tuple[np.ndarray, np.ndarray]]  # process -> ([age], [mask]) monthly rates
    drugs: tuple[np.ndarray, np.ndarray]  # ([age], [mask]) euros per month
    admission_other: np.ndarray  # [age] monthly rate
    admission_avoidable: np.ndarray  # [mask] monthly rate
    avoidable_by_condition: np.ndarray  # [condition, mask] monthly rate each present condition adds
    los_median: np.ndarray  # [age] days
    home_nursing_start: np.ndarray  # [age] monthly, without conditions
    nursing_home_entry: np.ndarray  # [age] monthly, without dementia


def build_tables(s: Scenario) -> CareTables:
    """Precompute the lookup tables of a scenario."""
    m = s.mortality
    death = np.zeros((len(REGIONS), 2, MAX_AGE + 1))
    for r, region in enumerate(REGIONS):
        gap = getattr(m.region_gap, region)
        for sex, le in enumerate((m.life_expectancy_male, m.life_expectancy_female)):
            yearly = gompertz_scale(le + gap, m.gompertz_slope) * np.exp(m.gompertz_slope * AGES)
            death[r, sex] = -np.expm1(-yearly / 12)

    prevalence = prevalence_curves(s)
    # onsets that keep prevalence at age a+1 what it is at age a: the cohort derivative
    rise = np.clip(np.diff(prevalence, axis=1, append=prevalence[:, -1:]), 0, None)
    onset = s.morbidity.incidence_multiplier * rise / np.clip(1 - prevalence, 0.05, None) / 12

    pc, h, pa = s.primary_care, s.hospital, s.post_acute
    contacts = {name: _contact_tables(getattr(pc, name)) for name in ("gp", "specialist", "lab_imaging", "emergency")}
    contacts["day_case"] = _contact_tables(h.day_case)
    d = s.drugs
    drugs = (
        (d.base_at_50 * np.exp(d.age_slope * (AGES - 50))).astype(np.float32),
        per_mask(d.per_condition.model_dump()).astype(np.float32),
    )
    return CareTables(
        death_hazard=death.astype(np.float32),
        death_ratio=hazard_ratio_per_mask(m.hazard_ratio.model_dump()).astype(np.float32),
        prevalence=prevalence,
        onset=onset.astype(np.float32),
        onset_total=onset.sum(axis=0).astype(np.float32),
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
