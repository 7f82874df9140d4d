"""The command line: bad input is one line and exit status 2; runs leave a complete folder or none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GOOD = """
[run]
name = "cli"
start_year = 2026
end_year = 2026
[population]
size = 10000
[[territories]]
name = "z"
region = "flanders"
inhabitants = 20000
"""


def simsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (lambda t: t.replace("[run]", "[run"), ["(syntax)", "line 2", "allowed: well-formed TOML"]),
        (lambda t: t + "colour = 1\n", ["territories[0].colour", "value 1", "allowed: one of name"]),
        (lambda t: t.replace("size = 10000", "size = 'many'"), ["population.size", "'many'", "allowed: a whole number"]),
        (lambda t: t + "[hospital]\nreadmission_rate = -1.0\n", ["hospital.readmission_rate", "value -1.0", "allowed: >= 0"]),
        (lambda t: t + "bim_share = 1.2\n", ["territories[0].bim_share", "value 1.2", "allowed: <= 1"]),
        (lambda t: t.replace("end_year = 2026", "end_year = 2025"), ["run.end_year", "value 2025", "allowed: >= run.start_year (2026)"]),
        (lambda t: 'extends = "missing.toml"\n' + t, ["extends", "missing.toml", "allowed: an existing TOML file"]),
    ],
    ids=["malformed", "unknown_key", "wrong_type", "negative_rate", "share_above_one", "end_before_start", "missing_extends"],
)
def test_bad_scenario_is_one_line_exit_2_and_leaves_nothing(tmp_path, edit, fragments):
    path = tmp_path / "s.toml"
    path.write_text(edit(GOOD), encoding="utf-8")
    out = tmp_path / "out"
    done = simsim("run", str(path), "--out", str(out), "--quiet")
    assert_one_line_error(done, str(path), *fragments)
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["s.toml"]


def test_unwritable_output_folder(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = simsim("run", str(path), "--out", str(blocker / "run"), "--quiet")
    assert_one_line_error(done, "--out", str(blocker / "run"), "allowed: a folder whose parent can be created and written")
    assert blocker.read_text() == "not a folder"


def test_existing_output_folder_needs_overwrite(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    (tmp_path / "out").mkdir()
    assert_one_line_error(simsim("run", str(path), "--out", str(tmp_path / "out"), "--quiet"), "--out", "--overwrite")


def test_run_writes_complete_folder_and_summary(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    done = simsim("run", str(path), "--out", str(out), "--set", "reform.fee_for_service.tariff_change.gp=0.1")
    assert done.returncode == 0, done.stderr
    assert "Budget impact" in done.stdout and "2026" in done.stdout and "admissions_per_1000" in done.stdout
    names = sorted(p.name for p in out.iterdir())
    for table in ("annual", "activity", "indicators", "providers", "budget_impact"):
        assert f"{table}.parquet" in names and f"{table}.csv" in names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["reform"]["fee_for_service"]["tariff_change"]["gp"] == 0.1
    assert manifest["replication_seeds"] and manifest["versions"]["mesa"].startswith("3.3")
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_validate_and_schema():
    done = simsim("validate", "scenarios/pilot_zone.toml")
    assert done.returncode == 0 and "valid" in done.stdout and "250,000 inhabitants" in done.stdout
    schema = json.loads(simsim("schema").stdout)
    assert schema["title"] == "simsim scenario" and "territories" in schema["definitions"]["complete"]["properties"]
    assert simsim("schema", "sweep").returncode == 0


def test_help_teaches():
    done = simsim("--help")
    assert done.returncode == 0 and "simsim run scenarios/pilot_zone.toml" in done.stdout
    assert "budget_impact" in simsim("run", "--help").stdout


@pytest.mark.parametrize("args", [
    ["run", "scenarios/pilot_zone.toml", "--workers", "0"],
    ["run", "scenarios/pilot_zone.toml", "--workers", "-3"],
    ["run", "scenarios/pilot_zone.toml", "--replications", "0"],
    ["report", "/nonexistent/run"],
    ["sweep", "analyse", "/nonexistent/sweep"],
    ["compare"],
    ["frobnicate"],
])
def test_usage_errors_are_one_line_with_exit_two(args):
    done = simsim(*args)
    assert_one_line_error(done)


def test_a_usage_error_points_to_the_help_of_the_command_as_typed():
    assert_one_line_error(simsim("schema", "--folder", "x"), "No such option '--folder'", "(see 'python -m simulator schema --help')")
    assert_one_line_error(simsim("frobnicate"), "(see 'python -m simulator --help')")


def test_damaged_run_and_sweep_folders_are_plain_errors(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    (run / "budget_impact.parquet").write_text("not parquet")
    assert_one_line_error(simsim("report", str(run)), "budget_impact.parquet", "damaged")
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "results.parquet").write_text("x")
    assert_one_line_error(simsim("sweep", "analyse", str(sweep)), "manifest.json")
