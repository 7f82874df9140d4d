"""`simsim sweep` (run, analyse, discover) and `simsim optimise`: many runs, and what to make of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from simulator.cli_common import reports_bad_input


class _DefaultRun(click.Group):
    """`simsim sweep FILE` means `simsim sweep run FILE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultRun)
def sweep() -> None:
    """Parameter sweeps: `simsim sweep FILE` runs (or resumes) one; `analyse` and `discover` read its folder.

    \b
    A sweep file names a base scenario, the policy [[levers]] and the [[uncertainties]] to vary
    (dotted paths as in --set; lists, ranges or distributions), a design (grid, random, latin:
    lever points crossed with uncertainty scenarios; sobol, morris: every factor together),
    the replications and the outcomes to keep; see scenarios/sweeps/shared_savings.toml.
      simsim sweep scenarios/sweeps/shared_savings.toml --workers 2
      simsim sweep scenarios/sweeps/shared_savings.toml --scheduler tcp://10.0.0.5:8786
      simsim sweep analyse sweeps/shared_savings_design
      simsim sweep discover sweeps/shared_savings_design --outcome cumulative_impact_eur
    \b
    Options of `simsim sweep [run] FILE`:
      --out FOLDER           sweep folder (default: sweeps/<sweep.name>)
      --workers N            local processes (or LocalCluster workers)
      --scheduler ADDRESS    an existing Dask cluster, e.g. tcp://10.0.0.5:8786
      --scheduler-file FILE  the Dask cluster described by this file
      --overwrite            discard the folder's runs and start again
      --retry-failed         when resuming, run the failed runs again too
      --quiet                no progress bar
    """


@sweep.command("run")
@click.argument("sweep_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Sweep folder (default: sweeps/<sweep.name>).")
@click.option("--workers", type=click.IntRange(min=1, max=256), help="Local processes (or LocalCluster workers), overriding [executor] workers.")
@click.option("--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--scheduler-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run on the Dask cluster described by this file (dask scheduler --scheduler-file).")
@click.option("--overwrite", is_flag=True, help="Discard the folder's runs and start again.")
@click.option("--retry-failed", is_flag=True, help="When resuming, run the failed runs again too.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@reports_bad_input
def sweep_run(sweep_file: Path, out: Path | None, workers: int | None, scheduler: str | None, scheduler_file: Path | None,
              overwrite: bool, retry_failed: bool, quiet: bool) -> None:
    """Run every point of SWEEP_FILE's design; resume if its folder already holds some runs.

    \b
    The folder holds design.parquet/csv (one row per run: parameters, seed, and the --set
    assignments that rerun it alone with `simsim run`), runs/run-<id>.parquet (one row per
    outcome, written atomically: a run is complete only when its file is there),
    results.parquet/csv (all runs) and manifest.json. Interrupt at any time and run the
    same command again: complete runs are skipped. A failing run is recorded with its
    error and the sweep goes on.
    """
    from simulator.sweep import run_sweep
    from simulator.sweep.executors import ClusterError

    try:
        result = run_sweep(sweep_file, out, workers=workers, scheduler=scheduler, scheduler_file=str(scheduler_file) if scheduler_file else None,
                           overwrite=overwrite, retry_failed=retry_failed, progress=not quiet and sys.stderr.isatty())
    except ClusterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    failures = result.results[result.results["status"] == "failed"].drop_duplicates("run_id")
    for row in failures.head(5).itertuples():
        click.echo(f"failed: run {row.run_id}: {row.error}", err=True)
    click.echo(f"{result.spec.sweep.name}: {len(result.design)} runs; this time {result.succeeded} succeeded, {result.failed} failed, "
               f"{result.skipped} skipped (already complete). Results in {result.folder}/results.parquet")
    if len(failures):
        sys.exit(1)  # some runs failed (bad input is 2, all succeeded 0)


@sweep.command("analyse")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@reports_bad_input
def sweep_analyse(folder: Path) -> None:
    """Sensitivity indices per outcome (Sobol for sobol designs, Morris for morris, rank correlations otherwise) and tornado charts.

    Prints each index with its 95 % confidence interval, and warns when the samples are too
    few for stable indices (or the indices are impossible: S1 > ST, outside [0, 1]).
    """
    from simulator.scenario import Problem, ScenarioError
    from simulator.sweep.analyse import analyse_sweep, load, stability_warnings

    if not (folder / "results.parquet").exists():
        raise ScenarioError(None, [Problem("FOLDER", str(folder), "a sweep folder (simsim sweep wrote results.parquet there)")])
    table, _ = analyse_sweep(folder)
    shown = table.assign(value=[f"{v:.3f}" + (f" ± {c:.3f}" if c == c else "") if v == v else "n/a"
                                for v, c in zip(table["value"], table["confidence"])])
    shown = shown.pivot_table(index=["outcome", "parameter"], columns="index", values="value", aggfunc="first", sort=False).reset_index()
    shown.columns.name = None
    click.echo(shown.to_string(index=False))
    click.echo("(± : 95 % confidence interval, by bootstrap)")
    for warning in stability_warnings(load(folder)[0], table):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"\nWrote {folder}/sensitivity.csv, tornado.csv and tornado_<outcome>.png")


@sweep.command("discover")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--outcome", required=True, help="Outcome of the sweep to explain, e.g. cumulative_impact_eur.")
@click.option("--threshold", type=float, default=0.0, show_default=True, help="Cases of interest: the outcome above this value.")
@click.option("--below", is_flag=True, help="Cases of interest: the outcome below the threshold instead.")
@click.option("--point", type=click.IntRange(min=0), help="One lever point (a design): explain its outcome by the uncertainties only.")
@click.option("--density", type=click.FloatRange(0.05, 1.0), default=0.8, show_default=True,
              help="Keep, of each peeling trajectory, the box with the most coverage among those at least this dense.")
@click.option("--boxes", type=click.IntRange(1, 10), default=2, show_default=True, help="Boxes to find, one after the other.")
@reports_bad_input
def sweep_discover(folder: Path, outcome: str, threshold: float, below: bool, point: int | None, density: float, boxes: int) -> None:
    """Scenario discovery (PRIM): where in the sweep's inputs the outcome is above the threshold.

    \b
    With a budget-impact outcome and the default threshold 0: the regions where the design
    costs the payer money. Each box has its coverage (share of those cases inside it),
    density (share of the cases inside it that cost money) and its limits on the inputs it
    restricts. Writes discovery_<outcome>.csv and discovery_<outcome>_trajectory.csv.
      simsim sweep discover sweeps/shared_savings_design --outcome cumulative_impact_eur
      simsim sweep discover sweeps/shared_savings_design --outcome cumulative_impact_eur --point 3
    """
    from simulator.scenario import Problem, ScenarioError
    from simulator.sweep.discover import discover, write_discovery

    if not (folder / "results.parquet").exists():
        raise ScenarioError(None, [Problem("FOLDER", str(folder), "a sweep folder (simsim sweep wrote results.parquet there)")])
    try:
        found = discover(folder, outcome, threshold, not below, point, density, boxes)
    except ValueError as exc:
        raise ScenarioError(None, [Problem("--outcome/--point", outcome if point is None else point, str(exc))]) from None
    side = "<" if below else ">"
    click.echo(f"{found.of_interest} of {found.cases} cases have {outcome} {side} {threshold:g}")
    if found.boxes.empty:
        click.echo("No box: " + ("every case is of interest" if found.of_interest == found.cases else "no case is of interest"))
    for b, rows in found.boxes.groupby("box"):
        r = rows.iloc[0]
        click.echo(f"\nBox {b + 1}: coverage {r.coverage:.0%}, density {r.density:.0%}, mass {r.mass:.0%} "
                   f"({int(r.cases_of_interest)} of {int(r.cases)} cases inside are of interest)")
        for row in rows.itertuples():
            if row.parameter != "(none)":
                click.echo(f"  {row.low:.4g} <= {row.parameter} <= {row.high:.4g}   (swept {row.full_low:.4g} to {row.full_high:.4g})")
    paths = write_discovery(folder, outcome, found)
    click.echo("\nWrote " + " and ".join(str(p) for p in paths))


@click.command()
@click.argument("sweep_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--maximise", "maximise", metavar="OUTCOME", help="Outcome to make as large as possible.")
@click.option("--minimise", "minimise", metavar="OUTCOME", help="Outcome to make as small as possible.")
@click.option("--bound", "bounds", multiple=True, metavar="OUTCOME<=X|OUTCOME>=X",
              help="Constraint on an outcome (repeatable), e.g. --bound 'cumulative_impact_eur<=0' --bound 'gp_revenue_change>=-0.05'.")
@click.option("--statistic", type=click.Choice(["mean", "worst", "regret"]), default="mean", show_default=True,
              help="Robustness over the uncertainty scenarios: the mean; the least favourable scenario for each bound and the "
                   "objective; or the smallest maximum regret (shortfall from the best point of each scenario; bounds in the worst case).")
@reports_bad_input
def optimise(sweep_folder: Path, maximise: str | None, minimise: str | None, bounds: tuple[str, ...], statistic: str) -> None:
    """Choose the levers of a sweep's best payment design, robust over its uncertainties (mixed-integer selection, HiGHS).

    \b
    Only [[levers]] are chosen; [[uncertainties]] are what the design must withstand. The
    outcomes are those the sweep kept. For example, the sharing rate and minimum savings rate
    that avoid the most admissions while the reform costs nothing in the worst scenario:
      simsim optimise sweeps/shared_savings_design --minimise avoidable_admissions_change \\
          --bound 'cumulative_impact_eur<=0' --statistic worst
    Writes selection.csv (every lever point: outcomes, feasible, chosen) into the sweep folder
    and prints the `simsim run` command that reruns the chosen point exactly (seed included;
    with uncertainties, a PSA over the same scenarios, from rerun.toml).
    """
    from simulator.optimise import OptimisationError
    from simulator.optimise.rerun import rerun_command, rerun_file
    from simulator.optimise.selection import Bound, select
    from simulator.scenario import Problem, ScenarioError
    from simulator.output import write_atomically
    from simulator.sweep.analyse import load

    if not (sweep_folder / "results.parquet").exists():
        raise ScenarioError(None, [Problem("SWEEP_FOLDER", str(sweep_folder), "a sweep folder (simsim sweep wrote results.parquet there)")])
    if bool(maximise) == bool(minimise):
        raise ScenarioError(None, [Problem("--maximise/--minimise", maximise or minimise, "exactly one of the two, naming an outcome")])
    parsed = []
    for text in bounds:
        try:
            parsed.append(Bound.parse(text))
        except ValueError as exc:
            raise ScenarioError(None, [Problem("--bound", text, str(exc).split(": ", 1)[1])]) from None
    spec, design, results = load(sweep_folder)
    if not spec.levers:
        raise OptimisationError("levers", "the sweep has no [[levers]]: nothing to choose (its uncertainties are not a design)")
    if spec.uncertainties and not spec.crossed:
        raise OptimisationError("design", f"a {spec.sweep.design} design samples levers and uncertainties together; choose among "
                                "levers with a grid, random or latin sweep, where every lever point meets the same uncertainty scenarios")
    objective = maximise or minimise
    levers = [p.path for p in spec.levers]
    choice = select(design, results, objective, "maximise" if maximise else "minimise", tuple(parsed), statistic, levers)
    table = choice.table
    write_atomically(sweep_folder / "selection.csv", lambda p: table.to_csv(p, index=False))  # full precision: the rerun matches it
    best = table[table["chosen"]].iloc[0]
    left_out = int((~table["complete"]).sum())
    scenarios = int(design["scenario"].nunique()) if "scenario" in design else 1
    robust = f"over {scenarios} uncertainty scenarios ({statistic})" if scenarios > 1 else f"over replications ({statistic})"
    click.echo(f"Chosen: lever point {choice.point} of {len(table)} ({int(table['feasible'].sum())} meet every bound"
               + (f"; {left_out} left out for failed runs" if left_out else "") + f"), {robust}")
    shown = [c for c in table.columns if c not in ("overrides", "complete", "feasible", "chosen", "point")]
    for column in shown:
        click.echo(f"  {column} = {best[column]}")
    ranked = table[table["feasible"]].sort_values(choice.objective, ascending=choice.sense == "minimise").head(5)
    click.echo("\nBest feasible points:\n" + ranked[["point", *shown]].to_string(index=False))
    manifest = json.loads((sweep_folder / "manifest.json").read_text(encoding="utf-8"))
    base = Path(manifest["sweep_file"]).parent / spec.sweep.scenario
    scenario = base
    if spec.uncertainties:
        scenario = sweep_folder / "rerun.toml"
        text = rerun_file(spec, base, sweep_folder)
        write_atomically(scenario, lambda p: p.write_text(text, encoding="utf-8"))
    click.echo("\nRerun it: " + rerun_command(spec, scenario, {p: best[p] for p in levers}))
    if not spec.sweep.common_random_numbers:
        click.echo("note: the sweep ran without common random numbers (a seed per point), so the rerun draws other noise")
    click.echo(f"Wrote {sweep_folder}/selection.csv" + (f" and {scenario}" if spec.uncertainties else ""))
