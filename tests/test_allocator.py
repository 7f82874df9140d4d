"""Large arrays reuse freed memory once a run has set the allocator: no fresh page per 4 KiB each month."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from tests.conftest import ROOT

COUNT_FAULTS = """
import resource, sys
import numpy as np
from simulator.allocator import reuse_freed_memory

def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        a = np.ones(2**24, np.float32)  # 64 MiB, freed at once: a month's temporary
        del a
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults()  # warm up
default = faults()
applied = reuse_freed_memory()
faults()  # the heap grows once
print(default, applied, faults())
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_freed_large_arrays_are_reused_without_page_faults():
    done = subprocess.run([sys.executable, "-c", COUNT_FAULTS], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "NUMPY_MADVISE_HUGEPAGE": "0", "PATH": "/usr/bin:/bin"})
    default, applied, after = done.stdout.split()
    assert applied == "True"
    assert int(default) > 10 * 2**24 * 4 // 4096 * 0.9  # each array's pages fresh from the kernel: about 16,000 faults each
    assert int(after) < 500  # the same heap pages again
