"""Calibration: fit scenario parameters to published figures by a bounded Nelder-Mead search.

Every evaluation is one run of the base scenario through the sweep engine's `evaluate`, with
the same seed (common random numbers), so the loss changes only with the parameters. The
loss is the weighted sum of squared relative errors of the base-year indicators (status-quo
arm, whole population). The result is a TOML file of the fitted values that scenarios can
`extends`, and a fit report: target vs model, relative error, a chart and the search trace.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError, model_validator

from simulator.csv_tables import write_csv
from simulator.scenario.fields import Section, listing, param
from simulator.scenario.loading import read_toml
from simulator.scenario.inputs import read_text
from simulator.scenario.problems import Problem, ScenarioError, from_validation_error


class FitParameter(Section):
    """A scenario value the search may move, within bounds."""

    path: str = param(..., "dotted path", "Scenario value to fit, as in --set, e.g. hospital.admission_rate_at_50")
    low: float = param(..., "same as the parameter", "Lower bound")
    high: float = param(..., "same as the parameter", "Upper bound")
    start: float | None = param(None, "same as the parameter",
                                "Starting value (none: the parameter's default in the schema, never an earlier fit; mid-range if outside the bounds)")

    @model_validator(mode="after")
    def _ordered(self) -> FitParameter:
        if not self.low < self.high:
            raise ValueError(f"allowed: low < high (got {self.low} and {self.high})")
        if self.start is not None and not self.low <= self.start <= self.high:
            raise ValueError("allowed: low <= start <= high")
        return self


class Calibration(Section):
    """The base scenario, the targets, the search budget."""

    name: str = param(..., "name", "Name (the default output folder is runs/calibration_<name>)", pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    scenario: str = param(..., "path", "Base scenario, relative to this file; its first year is fitted")
    set: list[str] = listing(list, "PATH=VALUE", "Overrides for every evaluation, e.g. ['population.size=100000']")
    targets: str = param("targets.csv", "path", "Targets CSV (indicator, value, weight, ...), relative to this file")
    max_evaluations: int = param(80, "runs", "Most model runs the search may use", ge=3)
    tolerance: float = param(1e-4, "loss", "Stop when the simplex's losses differ by less than this", gt=0)


class CalibrationSpec(Section):
    """A whole calibration file."""

    calibration: Calibration = param(..., "section", "The calibration")
    parameters: list[FitParameter] = listing(..., "list", "Parameters to fit", min_length=1)


@dataclass(frozen=True)
class Target:
    """One published figure, its weight in the loss, and a note (why it may not be reached)."""

    indicator: str
    value: float
    weight: float
    note: str = ""


def load_calibration(path: str | Path) -> tuple[CalibrationSpec, dict[str, Any], list[Target]]:
    """Read and validate a calibration file; return it, the base scenario's raw data and the targets."""
    path = Path(path)
    try:
        spec = CalibrationSpec.model_validate(read_toml(path))  # `extends` resolved; paths relative to this file
    except ValidationError as exc:
        raise ScenarioError(path, from_validation_error(exc, CalibrationSpec)) from None
    base = read_toml(path.parent / spec.calibration.scenario)
    return spec, base, read_targets(path.parent / spec.calibration.targets)


def read_targets(path: Path) -> list[Target]:
    """Every target (rows starting with # are comments); weight 0 ones are reported, not fitted."""
    text = read_text(path, "CSV file", "calibration.targets")
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    targets = [Target(r["indicator"], float(r["value"]), float(r["weight"]) if r.get("weight") not in (None, "") else 1.0,
                      r.get("note") or "") for r in rows]
    if not any(t.weight > 0 for t in targets):
        raise ScenarioError(None, [Problem("calibration.targets", str(path), "a CSV with at least one target of positive weight")])
    return targets


def _outcomes(targets: list[Target], year: int) -> list[Any]:
    from simulator.sweep.spec import Outcome

    return [Outcome(name=f"t{i}", of="indicator", indicator=t.indicator, arm="status_quo", year=year) for i, t in enumerate(targets)]


def model_values(base: dict[str, Any], assignments: list[str], targets: list[Target], year: int) -> np.ndarray:
    """The model's value of every target in `year` at these assignments (one run, via the sweep engine)."""
    from simulator.sweep.runner import evaluate

    done = evaluate(base, assignments, _outcomes(targets, year), 0)
    errors = [e for e in done["errors"] if e]
    if errors:
        raise RuntimeError(errors[0])
    return np.array(done["values"], dtype=float)


def loss(values: np.ndarray, targets: list[Target]) -> float:
    """Weighted sum of squared relative errors."""
    goal = np.array([t.value for t in targets])
    weight = np.array([t.weight for t in targets])
    return float((weight * ((values - goal) / goal) ** 2).sum())


@dataclass
class CalibrationResult:
    """Fitted values, the fit table (target vs model), the search trace, and where they were written."""

    values: dict[str, float]
    fit: pd.DataFrame
    trace: pd.DataFrame
    start: dict[str, float]
    folder: Path | None = None


def calibrate(path: str | Path, out: str | Path | None = None, progress: bool = False, overwrite: bool = False) -> CalibrationResult:
    """Run the search; write calibrated.toml, fit.csv, fit.png, trace.csv and manifest.json into `out`.

    An existing `out` is replaced only with `overwrite` (checked before the first run), so the
    shipped calibrated set changes only when asked for by name.
    """
    from scipy.optimize import minimize
    from tqdm import tqdm

    from simulator.output import check_writable

    spec, base, targets = load_calibration(path)
    if out is not None:
        check_writable(Path(out), overwrite)
    c, ps = spec.calibration, spec.parameters
    low, high = np.array([p.low for p in ps]), np.array([p.high for p in ps])
    from simulator.scenario.loading import resolve

    scenario = resolve(base, list(c.set))
    start = starting_point(base, list(c.set), ps)
    year = scenario.run.start_year
    trace: list[dict[str, Any]] = []
    started = time.perf_counter()
    bar = tqdm(total=c.max_evaluations, unit="run", desc="calibrating", disable=not progress)

    def assignments(u: np.ndarray) -> list[str]:
        x = low + np.clip(u, 0, 1) * (high - low)
        return [*c.set, *(f"{p.path}={float(v)!r}" for p, v in zip(ps, x))]

    def objective(u: np.ndarray) -> float:
        values = model_values(base, assignments(u), targets, year)
        value = loss(values, targets)
        trace.append({"evaluation": len(trace), "loss": value, **{p.path: float(low[j] + np.clip(u[j], 0, 1) * (high[j] - low[j])) for j, p in enumerate(ps)}})
        bar.update()
        return value

    u0 = (start - low) / (high - low)
    simplex = np.vstack([u0] + [u0 + np.where(np.arange(len(ps)) == j, 0.15 if u0[j] < 0.8 else -0.15, 0.0) for j in range(len(ps))])
    result = minimize(objective, u0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(ps),
                      options={"maxfev": c.max_evaluations, "initial_simplex": np.clip(simplex, 0, 1), "fatol": c.tolerance, "xatol": 1e-3})
    bar.close()
    best = low + np.clip(result.x, 0, 1) * (high - low)
    values = {p.path: float(v) for p, v in zip(ps, best)}
    model = model_values(base, assignments(result.x), targets, year)
    fit = pd.DataFrame({"indicator": [t.indicator for t in targets], "target": [t.value for t in targets], "model": model,
                        "relative_error": model / np.array([t.value for t in targets]) - 1, "weight": [t.weight for t in targets],
                        "note": [t.note for t in targets]})
    fit.insert(4, "within_10pct", fit["relative_error"].abs() <= 0.10)
    outcome = CalibrationResult(values, fit, pd.DataFrame(trace), {p.path: float(v) for p, v in zip(ps, start)})
    if out is not None:
        outcome.folder = _write(Path(out), Path(path), spec, outcome, result, time.perf_counter() - started, overwrite)
    return outcome


def starting_point(base: dict[str, Any], assignments: list[str], ps: list[FitParameter]) -> np.ndarray:
    """Where the search starts: each parameter's `start`, else its schema default.

    The base scenario's own value is not used: a scenario that extends an earlier calibration
    would otherwise start from the last result, and repeated calibrations would drift.
    """
    import copy

    from simulator.scenario.loading import resolve, value_at

    data = copy.deepcopy(base)
    for p in ps:
        _drop(data, p.path)
    defaults = resolve(data, assignments).model_dump(mode="python")
    start = []
    for p in ps:
        try:
            value = p.start if p.start is not None else float(value_at(defaults, p.path))
        except (KeyError, TypeError, ValueError):
            value = (p.low + p.high) / 2
        start.append(value if p.low <= value <= p.high else (p.low + p.high) / 2)
    return np.array(start)


def _drop(data: dict[str, Any], path: str) -> None:
    """Remove the value at a dotted path of raw scenario data, if there is one (a table path only)."""
    *tables, key = path.split(".")
    node: Any = data
    for part in tables:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(key, None)


def to_toml(values: dict[str, float], header: str) -> str:
    """Dotted paths and values as TOML tables (what a scenario can `extends`)."""
    tables: dict[str, dict[str, float]] = {}
    for path, value in values.items():
        table, _, key = path.rpartition(".")
        tables.setdefault(table, {})[key] = value
    lines = [f"# {line}" for line in header.splitlines()]
    for table, items in sorted(tables.items()):
        lines += ["", f"[{table}]"] if table else [""]
        lines += [f"{key} = {value!r}" for key, value in items.items()]
    return "\n".join(lines) + "\n"


def _write(folder: Path, source: Path, spec: CalibrationSpec, outcome: CalibrationResult, result: Any, seconds: float,
           overwrite: bool) -> Path:
    from simulator.output import atomic_folder, git_commit, versions

    with atomic_folder(folder, overwrite=overwrite) as tmp:
        header = (f"Calibrated by `simsim calibrate {source}` ({len(outcome.trace)} runs, loss {result.fun:.4g}).\n"
                  "Use it in a scenario with `extends = \"<this file>\"`, or copy the values.\n"
                  "The search started from each parameter's declared start or schema default (manifest.json: start).")
        (tmp / "calibrated.toml").write_text(to_toml(outcome.values, header), encoding="utf-8")
        write_csv(outcome.fit, tmp / "fit.csv", 6)
        write_csv(outcome.trace, tmp / "trace.csv", 8)
        _fit_chart(outcome.fit, tmp / "fit.png")
        manifest = {"calibration": spec.model_dump(mode="json"), "file": str(source), "values": outcome.values, "loss": float(result.fun),
                    "evaluations": len(outcome.trace), "start": outcome.start,
                    "message": str(result.message), "seconds": round(seconds, 1),
                    "versions": versions(), "git_commit": git_commit()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def _fit_chart(fit: pd.DataFrame, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.45 * len(fit) + 1.5))
    ax = fig.subplots()
    colours = ["#4C72B0" if abs(e) <= 0.1 else "#C44E52" for e in fit["relative_error"]]
    ax.barh(fit["indicator"], 100 * fit["relative_error"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    for edge in (-10, 10):
        ax.axvline(edge, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("model / target - 1 (%); dashed: +/- 10 %")
    ax.set_title("Base-year fit")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
