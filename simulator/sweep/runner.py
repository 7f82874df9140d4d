"""Running a sweep: the design table, one result file per run (atomic), resuming, a summary.

A run is complete exactly when `runs/run-<id>.parquet` is in place; files are written to a
temporary name and renamed, so an interrupted sweep (even by SIGKILL) leaves whole files
only. Rerunning the same command skips complete runs; a failing run is recorded with its
error and the sweep goes on.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.output import is_simsim_folder, write_atomically, write_table_atomically
from simulator.workers import TERMINATED, alive
from simulator.scenario.problems import Problem, ScenarioError
from simulator.sweep.design import design_table
from simulator.sweep.spec import Outcome, SweepSpec, fingerprint, load_sweep

RESULT_COLUMNS = ["run_id", "point", "scenario", "replication", "seed", "outcome", "value", "status", "error", "seconds"]


@dataclass
class SweepResult:
    """The design, the results (one row per run x outcome) and what happened this time."""

    spec: SweepSpec
    design: pd.DataFrame
    results: pd.DataFrame
    succeeded: int
    failed: int
    skipped: int
    folder: Path


def evaluate(base: dict[str, Any], assignments: list[str], outcomes: list[Outcome], run_id: int,
             running: str | None = None) -> dict[str, Any]:
    """Run one design point (in a worker); never raises: errors are returned with the run.

    With `running` (a folder), the worker leaves `run-<id>` there with its pid while it runs,
    so that a worker killed mid-run can be told from the runs merely waiting in its pool.
    """
    from simulator import workers

    marker = Path(running) / f"run-{run_id:06d}" if running else None
    if marker is not None:
        marker.write_text(str(os.getpid()), encoding="ascii")
        workers.current_marker = str(marker)
    try:
        return {"run_id": run_id, **_evaluate(base, assignments, outcomes)}
    finally:
        workers.current_marker = None
        if marker is not None:
            marker.unlink(missing_ok=True)


def _evaluate(base: dict[str, Any], assignments: list[str], outcomes: list[Outcome]) -> dict[str, Any]:
    from simulator.api import run_scenario
    from simulator.scenario.loading import resolve
    from simulator.sweep.outcomes import measure

    started = time.perf_counter()
    values: list[float | None] = [None] * len(outcomes)
    errors = [""] * len(outcomes)
    try:
        tables = run_scenario(resolve(base, assignments), workers=1, report=False, progress=False).tables
    except Exception as exc:  # noqa: BLE001 - any failure of a run is recorded, the sweep goes on
        errors = [_message(exc)] * len(outcomes)
    else:
        for i, outcome in enumerate(outcomes):
            try:
                values[i] = measure(tables, outcome)
            except Exception as exc:  # noqa: BLE001
                errors[i] = _message(exc)
    return {"values": values, "errors": errors, "seconds": time.perf_counter() - started}


def _message(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def run_file(folder: Path, run_id: int) -> Path:
    return folder / "runs" / f"run-{run_id:06d}.parquet"


def _rows(row: pd.Series, outcomes: list[Outcome], done: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({
        "run_id": int(row["run_id"]), "point": int(row["point"]), "scenario": int(row["scenario"]), "replication": int(row["replication"]),
        "seed": int(row["seed"]), "outcome": [o.name for o in outcomes],
        "value": [float("nan") if v is None else float(v) for v in done["values"]],
        "status": ["failed" if e else "ok" for e in done["errors"]], "error": done["errors"], "seconds": float(done["seconds"]),
    }, columns=RESULT_COLUMNS)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, default=str)
    write_atomically(folder / "manifest.json", lambda p: p.write_text(text, encoding="utf-8"))


def _execute(executor: Any, rows: list, base: dict[str, Any], spec: SweepSpec, folder: Path, running: Path, bar: Any,
             last: bool) -> tuple[int, int, list]:
    """Run `rows` on `executor`, writing each run's file; (succeeded, failed, rows to retry).

    A run whose worker process died (its marker names a pid that is gone) fails with that
    reason; the runs that were only waiting in the broken pool are returned for a retry,
    or, on the `last` attempt, recorded as failed.
    """
    from concurrent.futures.process import BrokenProcessPool

    outcomes = list(spec.outcomes)
    futures = {executor.submit(evaluate, base, json.loads(row.overrides), outcomes, int(row.run_id), str(running)): row for row in rows}
    succeeded = failed = 0
    retry = []
    for future in executor.as_completed(futures):
        row = futures[future]
        try:
            done = future.result()
        except BrokenProcessPool:
            marker = running / f"run-{int(row.run_id):06d}"
            note = marker.read_text(encoding="ascii").split() if marker.exists() else []
            lost = bool(note) and TERMINATED not in note and not alive(int(note[0]))  # died running it, not stopped by the pool
            if not lost and not last:
                retry.append(row)
                continue
            marker.unlink(missing_ok=True)
            reason = "its worker process was lost (killed, or out of memory)" if lost else "its worker pool broke twice"
            done = {"values": [None] * len(outcomes), "errors": [reason] * len(outcomes), "seconds": 0.0}
        except Exception as exc:  # noqa: BLE001 - a lost worker fails its run, not the sweep
            done = {"values": [None] * len(outcomes), "errors": [_message(exc)] * len(outcomes), "seconds": 0.0}
        result = _rows(pd.Series(row._asdict()), outcomes, done)
        write_atomically(run_file(folder, int(row.run_id)), lambda p, r=result: r.to_parquet(p, index=False))
        if (result["status"] == "failed").all():
            failed += 1
        else:
            succeeded += 1
        bar.update()
    return succeeded, failed, retry


def prepare_folder(folder: Path, fp: str, overwrite: bool) -> bool:
    """Create the sweep folder, or check it holds the same sweep; True when resuming."""
    manifest = folder / "manifest.json"
    if folder.exists() and overwrite:
        if not is_simsim_folder(folder):
            raise ScenarioError(None, [Problem("--out", str(folder), "a folder simsim wrote (it has simsim's manifest.json): "
                                               "--overwrite never replaces other folders")])
        shutil.rmtree(folder)
    if folder.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8"))["fingerprint"]
        except (OSError, ValueError, KeyError):
            raise ScenarioError(None, [Problem("--out", str(folder), "a new folder, a sweep folder to resume, or --overwrite")]) from None
        if previous != fp:
            raise ScenarioError(None, [Problem("--out", str(folder), "the folder of the same sweep (its file or base scenario changed), "
                                               "a new folder, or --overwrite")])
        return True
    (folder / "runs").mkdir(parents=True)
    return False


def read_results(folder: Path) -> pd.DataFrame:
    """Every complete run's rows, ordered by run id and outcome order."""
    files = sorted((folder / "runs").glob("run-*.parquet"))
    if not files:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def run_sweep(path: str | Path, out: str | Path | None = None, *, workers: int | None = None, scheduler: str | None = None,
              scheduler_file: str | None = None, overwrite: bool = False, retry_failed: bool = False,
              progress: bool = False) -> SweepResult:
    """Run (or resume) the sweep in `path`; returns its design and results as DataFrames."""
    from tqdm import tqdm

    from simulator.output import git_commit, sha256, versions
    from simulator.sweep.executors import make_executor

    spec, base = load_sweep(path)
    fp = fingerprint(spec, base)
    folder = Path(out) if out is not None else Path("sweeps") / spec.sweep.name
    resuming = prepare_folder(folder, fp, overwrite)
    design = design_table(spec)
    started = time.perf_counter()
    manifest = {"sweep": spec.model_dump(mode="json"), "sweep_file": str(path), "sweep_file_sha256": sha256(Path(path)),
                "base_scenario": base, "fingerprint": fp, "runs": len(design), "versions": versions(), "git_commit": git_commit(),
                "command": sys.argv, "platform": platform.platform()}
    _write_manifest(folder, manifest)
    write_table_atomically(folder, "design", design)

    complete = {int(f.stem.split("-")[1]) for f in (folder / "runs").glob("run-*.parquet")}
    if retry_failed and complete:
        failed_before = read_results(folder).query("status == 'failed'")["run_id"].unique()
        complete -= {int(r) for r in failed_before}
    pending = design[~design["run_id"].isin(complete)]
    skipped = len(design) - len(pending)
    succeeded = failed = 0
    executor, description = None, None
    running = folder / "running"
    running.mkdir(exist_ok=True)
    try:
        with tqdm(total=len(design), initial=skipped, unit="run", desc="sweep", disable=not progress) as bar:
            rows = list(pending.itertuples(index=False))
            for attempt in (1, 2):  # runs left waiting in a pool whose worker was lost are retried once
                if not rows:
                    break
                executor = make_executor(spec.executor, workers, scheduler, scheduler_file, shared=folder)
                description = executor.description
                ok, bad, rows = _execute(executor, rows, base, spec, folder, running, bar, last=attempt == 2)
                succeeded, failed = succeeded + ok, failed + bad
                executor.close()
                executor = None
    finally:
        if executor is not None:
            executor.close()
        shutil.rmtree(running, ignore_errors=True)
    results = read_results(folder)
    write_table_atomically(folder, "results", results)
    manifest.update(wall_seconds=round(time.perf_counter() - started, 3), executor=description,
                    resumed=resuming, this_time={"succeeded": succeeded, "failed": failed, "skipped": skipped},
                    complete_runs=int(results["run_id"].nunique()),
                    failed_runs=int(results.groupby("run_id")["status"].apply(lambda s: (s == "failed").all()).sum()) if len(results) else 0)
    _write_manifest(folder, manifest)
    return SweepResult(spec, design, results, succeeded, failed, skipped, folder)
