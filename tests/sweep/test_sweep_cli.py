"""`simsim sweep`: bad files are one line and exit 2; run then analyse writes the promised files."""

from __future__ import annotations

from simulator.sweep import load_sweep
from simulator.sweep.design import design_table
from tests.conftest import ROOT
from tests.test_cli import simsim


def test_bad_sweep_file_is_one_line_and_exit_2(make_sweep):
    path = make_sweep('[[levers]]\npath = "x"\nlow = 2.0\nhigh = 1.0\n')
    done = simsim("sweep", str(path))
    assert done.returncode == 2
    assert "levers[0]" in done.stderr and "low < high" in done.stderr and "Traceback" not in done.stderr


def test_analyse_refuses_a_folder_that_is_not_a_sweep(tmp_path):
    done = simsim("sweep", "analyse", str(tmp_path))
    assert done.returncode == 2 and "a sweep folder" in done.stderr


def test_sweep_then_analyse(make_sweep, tmp_path):
    path = make_sweep(design="morris", samples=2)
    out = tmp_path / "out"
    done = simsim("sweep", str(path), "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "4 runs; this time 4 succeeded, 0 failed, 0 skipped" in done.stdout
    again = simsim("sweep", "run", str(path), "--out", str(out))
    assert "0 succeeded, 0 failed, 4 skipped" in again.stdout
    analysed = simsim("sweep", "analyse", str(out))
    assert analysed.returncode == 0, analysed.stderr
    assert "mu_star" in analysed.stdout
    for name in ("sensitivity.csv", "sensitivity.parquet", "tornado.csv", "tornado_impact.png"):
        assert (out / name).stat().st_size > 0, name


def test_example_sweeps_are_valid():
    files = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))
    assert files
    for path in files:
        spec, _ = load_sweep(path)
        assert len(design_table(spec)) > 0
