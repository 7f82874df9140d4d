"""The kernel's packed output unpacked by group, in slot order, the same in threads as in turn."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from simulator.care import unpack
from simulator.care.kernel import N_CODES


def _range(rng: np.random.Generator, first: int, last: int) -> tuple[np.ndarray, ...]:
    """One slot range's output as the kernel packs it: events by slot, then admissions."""
    slots = np.sort(rng.choice(np.arange(first, last), 300, replace=False))
    group = rng.integers(0, 2 * N_CODES, slots.size)
    volume = rng.integers(1, 5, slots.size)
    events = slots.astype(np.int64) | (volume.astype(np.int64) << 32) | (group.astype(np.int64) << 48)
    arm = rng.integers(0, 2, 40)
    ad_slots = np.sort(rng.choice(np.arange(first, last), 40, replace=False))
    admitted = ad_slots.astype(np.int64) | (np.int64(7) << 32) | (np.int64(1) << 42) | (arm.astype(np.int64) << 56)
    return np.bincount(group, minlength=2 * N_CODES), events, np.bincount(arm, minlength=2), admitted


def test_ranges_unpack_into_groups_with_slots_ascending_in_threads_as_in_turn():
    rng = np.random.default_rng(1)
    parts = [_range(rng, 0, 1000), _range(rng, 1000, 2000)]
    offsets, slot, volume = unpack.events(parts)
    with ThreadPoolExecutor(2) as pool:
        threaded = unpack.events(parts, pool)
        ad_threaded = unpack.admissions(parts, pool)
    for a, b in zip((offsets, slot, volume), threaded, strict=True):
        np.testing.assert_array_equal(a, b)
    for g in range(2 * N_CODES):
        group = slot[offsets[g] : offsets[g + 1]]
        assert (np.diff(group) > 0).all()
        expected = np.concatenate([p[1][(p[1] >> 48) == g] & 0xFFFFFFFF for p in parts])
        np.testing.assert_array_equal(group, expected)
    assert offsets[-1] == 600 and set(np.unique(volume)) <= {1, 2, 3, 4}
    ad_offsets, ad_slot, stays, *_, days = unpack.admissions(parts)
    np.testing.assert_array_equal(ad_offsets, ad_threaded[0])
    np.testing.assert_array_equal(ad_slot, ad_threaded[1])
    assert ad_offsets[-1] == 80 and (stays == 1).all() and (days == 7).all()
    for arm in range(2):
        assert (np.diff(ad_slot[ad_offsets[arm] : ad_offsets[arm + 1]]) > 0).all()
