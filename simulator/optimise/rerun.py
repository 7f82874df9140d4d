"""The command that reruns a chosen lever point exactly: the same scenario, overrides, seed, replications and draws.

Without uncertainties it is `simsim run BASE --set ... --seed S --replications R`: with
common random numbers these are the runs of the point in the sweep. With uncertainties the
point's runs are a PSA: `rerun.toml` (written beside the sweep's results) extends the base
scenario with the sweep's `[[uncertainties]]` and `[psa]` settings, so that
`simsim run rerun.toml --set ... --psa K` draws the same K scenarios on the same seeds.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

from simulator.psa.draws import literal
from simulator.sweep.design import uncertainty_seed
from simulator.sweep.spec import SweepSpec


def rerun_file(spec: SweepSpec, base: Path, folder: Path) -> str:
    """TOML text of `rerun.toml`: the base scenario with the sweep's uncertainties and its draws' design and seed."""
    lines = ["# Written by `simsim optimise`: the base scenario of the sweep with its uncertainties, so that",
             "# `simsim run` of this file with the printed --set, --seed, --replications and --psa reruns a lever",
             "# point on exactly the sweep's uncertainty scenarios and seeds.",
             f"extends = {json.dumps(os.path.relpath(base.resolve(), folder.resolve()))}", "",
             "[psa]", 'design = "latin"', f"seed = {uncertainty_seed(spec)}", "behaviour_ranges = false", ""]
    for u in spec.uncertainties:
        lines.append("[[uncertainties]]")
        for key, value in u.model_dump(exclude_defaults=True).items():
            lines.append(f"{key} = {literal(value)}")
        lines.append("")
    return "\n".join(lines)


def rerun_command(spec: SweepSpec, scenario: Path, levers: dict[str, Any]) -> str:
    """`simsim run` with every override of the point, its seed and replications (and the PSA size with uncertainties)."""
    sets = [*spec.sweep.set, *(f"{path}={literal(value)}" for path, value in levers.items())]
    parts = ["simsim", "run", str(scenario), *(f"--set {shlex.quote(a)}" for a in sets),
             f"--seed {spec.sweep.seed}", f"--replications {spec.sweep.replications}"]
    if spec.uncertainties:
        parts.append(f"--psa {spec.sweep.scenarios}")
    return " ".join(parts)
