"""Exports: an Excel workbook with a sheet per table and one describing the run; CSV with ';' and decimal commas."""

from __future__ import annotations

import pandas as pd
import pytest

import simulator
from simulator import export
from simulator.scenario import ScenarioError


@pytest.fixture(scope="module")
def run(tmp_path_factory, request):
    from tests.conftest import small_scenario

    folder = tmp_path_factory.mktemp("export") / "small"
    simulator.run_scenario(small_scenario(), out=folder, report=False)
    return simulator.load_run(folder)


def test_workbook_has_every_table_and_describes_the_run(run, tmp_path):
    path = export.to_xlsx(run, tmp_path / "small.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets)[:2] == ["run", "columns"] and set(run.tables) <= set(sheets)
    about = dict(zip(sheets["run"]["item"], sheets["run"]["value"]))
    assert about["scenario"] == "small" and about["years"] == "2026-2027" and "table budget_impact" in about
    impact = sheets["budget_impact"]
    pd.testing.assert_series_equal(impact["impact_eur"], run.budget_impact["impact_eur"], check_names=False, check_dtype=False)
    assert set(sheets["columns"]["table"]) == set(run.tables)
    with pytest.raises(ScenarioError):
        export.to_xlsx(run, path)


def test_a_table_longer_than_a_sheet_continues(run, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_ROWS", 100)
    sheets = pd.read_excel(export.to_xlsx(run, tmp_path / "split.xlsx"), sheet_name=None)
    parts = [n for n in sheets if n == "annual" or n.startswith("annual (")]
    assert len(parts) > 1 and sum(len(sheets[n]) for n in parts) == len(run.annual)


def test_semicolon_csv_reads_back_with_a_comma_decimal(run, tmp_path):
    folder = export.to_csv_semicolon(run, tmp_path / "csv")
    text = (folder / "budget_impact.csv").read_text(encoding="utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("replication;year;payer;") and "," in first and "." not in first.split(";")[3]
    back = pd.read_csv(folder / "budget_impact.csv", sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_series_equal(back["impact_eur"], run.budget_impact["impact_eur"], check_names=False, check_dtype=False, rtol=1e-9)
    export.to_csv_semicolon(run, tmp_path / "csv", overwrite=True)


def test_cli_export(run, tmp_path):
    from click.testing import CliRunner

    from simulator.cli import main

    done = CliRunner().invoke(main, ["export", str(run.folder), "--xlsx", "--out", str(tmp_path / "w.xlsx")])
    assert done.exit_code == 0 and (tmp_path / "w.xlsx").exists(), done.output
    both = CliRunner().invoke(main, ["export", str(run.folder)])
    assert both.exit_code == 2 and "--xlsx" in both.output
