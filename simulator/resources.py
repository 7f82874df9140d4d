"""Memory a run needs, estimated before anything is allocated, against the memory available."""

from __future__ import annotations

import os

from simulator.scenario import Problem, Scenario, ScenarioError

# both arms, all per-slot arrays, and a little per year of the horizon (the heap grows with the years' temporaries):
# measured on the national scenario (11.8 M patients, one process, 10 years) at 3,737 MiB with two threads
# (benchmarks/results/national_workers-2.json) and 3,590 MiB with one (national.json); the estimate is 4,559 MiB
BYTES_PER_PATIENT = 280
BYTES_PER_PATIENT_YEAR = 2
BYTES_PER_REFERENCE_PATIENT = 200  # one arm and the yearly cost tables
BYTES_PER_CELL = 2_000  # per-cell money, volumes and counters of both arms
BASE_BYTES = 400 * 2**20  # the interpreter and libraries


def available_bytes() -> int:
    """Memory the system can give now (MemAvailable), or the physical memory where that is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def estimated_bytes(scenario: Scenario, processes: int = 1) -> int:
    """Peak memory of a run of `scenario` with `processes` processes each holding one replication."""
    years = len(scenario.years)
    growth = 1 + (scenario.population.birth_rate + scenario.population.net_migration_rate) * years
    patients = scenario.simulated_size * growth
    practices = sum(t.gp_practices or max(1, t.inhabitants // scenario.providers.patients_per_gp_practice) for t in scenario.territories)
    hospitals = max(len(n.hospitals) for n in scenario.networks)
    cells = practices * hospitals * 2
    reference = scenario.reform.reference.size * (years + 1) if scenario.reform else 0
    per_process = (BYTES_PER_PATIENT + BYTES_PER_PATIENT_YEAR * years) * patients + BYTES_PER_REFERENCE_PATIENT * reference + BYTES_PER_CELL * cells + BASE_BYTES
    return int(per_process * max(1, processes))


def check_memory(scenario: Scenario, processes: int = 1) -> None:
    """Refuse, in one line, a run that would not fit in the memory available."""
    needed, free = estimated_bytes(scenario, processes), available_bytes()
    if needed > free:
        gib = 2**30
        raise ScenarioError(None, [Problem(
            "population.size", scenario.simulated_size,
            f"a run that fits in memory: about {needed / gib:.1f} GiB needed with {processes} process(es), "
            f"{free / gib:.1f} GiB available (lower population.size, use population.sample_fraction, or fewer --workers)")])
