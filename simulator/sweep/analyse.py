"""Sensitivity of each outcome to the swept parameters: Sobol or Morris indices (SALib), and tornado charts.

Replications of a point are averaged first. Sobol indices need a `sobol` design, Morris
indices a `morris` design; for the other designs the table gives Spearman rank correlations.
The tornado chart shows, per parameter, the mean outcome over the runs in the lowest and the
highest third of that parameter's sampled values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.sweep.design import salib_problem, unit_sample
from simulator.sweep.spec import SweepSpec

INDEX_COLUMNS = ["outcome", "parameter", "method", "index", "value", "confidence"]


def load(folder: Path) -> tuple[SweepSpec, pd.DataFrame, pd.DataFrame]:
    """The spec, design and results of a sweep folder."""
    from simulator.output import read_folder_file

    manifest = read_folder_file(folder / "manifest.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
    spec = read_folder_file(folder / "manifest.json", lambda _: SweepSpec.model_validate(manifest["sweep"]))
    results = read_folder_file(folder / "results.parquet", pd.read_parquet)
    return spec, read_folder_file(folder / "design.parquet", pd.read_parquet), results


def point_means(design: pd.DataFrame, results: pd.DataFrame, outcome: str) -> pd.Series:
    """Mean over replications of one outcome, per design case (point and scenario, in design order; NaN where a run failed)."""
    values = results[results["outcome"] == outcome].set_index("run_id")["value"]
    by_run = design.set_index("run_id")[["point", "scenario"]].join(values.rename("value"))
    means = by_run.groupby(["point", "scenario"])["value"].agg(lambda v: v.mean() if v.notna().all() and len(v) else np.nan)
    return means.reindex(pd.MultiIndex.from_frame(design[["point", "scenario"]].drop_duplicates()))


def indices(spec: SweepSpec, design: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome x parameter x index."""
    problem = salib_problem(spec)
    rows = []
    for outcome in [o.name for o in spec.outcomes]:
        y = point_means(design, results, outcome).to_numpy(dtype=float)
        if np.isnan(y).any() or np.ptp(y) == 0:
            reason = "some runs failed" if np.isnan(y).any() else "the outcome does not vary"
            rows += [(outcome, p, "none", reason, np.nan, np.nan) for p in problem["names"]]
            continue
        if spec.sweep.design == "sobol":
            from SALib.analyze import sobol

            s = sobol.analyze(problem, y, calc_second_order=False, seed=1, print_to_console=False)
            for j, name in enumerate(problem["names"]):
                rows += [(outcome, name, "sobol", "S1", s["S1"][j], s["S1_conf"][j]), (outcome, name, "sobol", "ST", s["ST"][j], s["ST_conf"][j])]
        elif spec.sweep.design == "morris":
            from SALib.analyze import morris

            s = morris.analyze(problem, unit_sample(spec), y, num_levels=spec.sweep.morris_levels, seed=1, print_to_console=False)
            for j, name in enumerate(problem["names"]):
                rows += [(outcome, name, "morris", "mu_star", s["mu_star"][j], s["mu_star_conf"][j]),
                         (outcome, name, "morris", "sigma", s["sigma"][j], np.nan)]
        else:
            x = _numeric_design(spec, design)
            for name in problem["names"]:
                rho = pd.Series(y).corr(x[name], method="spearman") if name in x else np.nan
                rows.append((outcome, name, "spearman", "rho", rho, np.nan))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


SOBOL_MINIMUM = 64  # base samples below which Sobol indices are rarely stable (Saltelli et al. 2010 use N >= 500)
MORRIS_MINIMUM = 10  # trajectories: Campolongo, Cariboni & Saltelli (2007) advise 10 or more


def stability_warnings(spec: SweepSpec, table: pd.DataFrame) -> list[str]:
    """Why the indices may not be trusted: too few samples, impossible values, intervals as wide as the index."""
    s, out = spec.sweep, []
    if s.design == "sobol" and s.samples < SOBOL_MINIMUM:
        out.append(f"samples = {s.samples}: Sobol indices need many more base samples to be stable (at least {SOBOL_MINIMUM}, "
                   f"better 500 or more); read them as a rough ranking at most")
    if s.design == "morris" and s.samples < MORRIS_MINIMUM:
        out.append(f"samples = {s.samples}: Morris screening needs at least {MORRIS_MINIMUM} trajectories")
    sobol = table[table["method"] == "sobol"]
    for (outcome, parameter), g in sobol.groupby(["outcome", "parameter"], sort=False):
        v = dict(zip(g["index"], g["value"]))
        c = dict(zip(g["index"], g["confidence"]))
        problems = []
        if not -0.05 <= v.get("S1", 0) <= 1.05 or not -0.05 <= v.get("ST", 0) <= 1.05:
            problems.append("an index outside [0, 1]")
        if v.get("S1", 0) > v.get("ST", 0) + 0.05:
            problems.append("S1 > ST")
        if any(c.get(k, 0) > max(abs(v.get(k, 0)), 0.05) for k in ("S1", "ST")):
            problems.append("a confidence interval wider than the index")
        if problems:
            out.append(f"{outcome} / {parameter}: {', '.join(problems)}: not a stable estimate (more samples)")
    return out


def _numeric_design(spec: SweepSpec, design: pd.DataFrame) -> pd.DataFrame:
    """Factor values per design case, numeric columns only (booleans as 0/1)."""
    first = design.drop_duplicates(["point", "scenario"])
    out = {}
    for p in spec.factors:
        values = first[p.path]
        if values.map(lambda v: isinstance(v, (bool, int, float, np.number))).all():
            out[p.path] = values.astype(float).reset_index(drop=True)
    return pd.DataFrame(out)


def tornado(spec: SweepSpec, design: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Per outcome and parameter: mean outcome with the parameter in its lowest and highest third."""
    x = _numeric_design(spec, design)
    rows = []
    for outcome in [o.name for o in spec.outcomes]:
        y = point_means(design, results, outcome).reset_index(drop=True)
        for name in x:
            rank = x[name].rank(pct=True, method="average")
            low, high = y[rank <= 1 / 3 + 1e-9].mean(), y[rank > 2 / 3 - 1e-9].mean()
            rows.append((outcome, name, low, high, y.mean(), abs(high - low)))
    return pd.DataFrame(rows, columns=["outcome", "parameter", "low_third_mean", "high_third_mean", "overall_mean", "swing"])


def tornado_png(table: pd.DataFrame, outcome: str, path: Path) -> None:
    """Horizontal bars from the low-third to the high-third mean, widest swing on top."""
    import matplotlib.ticker
    from matplotlib.figure import Figure

    t = table[table["outcome"] == outcome].sort_values("swing")
    fig = Figure(figsize=(9, 0.45 * len(t) + 2.0), layout="constrained")
    ax = fig.subplots()
    centre = float(t["overall_mean"].iloc[0]) if len(t) else 0.0
    for i, r in enumerate(t.itertuples()):
        ax.barh(i, r.low_third_mean - centre, left=centre, color="#4C72B0", label="lowest third" if i == 0 else None)
        ax.barh(i, r.high_third_mean - centre, left=centre, color="#DD8452", label="highest third" if i == 0 else None)
    ax.axvline(centre, color="black", linewidth=0.8)
    from simulator.labels import label

    ax.set_yticks(range(len(t)), [label(p) for p in t["parameter"]], fontsize=10)
    ax.ticklabel_format(axis="x", style="plain", useOffset=False)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.3g}" if abs(v) < 1e3 else f"{v:,.0f}"))
    ax.set_xlabel(f"{label(outcome)} (mean over runs)")
    ax.set_title(f"Tornado: {label(outcome)}")
    fig.legend(loc="outside lower center", ncols=2, fontsize=10, frameon=False)  # below the axes: never over a bar
    fig.savefig(path, dpi=200, format="png")


def analyse_sweep(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write sensitivity.csv/.parquet, tornado.csv and tornado_<outcome>.png into the sweep folder; return both tables."""
    from simulator.csv_tables import write_csv
    from simulator.output import write_atomically, write_table_atomically

    folder = Path(folder)
    spec, design, results = load(folder)
    table, swings = indices(spec, design, results), tornado(spec, design, results)
    write_table_atomically(folder, "sensitivity", table, digits=6)
    write_atomically(folder / "tornado.csv", lambda p: write_csv(swings, p, 6))
    for outcome in swings["outcome"].unique():
        write_atomically(folder / f"tornado_{outcome}.png", lambda p, o=outcome: tornado_png(swings, o, p))
    return table, swings
