"""Parameter sweeps: designs (grid, random, Latin hypercube, Sobol, Morris), executors (local, Dask, Slurm), analysis."""

from simulator.sweep.runner import SweepResult, run_sweep
from simulator.sweep.spec import SweepSpec, load_sweep

__all__ = ["SweepResult", "SweepSpec", "load_sweep", "run_sweep"]
