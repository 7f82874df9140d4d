"""The stationary status quo: what a population that has always lived under today's rates looks like.

Frailty is fixed for life and raises the death hazard, so the frail die first. A population
drawn with the same frailty at every age, as if no one had died yet, thins out year by year
and its hospital use and deaths fall with no policy change. This module follows one birth
cohort per stratum (region x sex x BIM) from age 0 to 110 under the model's own monthly
rules, on a grid of frailty bins x condition masks, and returns:

- `states`: the joint distribution of frailty bin and conditions at each age, from which the
  initial population and immigrants are drawn (entrants carry the distribution of their age);
- `death_norm`, `admission_norm`, `stay_norm`: the mean individual multipliers among the
  living at each age, so that the age-specific rates are the tables' (Statbel's for deaths);
- `avoidable_norm`: the mean admission frailty of those at risk of an avoidable stay (weighted
  by their conditions' rates), so that each condition brings its stated avoidable rate however
  conditions cluster in the frail;
- `onset`: monthly onset rates that keep each condition's prevalence on its curve at every
  age, given that people with conditions die sooner.

All four are computed once per run from the scenario, identical in both arms, so the status
quo holds still unless a trend is declared.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import ndtri

from simulator.categories import REGIONS

N_BINS = 16  # equal-probability bins of the lognormal frailty
DRAW_BLOCK = 1 << 18  # people per block of `draw_states`
_SUB = 64  # points per bin for the bin means
MAX_ONSET_PROBABILITY = 0.95
MAX_PREVALENCE = 0.95
N_STRATA = len(REGIONS) * 2 * 2


def stratum(region: np.ndarray, sex: np.ndarray, bim: np.ndarray) -> np.ndarray:
    """Stratum index per patient: (region * 2 + sex) * 2 + BIM (uint8)."""
    return ((region.astype(np.uint8) * 2 + sex) * 2 + bim).astype(np.uint8)


def frailty_quantile(u: np.ndarray, sigma: float) -> np.ndarray:
    """Lognormal frailty with mean one and log-sd sigma at probability u."""
    return np.exp(-sigma * sigma / 2 + sigma * ndtri(u)) if sigma > 0 else np.ones_like(u)


def power_mean_one(frailty: np.ndarray, exponent: float, sigma: float) -> np.ndarray:
    """frailty ** exponent rescaled to mean one over the unselected lognormal."""
    return frailty.astype(np.float64) ** exponent / np.exp(exponent * (exponent - 1) * sigma * sigma / 2)


@dataclass(frozen=True)
class Equilibrium:
    """Stationary cohort quantities by stratum and age (see the module docstring)."""

    states: np.ndarray  # float32 [stratum, age, bin * 128 + mask] halfway through each year of age, rows sum to one
    death_norm: np.ndarray  # float32 [stratum, age]
    admission_norm: np.ndarray  # float32 [stratum, age]
    stay_norm: np.ndarray  # float32 [stratum, age]
    avoidable_norm: np.ndarray  # float32 [stratum, age]
    onset: np.ndarray  # float32 [stratum, condition, age] monthly probability per unit condition multiplier


def bin_means(sigma: float, exponents: dict[str, float], admission_cap: float) -> dict[str, np.ndarray]:
    """Mean of each frailty transform within each of the N_BINS equal-probability bins."""
    u = (np.arange(N_BINS * _SUB) + 0.5) / (N_BINS * _SUB)
    frailty = frailty_quantile(u, sigma)
    out = {name: power_mean_one(frailty, e, sigma).reshape(N_BINS, _SUB).mean(axis=1) for name, e in exponents.items()}
    if "admission" in out:
        capped = np.minimum(power_mean_one(frailty, exponents["admission"], sigma), admission_cap)
        out["admission"] = capped.reshape(N_BINS, _SUB).mean(axis=1)
    return out


def social_factor(bim_prevalence_ratio: float, bim_share: np.ndarray) -> np.ndarray:
    """[stratum] social gradient of condition onset and prevalence (mean one within a region)."""
    factor = np.zeros(N_STRATA)
    for r in range(len(REGIONS)):
        for sex in range(2):
            for bim in range(2):
                s = (r * 2 + sex) * 2 + bim
                factor[s] = (bim_prevalence_ratio if bim else 1.0) / (1 + bim_share[r] * (bim_prevalence_ratio - 1))
    return factor


_SOLVED: dict[str, Equilibrium] = {}


def solve(death_probability: np.ndarray, death_ratio: np.ndarray, prevalence: np.ndarray, social: np.ndarray,
          frailty: dict[str, np.ndarray], avoidable: np.ndarray) -> Equilibrium:
    """`follow_cohort`, remembered for the inputs last seen (runs, replications and sweeps share it)."""
    digest = hashlib.sha256()
    for array in (death_probability, death_ratio, prevalence, social, avoidable, *(frailty[k] for k in sorted(frailty))):
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    key = digest.hexdigest()
    if key not in _SOLVED:
        if len(_SOLVED) >= 8:
            _SOLVED.pop(next(iter(_SOLVED)))
        _SOLVED[key] = follow_cohort(death_probability, death_ratio, prevalence, social, frailty, avoidable)
    return _SOLVED[key]


def follow_cohort(death_probability: np.ndarray, death_ratio: np.ndarray, prevalence: np.ndarray, social: np.ndarray,
                  frailty: dict[str, np.ndarray], avoidable: np.ndarray) -> Equilibrium:
    """Follow a cohort per stratum from birth, month by month, under the model's death and onset rules.

    `death_probability` [region, sex, age] is monthly; `death_ratio` [mask]; `prevalence`
    [condition, age] the curves; `social` [stratum]; `frailty` the bin means of the death,
    condition, admission and stay transforms; `avoidable` [mask] the avoidable admission rates. Each year of age is run twice: the first pass
    measures the person-month mean multiplier (the norm) and how far the onset rates miss
    their target; the second runs with that norm and corrected rates, and is kept.
    """
    n_cond, n_age = prevalence.shape
    masks = np.arange(1 << n_cond)
    without = [masks[(masks >> i) & 1 == 0] for i in range(n_cond)]
    mass = np.zeros((N_STRATA, N_BINS, masks.size))
    mass[:, :, 0] = 1.0 / N_BINS
    multiplier = frailty["death"][:, None] * death_ratio[None, :]  # [bin, mask]
    cond = frailty["condition"][None, :] * social[:, None]  # [stratum, bin]
    q = np.repeat(death_probability.reshape(-1, n_age), 2, axis=0)  # [stratum, age]
    states = np.zeros((N_STRATA, n_age, N_BINS * masks.size), np.float32)
    norms = {name: np.ones((N_STRATA, n_age)) for name in ("death", "admission", "stay", "avoidable")}
    onset = np.zeros((N_STRATA, n_cond, n_age))
    for a in range(n_age):
        target = np.minimum(prevalence[:, min(a + 1, n_age - 1)][:, None] * social[None, :], MAX_PREVALENCE)  # [cond, stratum]
        start = _prevalence(mass, without)
        total = mass.sum(axis=(1, 2))
        norm = (mass * multiplier).sum(axis=(1, 2)) / total
        lacking = np.stack([(mass[:, :, w].sum(axis=2) * cond).sum(axis=1) for w in without]) / total  # [cond, stratum]
        per_rate = np.maximum(12 * lacking, 1e-300)  # prevalence gained per unit of monthly rate, to first order
        rate = np.maximum(target - start, 0) / per_rate
        for final in (False, True):
            year, lived = _year(mass, q[:, a], norm, rate, cond, multiplier, without)
            norm = (lived * multiplier).sum(axis=(1, 2)) / lived.sum(axis=(1, 2))  # the mean among those drawn at age a
            if final:
                break
            # Newton step on the first-order slope: also makes up for the excess deaths of the ill
            rate = np.maximum(rate + (target - _prevalence(year, without)) / per_rate, 0)
        by_bin = lived.sum(axis=2)
        norms["death"][:, a] = norm
        for name in ("admission", "stay"):
            norms[name][:, a] = (by_bin * frailty[name]).sum(axis=1) / by_bin.sum(axis=1)
        at_risk = (lived * avoidable[None, None, :]).sum(axis=2)  # [stratum, bin]
        norms["avoidable"][:, a] = np.where(at_risk.sum(axis=1) > 0, (at_risk * frailty["admission"]).sum(axis=1)
                                            / np.maximum(at_risk.sum(axis=1), 1e-300), norms["admission"][:, a])
        onset[:, :, a] = rate.T if a + 1 < n_age else 0.0
        states[:, a] = (lived / lived.sum(axis=(1, 2), keepdims=True)).reshape(N_STRATA, -1)
        mass = year
    return Equilibrium(
        states=states,
        death_norm=norms["death"].astype(np.float32),
        admission_norm=norms["admission"].astype(np.float32),
        stay_norm=norms["stay"].astype(np.float32),
        avoidable_norm=norms["avoidable"].astype(np.float32),
        onset=onset.astype(np.float32),
    )


def _prevalence(mass: np.ndarray, without: list[np.ndarray]) -> np.ndarray:
    """[condition, stratum] share of the living with each condition."""
    total = mass.sum(axis=(1, 2))
    return np.stack([1 - mass[:, :, w].sum(axis=(1, 2)) / total for w in without])


def _year(mass: np.ndarray, q: np.ndarray, norm: np.ndarray, rate: np.ndarray, cond: np.ndarray,
          multiplier: np.ndarray, without: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Twelve months of deaths then onsets (the model's order); (mass at the end, mean mass over the months)."""
    survive = 1 - np.minimum(q[:, None, None] * multiplier / norm[:, None, None], 1.0)
    onset = np.minimum(rate.T[:, :, None] * cond[:, None, :], MAX_ONSET_PROBABILITY)  # [stratum, cond, bin]
    active = np.array([i for i in range(len(without)) if onset[:, i].any()], np.int64)
    mass = mass.copy()
    lived = np.zeros_like(mass)
    _months(mass, lived, survive, np.ascontiguousarray(onset), active)
    return mass, lived / 12


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _months(mass: np.ndarray, lived: np.ndarray, survive: np.ndarray, onset: np.ndarray, active: np.ndarray) -> None:
    """Twelve months on mass [stratum, bin, mask] in place: each month, `lived` += mass, deaths, then onsets condition by
    condition in the order of `active` (the mass lacking a condition moves to the mask with it)."""
    n_strata, n_bins, n_masks = mass.shape
    for _ in range(12):
        for s in range(n_strata):
            for b in range(n_bins):
                for m in range(n_masks):
                    lived[s, b, m] += mass[s, b, m]
                    mass[s, b, m] *= survive[s, b, m]
                for i in active:
                    bit = 1 << i
                    o = onset[s, i, b]
                    for m in range(n_masks):
                        if not m & bit:
                            moved = mass[s, b, m] * o
                            mass[s, b, m] -= moved
                            mass[s, b, m | bit] += moved


def draw_states(eq: Equilibrium, strata: np.ndarray, ages: np.ndarray, u: np.ndarray, v: np.ndarray,
                sigma: float, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(frailty float32, condition mask uint8) for people of these strata and ages, from uniforms u and v.

    People are drawn a block at a time (`DRAW_BLOCK`), in `threads` threads: each person's state
    depends only on their own stratum, age and uniforms, so the blocks give the same values as
    one pass, without its float64 temporaries of everyone (about 1 GB at national scale).
    """
    n_age, width = eq.states.shape[1], eq.states.shape[2]
    cdf = np.cumsum(eq.states.reshape(-1, width), axis=1, dtype=np.float64)
    cdf /= np.maximum(cdf[:, -1:], 1e-300)
    flat = (cdf + np.arange(cdf.shape[0])[:, None]).ravel()
    frailty, mask = np.empty(strata.size, np.float32), np.empty(strata.size, np.uint8)

    def block(lo: int) -> None:
        hi = min(strata.size, lo + DRAW_BLOCK)
        row = strata[lo:hi].astype(np.int64) * n_age + ages[lo:hi].astype(np.int64)
        index = np.clip(_search_rows(flat, width, row, row + np.minimum(u[lo:hi], 1 - 1e-12)), 0, width - 1)
        frailty_bin, mask[lo:hi] = np.divmod(index, width // N_BINS)
        frailty[lo:hi] = frailty_quantile((frailty_bin + v[lo:hi]) / N_BINS, sigma)

    starts = range(0, strata.size, DRAW_BLOCK)
    if threads > 1 and len(starts) > 1:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(block, starts))
    else:
        for lo in starts:
            block(lo)
    return frailty, mask


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _search_rows(flat: np.ndarray, width: int, row: np.ndarray, x: np.ndarray) -> np.ndarray:
    """`np.searchsorted(flat, x, side="right") - row * width`, searching only row `row[k]` of `flat` for `x[k]`.

    Row r of `flat` holds r + its cdf, so x in [r, r + 1) falls in row r: the same index as a search of
    the whole array, without its cache misses."""
    out = np.empty(row.size, np.int64)
    for k in range(row.size):
        lo = row[k] * width
        hi = lo + width
        first = lo
        while lo < hi:  # first position whose value exceeds x[k]
            mid = (lo + hi) >> 1
            if flat[mid] > x[k]:
                hi = mid
            else:
                lo = mid + 1
        out[k] = lo - first
    return out
