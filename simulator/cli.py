"""The `simsim` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from simulator import __version__

EXIT_BAD_INPUT = 2


def reports_bad_input(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn scenario, output and optimisation problems into plain lines on stderr and exit status 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from simulator.optimise import OptimisationError
        from simulator.scenario import ScenarioError

        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem.line(exc.file)}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OptimisationError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper


overrides_option = click.option(
    "--set", "overrides", multiple=True, metavar="PATH=VALUE",
    help="Override one scenario value, e.g. --set run.seed=7 --set territories[0].bim_share=0.3 (repeatable).",
)


class OneLineErrors(click.Group):
    """A command group whose usage errors are one plain line on stderr (exit status 2), like every other bad input."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - click's entry point
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path.partition(" ")[2] if exc.ctx else ""
            hint = f" (see 'simsim {command} --help')" if command else " (see 'simsim --help')"
            click.echo(f"error: {exc.format_message()}{hint}".replace("\n", " "), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="simsim")
def main() -> None:
    """simsim: simulate health-care financing reforms against the status quo.

    A scenario is a TOML file (see scenarios/pilot_zone.toml, commented line by line).
    Every run simulates two arms on the same synthetic population with common random
    numbers, the reform and the status quo, and reports the budget impact.

    \b
    Start with:
      simsim validate scenarios/pilot_zone.toml
      simsim run scenarios/pilot_zone.toml --out runs/pilot
      simsim schema > scenario.schema.json
      simsim sweep scenarios/sweeps/shared_savings.toml
      simsim calibrate calibration/belgium.toml
    """


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Run folder to write (default: runs/<run.name>).")
@overrides_option
@click.option("--seed", type=int, help="Shortcut for --set run.seed=N.")
@click.option("--replications", type=click.IntRange(min=1), help="Shortcut for --set run.replications=N.")
@click.option("--workers", type=click.IntRange(min=1, max=256), help="Parallel processes for replications (results do not depend on it).")
@click.option("--cluster", "cluster_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Send replications to a cluster: a TOML file with an [executor] table as in sweep files "
                   "(kind = 'dask' with a scheduler, or 'slurm'). Trust it: it names hosts and shell lines to run.")
@click.option("--overwrite", is_flag=True, help="Replace the run folder if it exists (only a folder simsim wrote).")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--no-report", is_flag=True, help="Skip report.html (tables and manifest only).")
@reports_bad_input
def run(scenario: Path, out: Path | None, overrides: tuple[str, ...], seed: int | None, replications: int | None,
        workers: int | None, cluster_file: Path | None, overwrite: bool, quiet: bool, no_report: bool) -> None:
    """Run SCENARIO in both arms and write tables, summary and manifest.

    \b
    The run folder holds, as Parquet and CSV:
      annual         money by arm, year, payer, category, territory, patient group
      activity       volumes by arm, year, category, territory, patient group
      indicators     rates by arm, year, territory, patient group (numerator, denominator)
      providers      revenue per provider and year, by payer
      budget_impact  reform minus status quo by year and payer
    plus settlements, decisions, shadow_statements, participation, reinvestment, rates, budget_summary
    and budget_impact_detail; report.html (charts, self-contained: open it in any browser);
    and manifest.json (resolved scenario, seeds, versions, commit, checksums, wall time).
    The folder appears only once complete.
    """
    from simulator.api import run_scenario
    from simulator.scenario import load_scenario
    from simulator.summary import render

    extra = [f"run.seed={seed}"] * (seed is not None) + [f"run.replications={replications}"] * (replications is not None)
    loaded = load_scenario(scenario, list(overrides) + extra)
    target = out or Path("runs") / loaded.run.name
    from simulator.sweep.executors import ClusterError
    from simulator.sweep.spec import load_executor

    cluster = load_executor(cluster_file) if cluster_file else None
    try:
        result = run_scenario(loaded, source=scenario, out=target, overwrite=overwrite, report=not no_report,
                              workers=workers, progress=not quiet and sys.stderr.isatty(), cluster=cluster)
    except ClusterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(render(result.tables, f"{loaded.run.name}: {loaded.reform.label} vs status quo, "
                                         f"{loaded.run.start_year}-{loaded.run.end_year}, "
                                         f"{loaded.run.replications} replication(s)"))
        click.echo(f"\nWrote {target}/ in {result.manifest['wall_time_seconds']:.1f} s")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@overrides_option
@reports_bad_input
def validate(scenario: Path, overrides: tuple[str, ...]) -> None:
    """Check SCENARIO without running it; print what it describes.

    Problems are listed one per line as FILE: PATH: value; allowed: ...,
    with exit status 2.
    """
    from simulator.scenario import load_scenario

    s = load_scenario(scenario, overrides)
    click.echo(
        f"{scenario}: valid. {len(s.territories)} territories, {s.inhabitants:,} inhabitants, "
        f"{s.simulated_size:,} simulated patients, {s.run.start_year}-{s.run.end_year}, "
        f"{s.run.replications} replication(s)"
    )


@main.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of standard output.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of scenario files (defaults, units, descriptions, ranges; sources and marks of behaviour).

    Point your editor's TOML extension at it to get completion and checks.
    """
    from simulator.scenario import Scenario
    from simulator.scenario.sources import annotate

    text = json.dumps(annotate(Scenario.model_json_schema()), indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _is_run_folder(path: Path) -> bool:
    return path.is_dir() and (path / "manifest.json").exists() and (path / "budget_impact.parquet").exists()


@main.command()
@click.argument("run_folder", type=click.Path(file_okay=False, path_type=Path))
@reports_bad_input
def report(run_folder: Path) -> None:
    """Regenerate RUN_FOLDER/report.html from the run's tables and manifest.

    A run folder left mid-way by an interrupted --overwrite is put back first.
    """
    from simulator.output import recover
    from simulator.report import write_run_report
    from simulator.scenario import Problem, ScenarioError

    recover(run_folder)
    if not _is_run_folder(run_folder):
        raise ScenarioError(None, [Problem("RUN_FOLDER", str(run_folder), "a folder written by simsim run (manifest.json and tables)")])
    click.echo(f"Wrote {write_run_report(run_folder)}")


@main.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("compare"), show_default=True,
              help="Folder for compare.html and compare.csv.")
@overrides_option
@reports_bad_input
def compare(runs: tuple[Path, ...], out: Path, overrides: tuple[str, ...]) -> None:
    """Put several RUNS side by side: run folders, or scenario files run on the fly (with --set applied).

    \b
    Prints the headline figures over the years all runs share, says what they do not
    share, and writes compare.html (overlaid charts) and compare.csv (the same table).
      simsim compare runs/capitation runs/bundled scenarios/mixed_model.toml
    """
    from simulator.api import run_scenario
    from simulator.report import read_run, render_comparison, write_text_atomically

    tables = {}
    for path in runs:
        label = path.stem if path.is_file() else path.name
        while label in tables:
            label += "'"
        tables[label] = read_run(path)[0] if _is_run_folder(path) else run_scenario(path, overrides=list(overrides)).tables
    page, table, notes = render_comparison(tables)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(out / "compare.html", page)
    write_text_atomically(out / "compare.csv", table.to_csv(index=False))
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    for note in notes:
        click.echo(f"note: {note}")
    click.echo(f"\nWrote {out}/compare.html and compare.csv")


class _DefaultRun(click.Group):
    """`simsim sweep FILE` means `simsim sweep run FILE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_DefaultRun)
def sweep() -> None:
    """Parameter sweeps: `simsim sweep FILE` runs (or resumes) one; `simsim sweep analyse FOLDER` analyses it.

    \b
    A sweep file names a base scenario, the parameters to vary (dotted paths as in --set;
    lists, ranges or distributions), a design (grid, random, latin, sobol, morris), the
    replications and the outcomes to keep; see scenarios/sweeps/shared_savings.toml.
      simsim sweep scenarios/sweeps/shared_savings.toml --workers 2
      simsim sweep scenarios/sweeps/shared_savings.toml --scheduler tcp://10.0.0.5:8786
      simsim sweep analyse sweeps/shared_savings_sensitivity
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
    """Sensitivity indices per outcome (Sobol for sobol designs, Morris for morris, rank correlations otherwise) and tornado charts."""
    from simulator.scenario import Problem, ScenarioError
    from simulator.sweep.analyse import analyse_sweep

    if not (folder / "results.parquet").exists():
        raise ScenarioError(None, [Problem("FOLDER", str(folder), "a sweep folder (simsim sweep wrote results.parquet there)")])
    table, _ = analyse_sweep(folder)
    shown = table.pivot_table(index=["outcome", "parameter"], columns="index", values="value").reset_index()
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    click.echo(f"\nWrote {folder}/sensitivity.csv, tornado.csv and tornado_<outcome>.png")


@main.command()
@click.argument("sweep_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--maximise", "maximise", metavar="OUTCOME", help="Outcome to make as large as possible.")
@click.option("--minimise", "minimise", metavar="OUTCOME", help="Outcome to make as small as possible.")
@click.option("--bound", "bounds", multiple=True, metavar="OUTCOME<=X|OUTCOME>=X",
              help="Constraint on an outcome (repeatable), e.g. --bound 'cumulative_impact_eur<=0' --bound 'gp_revenue_change>=-0.05'.")
@click.option("--statistic", type=click.Choice(["mean", "worst"]), default="mean", show_default=True,
              help="Per point: the mean over replications, or the least favourable replication for each bound and the objective.")
@reports_bad_input
def optimise(sweep_folder: Path, maximise: str | None, minimise: str | None, bounds: tuple[str, ...], statistic: str) -> None:
    """Pick the best payment design among a sweep's evaluated points (mixed-integer selection, HiGHS).

    \b
    The outcomes are those the sweep kept (see its sweep file). For example, the sharing
    rate and minimum savings rate that avoid the most admissions while the reform costs
    nothing by the last year and GP practices lose at most 5 %:
      simsim optimise sweeps/shared_savings_sensitivity --minimise avoidable_admissions_change \\
          --bound 'cumulative_impact_eur<=0' --bound 'gp_revenue_change>=-0.05'
    Writes selection.csv (every point: outcomes, feasible, chosen) into the sweep folder and
    prints the --set assignments that rerun the chosen point with `simsim run`.
    """
    from simulator.optimise.selection import Bound, select
    from simulator.scenario import Problem, ScenarioError
    from simulator.output import write_atomically

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
    import pandas as pd

    from simulator.output import read_folder_file

    design, results = (read_folder_file(sweep_folder / f"{name}.parquet", pd.read_parquet) for name in ("design", "results"))
    objective = maximise or minimise
    choice = select(design, results, objective, "maximise" if maximise else "minimise", tuple(parsed), statistic)
    table = choice.table
    write_atomically(sweep_folder / "selection.csv", lambda p: table.to_csv(p, index=False, float_format="%.10g"))
    best = table[table["chosen"]].iloc[0]
    left_out = int((~table["complete"]).sum())
    click.echo(f"Chosen: point {choice.point} of {len(table)} ({int(table['feasible'].sum())} meet every bound"
               + (f"; {left_out} left out for failed runs" if left_out else "") + ")")
    shown = [c for c in table.columns if c not in ("overrides", "complete", "feasible", "chosen", "point")]
    for column in shown:
        click.echo(f"  {column} = {best[column]}")
    ranked = table[table["feasible"]].sort_values(objective, ascending=bool(minimise)).head(5)
    click.echo("\nBest feasible points:\n" + ranked[["point", *shown]].to_string(index=False))
    assignments = [a for a in json.loads(best["overrides"]) if not a.startswith(("run.seed=", "run.replications="))]
    manifest = json.loads((sweep_folder / "manifest.json").read_text(encoding="utf-8"))
    base = Path(manifest["sweep_file"]).parent / manifest["sweep"]["sweep"]["scenario"]
    click.echo(f"\nRerun it: simsim run {base} " + " ".join(f"--set '{a}'" for a in assignments))
    click.echo(f"Wrote {sweep_folder}/selection.csv")


@main.command()
@click.argument("calibration_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write (default: calibration/<name>/).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@reports_bad_input
def calibrate(calibration_file: Path, out: Path | None, quiet: bool) -> None:
    """Fit scenario parameters to published figures (bounded Nelder-Mead, common random numbers).

    \b
    The file names a base scenario, a targets CSV (indicator, value, weight, source...),
    the parameters to fit with their bounds, and the search budget; see calibration/belgium.toml.
    Writes calibrated.toml (the fitted values; a scenario can `extends` it), fit.csv and
    fit.png (target vs model), trace.csv (every evaluation) and manifest.json.
    """
    from simulator.calibrate import calibrate as run_calibration, load_calibration

    spec, _, _ = load_calibration(calibration_file)
    folder = out or calibration_file.parent / spec.calibration.name
    result = run_calibration(calibration_file, folder, progress=not quiet and sys.stderr.isatty())
    for path, value in result.values.items():
        click.echo(f"{path} = {value:.6g}")
    click.echo("\n" + result.fit.drop(columns="note").to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    click.echo(f"\n{len(result.trace)} runs. Wrote {folder}/calibrated.toml, fit.csv, fit.png, trace.csv")
