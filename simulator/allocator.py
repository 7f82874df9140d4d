"""The C allocator's settings for a run: large arrays reuse freed memory instead of fresh pages.

Each month allocates and frees arrays of tens to hundreds of MB (the kernel's event lists,
per-patient temporaries). By default glibc serves every block above 32 MiB with fresh pages
from the operating system and gives them back on free, so a month pays one page fault per
4 KiB it touches: at full national scale about 2 million faults a year, a fifth of the run's
time. Served from the heap (one arena, also for the kernel's threads) and the heap never
trimmed, the same pages are reused month after month. Results do not depend on it.
"""

from __future__ import annotations

import ctypes
import functools
import platform

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 2**30  # blocks below 1 GiB come from the heap
TRIM_THRESHOLD = 2**31 - 1  # up to 2 GiB free at the heap's top is kept (the largest value mallopt takes)


@functools.cache
def reuse_freed_memory() -> bool:
    """Apply the settings once per process; False (and nothing changed) where the C library is not glibc."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return all(mallopt(param, value) == 1 for param, value in ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
                                                                (M_ARENA_MAX, 1)))
