"""The `simsim` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulator import __version__
from simulator.cli_common import OneLineErrors, overrides_option, reports_bad_input
from simulator.cli_sweep import optimise, sweep


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
@click.option("--psa", type=click.IntRange(min=1, max=10_000), metavar="N",
              help="Probabilistic sensitivity analysis: draw N parameter sets from the scenario's [[uncertainties]] "
                   "(and [psa] behaviour_ranges) and run each with every replication (--set psa.draws=N).")
@click.option("--workers", type=click.IntRange(min=1, max=256),
              help="Cores to use: replications in parallel processes, and with fewer replications than cores, threads "
                   "inside each (--workers 2 on one replication: one process, two threads). Results do not depend on it.")
@click.option("--cluster", "cluster_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Send replications to a cluster: a TOML file with an [executor] table as in sweep files "
                   "(kind = 'dask' with a scheduler, or 'slurm'). Trust it: it names hosts and shell lines to run.")
@click.option("--overwrite", is_flag=True, help="Replace the run folder if it exists (only a folder simsim wrote).")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--no-report", is_flag=True, help="Skip report.html (tables and manifest only).")
@reports_bad_input
def run(scenario: Path, out: Path | None, overrides: tuple[str, ...], seed: int | None, replications: int | None,
        psa: int | None, workers: int | None, cluster_file: Path | None, overwrite: bool, quiet: bool, no_report: bool) -> None:
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

    extra = ([f"run.seed={seed}"] * (seed is not None) + [f"run.replications={replications}"] * (replications is not None)
             + [f"psa.draws={psa}"] * (psa is not None))
    loaded = load_scenario(scenario, list(overrides) + extra)
    target = out or Path("runs") / loaded.run.name
    from simulator.sweep.executors import ClusterError
    from simulator.sweep.spec import load_executor

    cluster = load_executor(cluster_file) if cluster_file else None
    try:
        result = run_scenario(loaded, source=scenario, out=target, overwrite=overwrite, report=not no_report, given=list(overrides) + extra,
                              workers=workers, progress=not quiet and sys.stderr.isatty(), cluster=cluster)
    except ClusterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(render(result.tables, f"{loaded.run.name}: {loaded.reform.label} vs status quo, "
                                         f"{loaded.run.start_year}-{loaded.run.end_year}, "
                                         f"{loaded.run.replications} replication(s)"))
        if "psa_summary" in result.tables:
            from simulator.psa.summary import describe

            click.echo("\n" + describe(result.tables))
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
@click.argument("kind", type=click.Choice(["scenario", "sweep", "calibration"]), default="scenario")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of standard output.")
@click.option("--all", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write scenario, sweep and calibration schemas (<kind>.schema.json) into this folder.")
def schema(kind: str, out: Path | None, folder: Path | None) -> None:
    """Print the JSON Schema (draft-07) of scenario, sweep or calibration files, for editors.

    \b
    Every field has its unit, the values allowed, its default, and its source with a mark:
    V verified in the source, D derived from sourced figures or calibrated to them,
    U assumption (no source for its size), S a setting chosen by whoever writes the file.
    A file with `extends` may omit what its base gives. The shipped copies are in schemas/;
    point the editor at one with a first line `#:schema ../schemas/scenario.schema.json`.
    """
    from simulator.output import write_text_atomically
    from simulator.scenario.editor_schema import editor_schema, to_text, write_all

    if folder is not None:
        for path in write_all(folder):
            click.echo(f"Wrote {path}")
        return
    text = to_text(editor_schema(kind))
    if out:
        write_text_atomically(out, text)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("run_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx", is_flag=True, help="An Excel workbook: a sheet describing the run, the columns, one sheet per table.")
@click.option("--csv-semicolon", "semicolon", is_flag=True,
              help="CSV files with ';' separators and decimal commas, for Excel in a Belgian locale.")
@click.option("--out", type=click.Path(path_type=Path), help="Workbook file or CSV folder (default: next to the run, <run>.xlsx, <run>_csv/).")
@click.option("--overwrite", is_flag=True, help="Replace an existing export.")
@reports_bad_input
def export(run_folder: Path, xlsx: bool, semicolon: bool, out: Path | None, overwrite: bool) -> None:
    """Export a run folder for spreadsheets.

    \b
      simsim export runs/pilot_zone --xlsx             -> runs/pilot_zone.xlsx
      simsim export runs/pilot_zone --csv-semicolon    -> runs/pilot_zone_csv/ (; and decimal commas)
    """
    from simulator.api import load_run
    from simulator.export import to_csv_semicolon, to_xlsx

    if xlsx == semicolon:
        raise click.UsageError("give one of --xlsx or --csv-semicolon")
    result = load_run(run_folder)
    base = run_folder.absolute()
    if xlsx:
        path = to_xlsx(result, out or base.with_name(f"{base.name}.xlsx"), overwrite)
    else:
        path = to_csv_semicolon(result, out or base.with_name(f"{base.name}_csv"), overwrite)
    click.echo(f"Wrote {path}")


@main.command()
@click.argument("table", required=False)
@click.option("--markdown", is_flag=True, help="Print docs/outputs.md (every table) instead of a plain listing.")
def tables(table: str | None, markdown: bool) -> None:
    """Describe the output tables: every column, its unit and meaning (the data dictionary).

    \b
      simsim tables                 every table and column
      simsim tables budget_impact   one table
    Rows with is_total true sum other rows: drop them before summing parts.
    """
    from simulator.dictionary import TABLES, frame, markdown as as_markdown

    if markdown:
        click.echo(as_markdown(), nl=False)
        return
    if table is not None and table not in TABLES:
        raise click.UsageError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    for name, rows in frame(table).groupby("table", sort=False):
        click.echo(f"{name}: {TABLES[name].row} ({TABLES[name].when})")
        for row in rows.itertuples(index=False):
            click.echo(f"  {row.column:<32} [{row.unit}] {row.meaning}")


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
@click.option("--set-for", "set_for", multiple=True, metavar="NAME:PATH=VALUE",
              help="Override a value in one scenario file only, named by its file name without .toml, e.g. "
                   "--set-for capitation:reform.capitation[0].weight=0.7 (repeatable).")
@click.option("--overwrite", is_flag=True, help="Replace compare.html and compare.csv if the folder already has them.")
@reports_bad_input
def compare(runs: tuple[Path, ...], out: Path, overrides: tuple[str, ...], set_for: tuple[str, ...], overwrite: bool) -> None:
    """Put several RUNS side by side: run folders, or scenario files run on the fly (with --set applied).

    \b
    Prints, per run and payer, the figures over the years all runs share (impact with its
    90 % interval over replications), says what the runs do not share, warns when their
    status-quo totals differ (and why: size, seed, horizon, replications, zones), and writes
    compare.html (overlaid charts) and compare.csv (the same table). Runs with the same name
    get their folder's name added.
      simsim compare runs/capitation runs/bundled scenarios/mixed_model.toml
      simsim compare scenarios/capitation.toml scenarios/bundled.toml --set population.size=20000
    """
    from simulator.api import run_scenario
    from simulator.report import read_run, render_comparison, write_text_atomically
    from simulator.report.compare import distinct_labels
    from simulator.scenario import Problem, ScenarioError

    if (out / "compare.html").exists() and not overwrite:
        raise ScenarioError(None, [Problem("--out", str(out), "a folder without a comparison, or --overwrite to replace it")])
    per_file: dict[str, list[str]] = {}
    for text in set_for:
        name, sep, assignment = text.partition(":")
        if not sep or "=" not in assignment:
            raise ScenarioError(None, [Problem("--set-for", text, "NAME:PATH=VALUE, NAME a scenario file's name without .toml")])
        per_file.setdefault(name, []).append(assignment)
    names = [p.stem for p in runs if p.is_file()]
    unknown = sorted(set(per_file) - set(names))
    if unknown:
        raise ScenarioError(None, [Problem("--set-for", ", ".join(unknown), "the name of a scenario file given: " + ", ".join(names))])
    loaded = []
    for path in runs:
        if _is_run_folder(path):
            tables, manifest = read_run(path)
            name = path.name
        else:
            result = run_scenario(path, overrides=[*overrides, *per_file.get(path.stem, [])])
            tables, manifest, name = result.tables, result.manifest, path.stem
        loaded.append((name, path.parent.name or ".", tables, manifest))
    labels = distinct_labels([n for n, *_ in loaded], [p for _, p, *_ in loaded])
    page, table, notes = render_comparison({k: t for k, (_, _, t, _) in zip(labels, loaded)},
                                           {k: m for k, (_, _, _, m) in zip(labels, loaded)})
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(out / "compare.html", page)
    write_text_atomically(out / "compare.csv", table.to_csv(index=False))
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    for note in notes:
        click.echo(f"note: {note}")
    click.echo(f"\nWrote {out}/compare.html and compare.csv")


@main.command()
@click.argument("calibration_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default: runs/calibration_<name>/). Never the shipped set unless named here.")
@click.option("--overwrite", is_flag=True, help="Replace the --out folder if it exists.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@reports_bad_input
def calibrate(calibration_file: Path, out: Path | None, overwrite: bool, quiet: bool) -> None:
    """Fit scenario parameters to published figures (bounded Nelder-Mead, common random numbers).

    \b
    The file names a base scenario, a targets CSV (indicator, value, weight, source...),
    the parameters to fit with their bounds, and the search budget; see calibration/belgium.toml.
    Writes calibrated.toml (the fitted values; a scenario can `extends` it), fit.csv and
    fit.png (target vs model), trace.csv (every evaluation) and manifest.json.

    \b
    The search starts from each parameter's declared `start` or its schema default, never from
    an earlier fit, so two calls give the same values. An existing folder is replaced only with
    --overwrite. The shipped set, which scenarios/belgium.toml extends, changes only when named:
      simsim calibrate calibration/belgium.toml --out calibration/belgium --overwrite
    """
    from simulator.calibrate import calibrate as run_calibration, load_calibration

    spec, _, _ = load_calibration(calibration_file)
    folder = out or Path("runs") / f"calibration_{spec.calibration.name}"
    result = run_calibration(calibration_file, folder, progress=not quiet and sys.stderr.isatty(), overwrite=overwrite)
    for path, value in result.values.items():
        click.echo(f"{path} = {value:.6g}")
    click.echo("\n" + result.fit.drop(columns="note").to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    click.echo(f"\n{len(result.trace)} runs. Wrote {folder}/calibrated.toml, fit.csv, fit.png, trace.csv")


main.add_command(sweep)
main.add_command(optimise)
