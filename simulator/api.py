"""`run_scenario`: the one entry point shared by the command line, sweeps and calibration."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.experiment import ARMS, replication_seed, simulate
from simulator.workers import process_pool
from simulator.reference import ReferenceCosts
from simulator.resources import check_memory
from simulator.output import atomic_folder, base_manifest, check_writable, write_manifest, write_tables
from simulator.results import combine, concatenate
from simulator.scenario import Scenario, load_scenario


@dataclass
class RunResult:
    """The tables of a run (pandas DataFrames), its scenario and manifest, and its folder if written.

    Each table is also an attribute: `annual`, `activity`, `indicators`, `providers`,
    `budget_impact`, `budget_summary`, `budget_impact_detail`, `settlements`, `decisions`,
    `shadow_statements`, `participation`, `reinvestment`, `rates` (see the README for their columns).
    """

    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables") or {}
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table or attribute {name!r}; tables: {', '.join(tables)}")


def _simulate_one(args: tuple[Scenario, int, ReferenceCosts | None, tuple[str, ...]]) -> dict[str, pd.DataFrame]:
    scenario, replication, reference, arms = args
    return simulate(scenario, replication, reference=reference, arms=arms)


def run_scenario(
    scenario: Scenario | str | Path,
    *,
    overrides: list[str] | tuple[str, ...] = (),
    source: str | Path | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: bool = False,
    report: bool = True,
    cluster: Any = None,
) -> RunResult:
    """Simulate both arms for every replication; write the run folder if `out` is given.

    `cluster` (the `[executor]` settings of a sweep file: a Dask scheduler, a LocalCluster or
    Slurm through dask-jobqueue) sends the replications there, one task each, instead of local
    processes; the tables are the same.

    Results do not depend on `workers`: each replication's seed derives from the scenario
    seed and the replication number only. `source` names the file a Scenario object was
    read from, for the manifest. With `out`, the folder also gets `report.html` unless `report` is False.
    """
    source = Path(source) if source is not None else None
    if not isinstance(scenario, Scenario):
        source = Path(scenario)
        scenario = load_scenario(source, overrides)
    elif overrides:
        raise ValueError("overrides apply to scenario files; use Scenario.model_copy(update=...) on objects")
    target = Path(out) if out is not None else None
    if target is not None:
        check_writable(target, overwrite)

    started = time.perf_counter()
    reps = scenario.run.replications
    n_workers = min(workers or scenario.run.workers, 2 * reps)  # at most one process per arm
    check_memory(scenario, min(n_workers, reps) if n_workers > 1 else 1)
    parts = _run_on_cluster(scenario, reps, cluster, target) if cluster is not None else _run_replications(scenario, reps, n_workers, progress)
    tables = combine(parts, scenario)
    seeds = [replication_seed(scenario, r) for r in range(reps)]
    manifest = base_manifest(scenario.model_dump(mode="json"), source, seeds, time.perf_counter() - started)
    manifest["workers"] = n_workers
    if cluster is not None:
        manifest["cluster"] = cluster.model_dump(mode="json")
    result = RunResult(scenario, tables, manifest)
    if target is not None:
        with atomic_folder(target, overwrite) as folder:
            write_tables(folder, tables)
            if report:
                from simulator.report import render_run

                (folder / "report.html").write_text(render_run(tables, manifest), encoding="utf-8")
            write_manifest(folder, manifest)
        result.folder = target
    return result


def _run_on_cluster(scenario: Scenario, reps: int, settings: Any, target: Path | None) -> list[dict[str, pd.DataFrame]]:
    """Replications as tasks on a Dask or Slurm cluster (`simulator.sweep.executors`), gathered in order."""
    from simulator.sweep.executors import make_executor

    shared = target.absolute().parent / f".{target.name}.cluster" if target is not None else Path.cwd() / ".simsim-cluster"
    executor = make_executor(settings, shared=shared)
    try:
        futures = {executor.submit(_simulate_one, (scenario, r, None, ARMS)): r for r in range(reps)}
        done = {futures[f]: f.result() for f in executor.as_completed(futures)}
    finally:
        executor.close()
        import shutil

        shutil.rmtree(shared, ignore_errors=True)
    return [done[r] for r in range(reps)]


def _run_replications(scenario: Scenario, reps: int, workers: int, progress: bool) -> list[dict[str, pd.DataFrame]]:
    """Replications in order, in this process or in a pool of processes."""
    months = 12 * len(scenario.years)
    from tqdm import tqdm

    if workers <= 1:
        with tqdm(total=reps * months, unit="month", desc="simulating", disable=not progress, leave=False) as bar:
            return [simulate(scenario, r, on_month=bar.update) for r in range(reps)]
    # with more processes than replications, each replication's arms run apart (same draws, same tables)
    jobs = [(r, (arm,)) for r in range(reps) for arm in ARMS] if workers > reps else [(r, ARMS) for r in range(reps)]
    with process_pool(min(workers, len(jobs))) as pool, tqdm(
        total=len(jobs), unit="job", desc="simulating", disable=not progress, leave=False
    ) as bar:
        done = []
        for part in pool.map(_simulate_one, [(scenario, r, None, arms) for r, arms in jobs]):
            done.append(part)
            bar.update()
    if workers > reps:
        return [concatenate(done[2 * r:2 * r + 2]) for r in range(reps)]
    return done
