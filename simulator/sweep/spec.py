"""Sweep files: a base scenario, levers and uncertainties to vary, a design, outcomes to keep, an executor.

Levers are what a policy maker sets (a sharing rate, a minimum savings rate); uncertainties
are what nobody sets (how providers respond, coding drift, benchmark error), as in the EMA
Workbench. `simsim optimise` chooses levers only, robustly over the uncertainties.

Validated like scenario files (unknown keys are errors; every problem reported with its
dotted path, value and what is allowed).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError, model_validator

from simulator.scenario.uncertainty import Factor, Uncertainty

from simulator.scenario.fields import Section, listing, param
from simulator.scenario.loading import read_toml, resolve
from simulator.scenario.inputs import read_toml_file
from simulator.scenario.problems import ScenarioError, from_validation_error

Design = Literal["grid", "random", "latin", "sobol", "morris"]


class Outcome(Section):
    """One scalar kept per run, read from the run's tables."""

    name: str = param(..., "name", "Column name of the outcome in the results", pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    of: Literal["budget_impact", "indicator", "participation", "provider_revenue_change", "spending"] = param(
        ..., "kind", "budget_impact: a figure of the budget_impact table; indicator: an indicator; participation: share of "
        "providers participating; provider_revenue_change: reform vs status quo revenue of a provider kind, share; "
        "spending: sum of the annual table")
    figure: Literal["impact_eur", "cumulative_impact_eur", "npv_eur", "reform_eur", "status_quo_eur"] = param(
        "cumulative_impact_eur", "column", "budget_impact: which figure")
    payer: str = param("all_payers", "payer", "budget_impact and spending: payer (all_payers: every payer)")
    indicator: str | None = param(None, "indicator", "indicator: its name (see the indicators table)")
    arm: Literal["reform", "status_quo", "difference"] = param("reform", "arm", "indicator and spending: arm, or reform minus status quo")
    territory: str = param("all", "territory", "indicator: territory (all: the whole population)")
    patient_group: Literal["all", "bim", "non_bim"] = param("all", "group", "indicator: patient group")
    kind: str | None = param(None, "provider kind", "participation and provider_revenue_change: provider kind (participation: any if omitted)")
    category: str | None = param(None, "category", "spending: service category (all if omitted)")
    year: int | Literal["last", "all"] = param("last", "year", "Year to read (last: the scenario's last year; all: sum over years "
                                               "for money, mean for shares)")

    @model_validator(mode="after")
    def _complete(self) -> Outcome:
        if self.of == "indicator" and not self.indicator:
            raise ValueError("allowed: an `indicator` name with of = 'indicator'")
        if self.of == "provider_revenue_change" and not self.kind:
            raise ValueError("allowed: a provider `kind` with of = 'provider_revenue_change'")
        return self


class Slurm(Section):
    """A Slurm cluster through dask-jobqueue (`SLURMCluster`); each job runs `processes` Dask workers."""

    jobs: int = param(4, "jobs", "Slurm jobs to start", ge=1)
    cores: int = param(8, "cores per job", "Cores per job", ge=1)
    processes: int = param(8, "workers per job", "Dask worker processes per job (one run per worker at a time)", ge=1)
    memory: str = param("32GB", "size", "Memory per job, e.g. 32GB")
    walltime: str = param("02:00:00", "HH:MM:SS", "Time limit per job")
    queue: str | None = param(None, "partition", "Slurm partition (none: the cluster's default)")
    account: str | None = param(None, "account", "Slurm account to charge (none: your default)")
    job_extra_directives: list[str] = listing(list, "#SBATCH lines", "Extra directives, e.g. ['--qos=normal']")
    job_script_prologue: list[str] = listing(list, "shell lines", "Lines run before the worker starts, e.g. ['source .venv/bin/activate']")
    interface: str | None = param(None, "network interface", "Interface the workers listen on (e.g. ib0), if not the default")
    scheduler_interface: str | None = param(
        None, "network interface", "Interface the Dask scheduler binds to (e.g. ib0, or lo on one machine); default: the "
        "workers' `interface`, else the address of this host's name. Never all interfaces")
    tls: bool = param(True, "yes/no", "Encrypt and authenticate scheduler, worker and client traffic with temporary TLS "
                      "credentials (written to the sweep folder, which the jobs must see)")
    dashboard: bool = param(False, "yes/no", "Serve the Dask dashboard (port 8787 on the scheduler's interface)")
    worker_timeout_s: float = param(600.0, "seconds", "End the sweep with a clear message if no worker has joined by then "
                                    "(sbatch refused the jobs, they wait in the queue, or they fail at start)", gt=0, le=86_400)


class Executor(Section):
    """Where runs execute. Results do not depend on it: each run's seed is fixed by the design."""

    kind: Literal["local", "dask", "slurm"] = param("local", "kind", "local: processes on this machine; dask: an existing "
                                                    "Dask cluster (--scheduler / scheduler); slurm: start one with dask-jobqueue")
    workers: int = param(2, "processes", "local: processes on this machine", ge=1)
    scheduler: str | None = param(None, "address", "dask: scheduler address, e.g. tcp://10.0.0.5:8786")
    scheduler_file: str | None = param(None, "path", "dask: scheduler file written by `dask scheduler --scheduler-file`")
    slurm: Slurm = param(Slurm(), "section", "slurm: job settings")


class Sweep(Section):
    """What to run: the base scenario, fixed overrides, the design and its size, the seed."""

    name: str = param(..., "name", "Name of the sweep (the default output folder is sweeps/<name>)", pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    scenario: str = param(..., "path", "Base scenario file, relative to the sweep file")
    set: list[str] = listing(list, "PATH=VALUE", "Overrides applied to every run, e.g. ['population.size=20000']")
    design: Design = param("latin", "design", "grid: every combination of values; random: independent draws; latin: Latin "
                           "hypercube; sobol: Saltelli's scheme for Sobol indices; morris: elementary effects")
    samples: int = param(16, "points", "random/latin: lever points; sobol: base samples N over levers and uncertainties together "
                         "(runs = N x (factors + 2), a power of 2); morris: trajectories (runs = N x (factors + 1)); unused by grid", ge=1)
    scenarios: int = param(8, "draws", "grid/random/latin with [[uncertainties]]: uncertainty scenarios (a Latin hypercube), the same "
                           "for every lever point; the same draws as `simsim run --psa` of the lever point (see `simsim optimise`)",
                           ge=1, le=10_000)
    morris_levels: int = param(4, "levels", "morris: grid levels", ge=2)
    replications: int = param(1, "runs per point", "Replications of every design point, each its own run", ge=1)
    seed: int = param(20260101, "seed", "Sweep seed: design draws and every run's seed derive from it", ge=0, le=2**63 - 1)
    common_random_numbers: bool = param(True, "yes/no", "Replication r of every point and scenario uses the same seed (differences "
                                        "between points are then not blurred by noise); no: a seed per point and scenario")


class SweepSpec(Section):
    """A whole sweep file."""

    sweep: Sweep = param(..., "section", "The sweep")
    levers: list[Factor] = listing(list, "list", "Policy levers to vary: what a design chooses (`simsim optimise` returns these only)")
    uncertainties: list[Uncertainty] = listing(list, "list", "Uncertain inputs to vary: what a design must be robust to")
    outcomes: list[Outcome] = listing(..., "list", "Outcomes to keep per run", min_length=1)
    executor: Executor = param(Executor(), "section", "Where runs execute")

    @model_validator(mode="before")
    @classmethod
    def _no_parameters(cls, data: Any) -> Any:
        if isinstance(data, dict) and "parameters" in data:
            raise ValueError("allowed: [[levers]] (policy design: what optimise may choose) and [[uncertainties]] (uncertain "
                             "inputs: what a design must be robust to) instead of [[parameters]]")
        return data

    @model_validator(mode="after")
    def _unique(self) -> SweepSpec:
        if not self.factors:
            raise ValueError("allowed: at least one [[levers]] or [[uncertainties]] entry")
        for label, names in (("levers and uncertainties", [p.path for p in self.factors]), ("outcomes", [o.name for o in self.outcomes])):
            if len(set(names)) != len(names):
                raise ValueError(f"allowed: {label} named once each (repeated: {sorted({n for n in names if names.count(n) > 1})})")
        if self.sweep.design == "grid":
            ranged = [p.path for p in self.levers if p.values is None and p.distribution != "uniform"]
            if ranged:
                raise ValueError(f"allowed: grid levers given by values or low/high (not distributions): {', '.join(ranged)}")
        return self

    @property
    def factors(self) -> list[Factor]:
        """Levers, then uncertainties."""
        return [*self.levers, *self.uncertainties]

    @property
    def crossed(self) -> bool:
        """Lever points crossed with uncertainty scenarios (grid, random, latin); sobol and morris sample every factor together."""
        return self.sweep.design in ("grid", "random", "latin")


def load_sweep(path: str | Path) -> tuple[SweepSpec, dict[str, Any]]:
    """Read and validate a sweep file; also return the base scenario's raw data (extends resolved)."""
    path = Path(path)
    data = read_toml(path)  # `extends` resolved; relative paths are read from this file's folder
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, from_validation_error(exc, SweepSpec)) from None
    base = read_toml(path.parent / spec.sweep.scenario)
    resolve(base, spec.sweep.set, path.parent / spec.sweep.scenario)  # a wrong fixed `set` is refused before any run
    return spec, base


class ClusterFile(Section):
    """A file naming where `simsim run` sends its replications: an [executor] table as in sweep files."""

    executor: Executor = param(..., "section", "Where replications execute")


def load_executor(path: str | Path) -> Executor:
    """The [executor] table of a cluster file, validated."""
    path = Path(path)
    try:
        return ClusterFile.model_validate(read_toml_file(path, "cluster file")).executor
    except ValidationError as exc:
        raise ScenarioError(path, from_validation_error(exc, ClusterFile)) from None


def fingerprint(spec: SweepSpec, base: dict[str, Any]) -> str:
    """Hash of everything that determines the runs: resuming needs the same one."""
    text = json.dumps({"spec": spec.model_dump(mode="json", exclude={"executor"}), "base": base, "seeding": 2}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
