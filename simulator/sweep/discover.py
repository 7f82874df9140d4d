"""Scenario discovery: the regions of a sweep's inputs where an outcome is bad (PRIM, from the EMA Workbench).

A case is a design point in one uncertainty scenario, its outcome averaged over
replications. The cases of interest are those where the outcome is above (or below) a
threshold: for a budget impact above 0, where the design costs the payer money. PRIM
(Friedman & Fisher 1999) peels the input space into boxes; each box is reported with its
coverage (the share of all cases of interest inside it), density (the share of cases
inside it that are of interest), mass (the share of all cases inside it) and its limits
on the inputs it restricts. Of each peeling trajectory, the box kept is the one with the
largest coverage among those with at least the asked density (else the densest).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.sweep.analyse import load, point_means

BOX_COLUMNS = ["box", "coverage", "density", "mass", "cases", "cases_of_interest", "parameter", "low", "high", "full_low", "full_high"]


@dataclass(frozen=True)
class Discovery:
    """The boxes (one row per box and restricted input) and the peeling trajectories."""

    boxes: pd.DataFrame
    trajectories: pd.DataFrame
    cases: int
    of_interest: int


def cases(spec, design: pd.DataFrame, results: pd.DataFrame, outcome: str, point: int | None) -> tuple[pd.DataFrame, pd.Series]:
    """Inputs (numeric factors; uncertainties only for one lever point) and the outcome per case."""
    y = point_means(design, results, outcome)
    first = design.drop_duplicates(["point", "scenario"]).set_index(["point", "scenario"])
    factors = spec.uncertainties if point is not None else spec.factors
    x = pd.DataFrame({f.path: pd.to_numeric(first[f.path], errors="coerce") for f in factors}, index=first.index)
    x = x.loc[:, x.notna().all() & (x.nunique() > 1)]
    keep = y.notna().to_numpy()
    if point is not None:
        keep &= (first.index.get_level_values("point") == point)
    return x[keep].reset_index(drop=True), y[keep].reset_index(drop=True)


def discover(folder: str | Path, outcome: str, threshold: float = 0.0, above: bool = True, point: int | None = None,
             density: float = 0.8, boxes: int = 2, peel_alpha: float = 0.05, mass_min: float = 0.05) -> Discovery:
    """PRIM boxes where `outcome` is above (or below) `threshold`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parallel back-ends at import
        from ema_workbench.analysis import prim

    spec, design, results = load(Path(folder))
    known = [o.name for o in spec.outcomes]
    if outcome not in known:
        raise ValueError(f"outcome {outcome!r} is not in the sweep; it has {', '.join(known)}")
    if point is not None and point not in set(design["point"]):
        raise ValueError(f"point {point} is not in the sweep (points 0-{int(design['point'].max())})")
    x, y = cases(spec, design, results, outcome, point)
    if x.shape[1] == 0:
        raise ValueError("no input varies over the cases (with --point: the sweep has no [[uncertainties]])")
    interest = (y > threshold if above else y < threshold).to_numpy()
    rows, paths = [], []
    if interest.any() and not interest.all():
        finder = prim.Prim(x, interest, threshold=min(density, 0.999), peel_alpha=peel_alpha, mass_min=mass_min)
        full = finder.box_init
        for b in range(boxes):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                box = finder.find_box()
            if box is None:
                break
            path = box.peeling_trajectory.assign(box=b)
            paths.append(path)
            dense = path[path["density"] >= density]
            i = int(dense["coverage"].idxmax()) if len(dense) else int(path["density"].idxmax())
            box.select(i)
            stats = path.loc[i]
            limits = box.box_lims[i]
            restricted = [c for c in x.columns if not np.isclose(limits.loc[0, c], full.loc[0, c]) or not np.isclose(limits.loc[1, c], full.loc[1, c])]
            for c in restricted or [None]:
                rows.append({"box": b, "coverage": float(stats["coverage"]), "density": float(stats["density"]), "mass": float(stats["mass"]),
                             "cases": int(stats["n"]), "cases_of_interest": int(stats["k"]), "parameter": c or "(none)",
                             "low": float(limits.loc[0, c]) if c else np.nan, "high": float(limits.loc[1, c]) if c else np.nan,
                             "full_low": float(full.loc[0, c]) if c else np.nan, "full_high": float(full.loc[1, c]) if c else np.nan})
    trajectories = pd.concat(paths, ignore_index=True) if paths else pd.DataFrame(columns=["box", "coverage", "density", "mass", "n", "k"])
    return Discovery(pd.DataFrame(rows, columns=BOX_COLUMNS), trajectories, len(y), int(interest.sum()))


def write_discovery(folder: Path, outcome: str, found: Discovery) -> list[Path]:
    """discovery_<outcome>.csv (the boxes) and discovery_<outcome>_trajectory.csv, written atomically."""
    from simulator.output import write_atomically

    paths = [folder / f"discovery_{outcome}.csv", folder / f"discovery_{outcome}_trajectory.csv"]
    write_atomically(paths[0], lambda p: found.boxes.to_csv(p, index=False, float_format="%.6g"))
    write_atomically(paths[1], lambda p: found.trajectories.to_csv(p, index=False, float_format="%.6g"))
    return paths
