"""Named common-random-number streams.

Every stochastic process draws from its own stream, keyed by the base seed, the process
name and the month, and indexed by patient slot. Both arms of a run read the same numbers,
so they see the same deaths, onsets and accidents unless the policy changes the odds.

Two kinds of draw:
- `MonthlyDraws.uniform(process)`: one float32 per slot for the whole population (PCG64),
  generated once per month and shared by the arms;
- `MonthlyDraws.at(process, slots)`: a uniform for chosen slots only (a counter-based hash),
  for draws that only some patients need (length of stay, rehabilitation) and that must still
  agree between arms whichever subset each arm asks for.
"""

from __future__ import annotations

import zlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def process_key(name: str) -> int:
    """A stable integer for a process name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


def seed_sequence(seed: int, *keys: int | str) -> np.random.SeedSequence:
    """SeedSequence for `seed` and a path of keys (names are turned into stable integers)."""
    spawn = tuple(process_key(k) if isinstance(k, str) else int(k) for k in keys)
    return np.random.SeedSequence(entropy=int(seed), spawn_key=spawn)


def generator(seed: int, *keys: int | str) -> np.random.Generator:
    """A numpy Generator for one named stream."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, *keys)))


def derived_seed(seed: int, *keys: int | str) -> int:
    """An integer seed derived from `seed` and keys (e.g. a replication's seed)."""
    return int(seed_sequence(seed, *keys).generate_state(1, np.uint64)[0] >> np.uint64(1))


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def hashed_uniform(key: int, slots: np.ndarray) -> np.ndarray:
    """Uniform [0, 1) float64 for each slot, a pure function of (key, slot)."""
    x = slots.astype(np.uint64, copy=False) ^ np.uint64(key)
    return (_splitmix64(x) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


class MonthlyDraws:
    """The random numbers of one replication, month by month, for `capacity` patient slots."""

    def __init__(self, seed: int, capacity: int):
        self.seed = int(seed)
        self.capacity = int(capacity)
        self.step = -1
        self._cache: dict[str, np.ndarray] = {}

    def start(self, step: int) -> None:
        """Move to month `step`; forget the previous month's arrays."""
        if step != self.step:
            self.step = step
            self._cache.clear()

    def uniform(self, process: str) -> np.ndarray:
        """One float32 uniform per slot for `process` this month (cached for the other arm)."""
        draws = self._cache.get(process)
        if draws is None:
            draws = generator(self.seed, process, self.step).random(self.capacity, dtype=np.float32)
            self._cache[process] = draws
        return draws

    def exponential(self, process: str) -> np.ndarray:
        """-ln of `uniform(process)`: a unit exponential per slot, cached like the uniform."""
        key = f"{process}:exponential"
        draws = self._cache.get(key)
        if draws is None:
            draws = -np.log(np.maximum(self.uniform(process), np.float32(1e-30)))
            self._cache[key] = draws
        return draws

    def at(self, process: str, slots: np.ndarray) -> np.ndarray:
        """Uniforms for the given slots only; equal across arms for equal (process, month, slot)."""
        key = int(seed_sequence(self.seed, process, self.step).generate_state(1, np.uint64)[0])
        return hashed_uniform(key, slots)


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
