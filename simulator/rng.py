"""Named common-random-number streams.

Every stochastic process draws from its own stream, keyed by the base seed, the process
name and the month, and indexed by patient slot. Both arms of a run read the same numbers,
so they see the same deaths, onsets and accidents unless the policy changes the odds.

The draws are counter-based: the uniform of (process, month, slot) is a hash of the slot
and the stream's key (`hashed_uniform`), so it is the same whichever arm, process or subset
of slots asks for it, and nothing is stored. The monthly kernel (`care.kernel`) computes
them in its loop from `MonthlyDraws.key`; `MonthlyDraws.at` gives them for chosen slots.
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

    def start(self, step: int) -> None:
        """Move to month `step`: the keys of its streams."""
        self.step = step

    def key(self, process: str) -> int:
        """The counter-based key of `process` this month: its draws are `hashed_uniform(key, slot)`."""
        return int(seed_sequence(self.seed, process, self.step).generate_state(1, np.uint64)[0])

    def at(self, process: str, slots: np.ndarray) -> np.ndarray:
        """Uniforms for the given slots only; equal across arms for equal (process, month, slot)."""
        return hashed_uniform(self.key(process), slots)
