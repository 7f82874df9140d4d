"""Exports of a run folder for spreadsheets: an Excel workbook, and CSV files for a comma-decimal locale.

The workbook has a `run` sheet describing the run (scenario, years, replications, seeds,
overrides, versions, and each table with its row count and what a row is), a `columns`
sheet (the data dictionary of the tables included) and one sheet per table. A table longer
than a sheet holds continues on `name (2)`, `name (3)`... The CSV export writes `;` between
fields and a decimal comma, which Excel in a Belgian (French, Dutch or German) locale reads
as numbers. Both are written atomically; an existing output is replaced only with overwrite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.output import write_atomically

EXCEL_ROWS = 1_048_576 - 1  # rows per sheet below the header


def describe(result: Any) -> pd.DataFrame:
    """The `run` sheet: what was run, and every table with its rows."""
    from simulator.dictionary import TABLES

    s, m = result.scenario, result.manifest
    rows: list[tuple[str, Any]] = [
        ("scenario", s.run.name), ("description", s.run.description), ("file", m.get("scenario_file") or ""),
        ("reform", s.reform.label), ("years", f"{s.run.start_year}-{s.run.end_year}"), ("replications", s.run.replications),
        ("psa draws", s.psa.draws), ("seed", s.run.seed), ("replication seeds", json.dumps(m.get("replication_seeds", []))),
        ("overrides", " ".join(m.get("overrides", [])) or "none"), ("git commit", m.get("git_commit", "")),
        ("versions", json.dumps(m.get("versions", {}))), ("folder", str(result.folder or "")),
        ("money", "euros of each year; impact = reform minus status quo (positive costs the payer money)"),
        ("totals", "rows with is_total true sum other rows: leave them out when summing"),
    ]
    rows += [(f"table {name}", f"{len(t):,} rows: {TABLES[name].row if name in TABLES else ''}") for name, t in result.tables.items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def to_xlsx(result: Any, path: Path, overwrite: bool = False) -> Path:
    """Write the workbook; return its path."""
    from simulator.dictionary import TABLES, frame

    path = path if path.suffix == ".xlsx" else path.with_suffix(".xlsx")
    _refuse_existing(path, overwrite)
    known = [n for n in result.tables if n in TABLES]
    dictionary = pd.concat([frame(n) for n in known], ignore_index=True) if known else frame().iloc[:0]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            describe(result).to_excel(book, sheet_name="run", index=False)
            dictionary.to_excel(book, sheet_name="columns", index=False)
            for name, table in result.tables.items():
                for part, start in enumerate(range(0, max(len(table), 1), EXCEL_ROWS)):
                    sheet = name[:31] if part == 0 else f"{name[:25]} ({part + 1})"
                    _plain(table.iloc[start:start + EXCEL_ROWS]).to_excel(book, sheet_name=sheet, index=False)

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, write)
    return path


def to_csv_semicolon(result: Any, folder: Path, overwrite: bool = False) -> Path:
    """Every table as `<name>.csv` with `;` separators and decimal commas, in `folder`; return it."""
    from simulator.output import atomic_folder, check_writable

    check_writable(folder, overwrite)
    with atomic_folder(folder, overwrite=overwrite) as tmp:
        for name, table in result.tables.items():
            _plain(table).to_csv(tmp / f"{name}.csv", sep=";", decimal=",", index=False, float_format="%.10g", encoding="utf-8-sig")
        describe(result).to_csv(tmp / "run.csv", sep=";", index=False, encoding="utf-8-sig")
        (tmp / "manifest.json").write_text(json.dumps({"export": "csv_semicolon", "run": str(result.folder)}, indent=2), encoding="utf-8")
    return folder


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Categories as text, so spreadsheets see values, not codes."""
    return table.astype({c: str for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)})


def _refuse_existing(path: Path, overwrite: bool) -> None:
    from simulator.scenario.problems import Problem, ScenarioError

    if path.exists() and not overwrite:
        raise ScenarioError(None, [Problem("--out", str(path), "a path that does not exist yet, or --overwrite")])
