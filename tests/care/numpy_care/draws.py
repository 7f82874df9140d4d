"""The numpy implementation's draws: one PCG64 float32 array per process and month, and Poisson and binomial by inversion.

Kept for the statistical-equivalence test of the fused kernel (`simulator.care.kernel`).
"""

from __future__ import annotations

import numpy as np

from simulator.rng import MonthlyDraws, generator


class PcgDraws(MonthlyDraws):
    """`MonthlyDraws` with the whole-population PCG64 streams the numpy processes read."""

    def uniform(self, process: str) -> np.ndarray:
        """One float32 uniform per slot for `process` this month (cached for the other arm)."""
        if self.step != getattr(self, "_month", None):
            self._month, self._arrays = self.step, {}
        draws = self._arrays.get(process)
        if draws is None:
            draws = self._arrays[process] = generator(self.seed, process, self.step).random(self.capacity, dtype=np.float32)
        return draws

    def exponential(self, process: str) -> np.ndarray:
        """-ln of `uniform(process)`."""
        return -np.log(np.maximum(self.uniform(process), np.float32(1e-30)))


def poisson_sparse(u: np.ndarray, lam: np.ndarray, exponential: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Poisson counts by inversion of the uniform `u`, as (slots with a count > 0, their counts).

    Monotone in `lam` for a given `u` (a common-random-number coupling). A count is at
    least one when u >= exp(-lam), i.e. when lam >= -ln(u): pass `exponential = -ln(u)`
    once per month and the first pass is a single comparison; later terms of the
    cumulative distribution are evaluated only for the few slots still above it.
    """
    if exponential is None:
        exponential = -np.log(np.maximum(u, np.float32(1e-30)))
    slots = np.flatnonzero(lam >= exponential)
    return slots, poisson_counts(u[slots], lam[slots])


def poisson_scaled(u: np.ndarray, base: np.ndarray, threshold: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`poisson_sparse` for lam = base * scale, given threshold = -ln(u) / scale (shared by both arms, computed once)."""
    slots = np.flatnonzero(base >= threshold)
    return slots, poisson_counts(u[slots], base[slots] * scale[slots])


def poisson_counts(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Counts (at least one) of the slots whose uniform `u` is at or above exp(-lam): the rest of the inversion."""
    counts = np.ones(u.size, np.int32)
    lam_a = lam.astype(np.float64)
    u_a = u.astype(np.float64)
    p = np.exp(-lam_a) * lam_a
    cdf = np.exp(-lam_a) + p
    active = np.flatnonzero((u_a >= cdf) & (cdf < 1.0 - 1e-12))
    k = 1
    while active.size:
        k += 1
        counts[active] = k
        lam_k = lam_a[active]
        p_k = p[active] * lam_k / k
        cdf_k = cdf[active] + p_k
        # stop where the cdf has converged: float rounding could otherwise leave u ~ 1 above it
        keep = (u_a[active] >= cdf_k) & (cdf_k < 1.0 - 1e-12)
        active = active[keep]
        p[active], cdf[active] = p_k[keep], cdf_k[keep]
    return counts


def poisson_from_uniform(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Dense Poisson counts by inversion of `u` (see `poisson_sparse`)."""
    counts = np.zeros(u.shape, np.int32)
    slots, values = poisson_sparse(u, lam)
    counts[slots] = values
    return counts


def binomial_from_uniform(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(n, p) counts by inversion of `u` (small n): monotone in p for a given u, like `poisson_sparse`."""
    n = np.asarray(n, np.int64)
    p = np.clip(np.asarray(p, np.float64), 0.0, 1.0)
    q = 1.0 - p
    pmf = q ** n
    cdf = pmf.copy()
    k = np.zeros(n.shape, np.int64)
    active = np.flatnonzero((u >= cdf) & (k < n))
    while active.size:
        k[active] += 1
        kk = k[active]
        pmf[active] = np.where(q[active] > 0, pmf[active] * (n[active] - kk + 1) / kk * p[active] / np.maximum(q[active], 1e-300), 0.0)
        cdf[active] += pmf[active]
        done = (q[active] == 0) & (kk < n[active])  # p = 1: every contact
        k[active[done]] = n[active[done]]
        active = active[(u[active] >= cdf[active]) & (k[active] < n[active]) & (cdf[active] < 1.0 - 1e-12)]
    return k
