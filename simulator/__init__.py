"""simsim: a scenario simulator for health-care financing reform.

`simulator.run_scenario(path_or_scenario)` runs both arms and returns the tables as
pandas DataFrames; `simulator.load_run(folder)` reads a run folder back the same way;
`simsim --help` lists the command-line tools.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["run_scenario", "load_run", "load_scenario", "__version__"]


def __getattr__(name: str) -> Any:
    """Import the heavy parts (numpy, pandas, mesa) only when they are used."""
    if name in ("run_scenario", "load_run"):
        from simulator import api

        return getattr(api, name)
    if name == "load_scenario":
        from simulator.scenario import load_scenario

        return load_scenario
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
