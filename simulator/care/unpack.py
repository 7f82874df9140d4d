"""The fused kernel's packed output unpacked, over its slot ranges, into columns grouped by arm and category.

Each slot range of `care.kernel.care_kernel` returns its events as int64 words (slot | volume << 32 |
group << 48, group = arm x N_CODES + code) with counts per group, and its admissions as words with
the arm in bits 56 and up. A counting sort across the ranges, taken in slot order, keeps slots
ascending within each group; each range unpacks into rows of its own, so ranges can unpack at
once in threads (the numba loops hold no lock).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

_JIT = {"nogil": True, "cache": True, "error_model": "numpy"}


def events(parts: list[tuple[np.ndarray, ...]], pool: ThreadPoolExecutor | None = None) -> tuple[np.ndarray, ...]:
    """Offsets [group + 1], slot and volume of every range's events."""
    return _gather(parts, 0, _event_columns, scatter_events, pool)


def admissions(parts: list[tuple[np.ndarray, ...]], pool: ThreadPoolExecutor | None = None) -> tuple[np.ndarray, ...]:
    """Offsets [arm + 1], slot, stays, avoidable, readmissions, reason and bed-days of every range's admissions."""
    return _gather(parts, 2, _admission_columns, scatter_admissions, pool)


def _event_columns(n: int) -> tuple[np.ndarray, ...]:
    """Slot and volume of n events."""
    return np.empty(n, np.int32), np.empty(n, np.int32)


def _admission_columns(n: int) -> tuple[np.ndarray, ...]:
    """Slot, stays, avoidable, readmissions, reason and bed-days of n admissions."""
    return (np.empty(n, np.int32), np.empty(n, np.int32), np.empty(n, bool), np.empty(n, np.int32), np.empty(n, np.int8),
            np.empty(n, np.int32))


def _gather(parts: list[tuple[np.ndarray, ...]], at: int, allocate, scatter, pool: ThreadPoolExecutor | None = None) -> tuple[np.ndarray, ...]:
    """Offsets and unpacked columns of the kernel's packed output over the slot ranges, in slot order.

    Each range starts its groups where the ranges before it end, so the ranges unpack into disjoint rows: in the
    threads of `pool` if given (the scatter holds no lock).
    """
    counts = [p[at] for p in parts]
    offsets = np.concatenate([[0], np.cumsum(sum(counts))])
    columns = allocate(int(offsets[-1]))
    cursors = [offsets[:-1] + sum(counts[:k]) for k in range(len(parts))]  # each range's first row of each group
    work = [(p[at + 1], cursor) for p, cursor in zip(parts, cursors, strict=True)]
    if pool is None:
        for packed, cursor in work:
            scatter(packed, cursor, *columns)
    else:
        list(pool.map(lambda w: scatter(w[0], w[1], *columns), work))
    return (offsets, *columns)


@numba.njit(**_JIT)
def scatter_events(events, at, slot, volume):
    """Unpack a slot range's events into their (arm, code) groups from the cursors `at` (advanced): a counting sort
    across ranges taken in slot order, so that slots stay ascending within each group."""
    for e in range(events.size):
        x = events[e]
        g = x >> 48
        slot[at[g]] = x & 0xFFFFFFFF
        volume[at[g]] = (x >> 32) & 0xFFFF
        at[g] += 1


@numba.njit(**_JIT)
def scatter_admissions(packed, at, slot, stays, avoidable, readmissions, reason, days):
    """Unpack a slot range's admissions into their arm's rows from the cursors `at` (advanced)."""
    for e in range(packed.size):
        x = packed[e]
        j = at[x >> 56]
        at[x >> 56] += 1
        slot[j], days[j], stays[j] = x & 0xFFFFFFFF, (x >> 32) & 0x3FF, (x >> 42) & 0x3
        avoidable[j], readmissions[j], reason[j] = (x >> 44) & 1, (x >> 45) & 0x7, (x >> 48) & 0xFF
