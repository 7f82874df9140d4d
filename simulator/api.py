"""`run_scenario`: the one entry point shared by the command line, sweeps and calibration."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.experiment import ARMS, replication_seed, simulate
from simulator.workers import process_pool, share_cores
from simulator.reference import ReferenceCosts
from simulator.resources import check_memory
from simulator.output import Commit, atomic_folder, base_manifest, check_writable, git_commit, write_manifest, write_tables
from simulator.results import combine, mark_totals
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

    def __repr__(self) -> str:
        s = self.scenario
        runs = f"{s.run.replications} replication{'s' if s.run.replications != 1 else ''}"
        if s.psa.draws:
            runs += f" x {s.psa.draws} PSA draws"
        shown = ", ".join(f"{name} ({len(t):,})" for name, t in self.tables.items())
        where = f", folder {self.folder}" if self.folder is not None else ""
        return f"<RunResult {s.run.name!r} {s.run.start_year}-{s.run.end_year}, {runs}{where}; tables (rows): {shown}>"

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.tables})


def load_run(folder: str | Path) -> RunResult:
    """A run folder read back: the same tables (Parquet), scenario and manifest as the run returned.

    A missing or damaged file is a one-line error naming it (`ScenarioError`).
    """
    import json

    from simulator.output import read_folder_file
    from simulator.scenario.problems import Problem, ScenarioError

    folder = Path(folder)
    manifest = read_folder_file(folder / "manifest.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
    if "scenario" not in manifest:
        raise ScenarioError(None, [Problem("(folder)", str(folder), "a run folder written by simsim run (its manifest has the scenario)")])
    names = manifest.get("tables") or sorted(p.stem for p in folder.glob("*.parquet"))
    tables = {name: read_folder_file(folder / f"{name}.parquet", pd.read_parquet) for name in names}
    scenario = Scenario.model_validate_json(json.dumps(manifest["scenario"]))
    return RunResult(scenario, tables, manifest, folder)


Job = tuple[Scenario, int, int]  # the scenario (a PSA draw's, or the run's), the replication number (its seed), the table label


def _simulate_one(args: tuple[Scenario, int, ReferenceCosts | None, tuple[str, ...], int]) -> dict[str, pd.DataFrame]:
    scenario, replication, reference, arms, label = args
    return simulate(scenario, replication, reference=reference, arms=arms, label=label)


def _simulate_on_worker(args: tuple[Scenario, int, ReferenceCosts | None, tuple[str, ...], int]) -> dict[str, pd.DataFrame]:
    """A replication as a Dask task: its kernel and arms use the worker's threads (its share of the node's cores, as
    `threads_per_worker` or a Slurm job's cores per process set it), not every core of the node."""
    from distributed import get_worker

    from simulator.care.month import threads_set

    try:
        threads = get_worker().state.nthreads
    except ValueError:  # not in a Dask worker (an executor of local processes)
        return _simulate_one(args)
    with threads_set(threads):
        return _simulate_one(args)


def run_jobs(scenario: Scenario) -> tuple[list[Job], pd.DataFrame | None]:
    """What to simulate: each replication, or with `psa.draws` each replication of each parameter draw (and the draws table).

    Replication r of every draw uses the seed of replication r (common random numbers
    across draws); the PSA numbers its runs draw x replications + r in the tables.
    """
    first, reps = scenario.run.first_replication, scenario.run.replications
    if not scenario.psa.draws:
        return [(scenario, first + r, first + r) for r in range(reps)], None
    from simulator.psa.runs import draw_scenarios, replication_draws

    scenarios, draws = draw_scenarios(scenario)
    seeds = [replication_seed(scenario, first + r) for r in range(reps)]
    return ([(s, first + r, d * reps + r) for d, s in enumerate(scenarios) for r in range(reps)],
            replication_draws(draws, reps, first, seeds))


def run_scenario(
    scenario: Scenario | str | Path,
    *,
    overrides: list[str] | tuple[str, ...] = (),
    source: str | Path | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    progress: bool | None = None,
    report: bool = True,
    cluster: Any = None,
    given: list[str] | tuple[str, ...] = (),
) -> RunResult:
    """Simulate both arms for every replication; write the run folder if `out` is given.

    `cluster` (the `[executor]` settings of a sweep file: a Dask scheduler, a LocalCluster or
    Slurm through dask-jobqueue) sends the replications there, one task each, instead of local
    processes; the tables are the same.

    With `psa.draws` = N, every replication runs for each of N parameter sets drawn from
    `[[uncertainties]]`; the tables then hold every run, `psa_draws` says which set each ran,
    and `psa_summary` and `psa_parameters` split the uncertainty (`simulator.psa`).

    `workers` is the number of cores the run may use: replications run in that many
    processes at most, and a process with cores to spare runs each month's care processes
    and its arms' work in threads (`workers.share_cores`). Results do not depend on it: each
    replication's seed derives from the scenario seed and the replication number only.

    `source` names the file a Scenario object was read from, for the manifest, and `given` the overrides already applied to it (recorded in the manifest and the
    report's title). With `out`, the folder also gets `report.html` unless `report` is False.
    `progress` shows a progress bar (None: when a person is watching, in a terminal or a notebook).
    """
    source = Path(source) if source is not None else None
    if not isinstance(scenario, Scenario):
        source = Path(scenario)
        scenario = load_scenario(source, overrides)
        given = list(overrides)
    elif overrides:
        raise ValueError("overrides apply to scenario files; use Scenario.model_copy(update=...) on objects")
    target = Path(out) if out is not None else None
    if target is not None:
        check_writable(target, overwrite)

    started = time.perf_counter()
    commit = Commit(git_commit())  # before the populations exist: forking git from a process of several GB copies its page tables
    jobs, draws = run_jobs(scenario)
    n_workers = workers or scenario.run.workers
    processes, threads = share_cores(n_workers, len(jobs))
    check_memory(scenario, processes)  # each process holds a replication's population
    progress = watched() if progress is None else progress
    parts = _run_on_cluster(jobs, cluster, target) if cluster is not None else _run_replications(jobs, processes, threads, progress)
    tables = combine(parts, scenario)
    if draws is not None:
        from simulator.psa.summary import psa_indicators, psa_parameters, psa_summary

        tables["psa_draws"] = draws
        tables["psa_summary"] = psa_summary(tables["budget_impact"], draws, scenario.budget.interval)
        tables["psa_parameters"] = psa_parameters(tables["budget_impact"], draws)
        tables["psa_indicators"] = psa_indicators(tables["indicators"], draws, scenario.budget.interval)
    tables = mark_totals(tables)
    first = scenario.run.first_replication
    seeds = [replication_seed(scenario, first + r) for r in range(scenario.run.replications)]
    manifest = base_manifest(scenario.model_dump(mode="json"), source, seeds, time.perf_counter() - started, commit)
    manifest["workers"] = n_workers
    if cluster is None:
        manifest["processes"], manifest["threads_per_process"] = processes, threads
    manifest["overrides"] = list(given)
    manifest["tables"] = list(tables)
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


def _run_on_cluster(jobs: list[Job], settings: Any, target: Path | None) -> list[dict[str, pd.DataFrame]]:
    """Replications as tasks on a Dask or Slurm cluster (`simulator.sweep.executors`), gathered in order."""
    from simulator.sweep.executors import make_executor

    shared = target.absolute().parent / f".{target.name}.cluster" if target is not None else Path.cwd() / ".simsim-cluster"
    executor = make_executor(settings, shared=shared)
    try:
        futures = {executor.submit(_simulate_on_worker, (s, r, None, ARMS, label)): i for i, (s, r, label) in enumerate(jobs)}
        done = {futures[f]: f.result() for f in executor.as_completed(futures)}
    finally:
        executor.close()
        import shutil

        shutil.rmtree(shared, ignore_errors=True)
    return [done[i] for i in range(len(jobs))]


def watched() -> bool:
    """Whether someone sees the progress: standard error is a terminal, or this runs in a Jupyter kernel."""
    import sys

    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _run_replications(jobs: list[Job], processes: int, threads: int, progress: bool) -> list[dict[str, pd.DataFrame]]:
    """Replications in order, in this process or in a pool of processes, each using `threads` threads (progress bars
    as widgets in notebooks)."""
    from tqdm.auto import tqdm

    from simulator.care.month import threads_set

    if processes <= 1:
        months = sum(12 * len(s.years) for s, _, _ in jobs)
        with tqdm(total=months, unit="month", desc="simulating", disable=not progress, leave=False) as bar, threads_set(threads):
            return [simulate(s, r, on_month=bar.update, label=label) for s, r, label in jobs]
    tasks = [(s, r, None, ARMS, label) for s, r, label in jobs]
    with process_pool(processes, threads) as pool, tqdm(total=len(tasks), unit="job", desc="simulating", disable=not progress,
                                                        leave=False) as bar:
        done: list[dict[str, pd.DataFrame]] = []
        for part in pool.map(_simulate_one, tasks):
            done.append(part)
            bar.update()
    return done
