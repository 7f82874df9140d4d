"""Scenario discovery (PRIM) on the shipped shared-savings sweep, at a reduced size: boxes with coverage and density."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.test_cli import ROOT, simsim


def shipped_sweep_small(folder: Path) -> Path:
    """scenarios/sweeps/shared_savings.toml with its base scenario by absolute path, 10,000 patients, 2 years, 3 x 4 runs."""
    text = (ROOT / "scenarios/sweeps/shared_savings.toml").read_text(encoding="utf-8")
    text = (text.replace('"../shared_savings.toml"', f'"{ROOT / "scenarios/shared_savings.toml"}"')
                .replace('"population.size=20000"', '"population.size=10000"').replace('"run.end_year=2030"', '"run.end_year=2027"')
                .replace("samples = 6 ", "samples = 3 ").replace("scenarios = 6 ", "scenarios = 4 "))
    path = folder / "shared_savings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_writes_boxes_with_coverage_and_density(tmp_path):
    out = tmp_path / "sweep"
    done = simsim("sweep", str(shipped_sweep_small(tmp_path)), "--out", str(out), "--workers", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    results = pd.read_parquet(out / "results.parquet")
    impact = results[results["outcome"] == "cumulative_impact_eur"]["value"]
    assert len(impact) == 12
    threshold = float(impact.median())  # half the cases cost more than the median: PRIM has something to find
    found = simsim("sweep", "discover", str(out), "--outcome", "cumulative_impact_eur", "--threshold", f"{threshold:.6f}")
    assert found.returncode == 0, found.stderr
    assert "cases have cumulative_impact_eur >" in found.stdout and "coverage" in found.stdout
    boxes = pd.read_csv(out / "discovery_cumulative_impact_eur.csv")
    assert {"coverage", "density", "mass", "parameter", "low", "high"} <= set(boxes.columns) and len(boxes)
    assert boxes["coverage"].between(0, 1).all() and boxes["density"].between(0, 1).all()
    limits = boxes.dropna(subset=["low", "high"])
    assert (limits["low"] <= limits["high"]).all()
    assert (out / "discovery_cumulative_impact_eur_trajectory.csv").exists()
    bad = simsim("sweep", "discover", str(out), "--outcome", "nothing")
    assert bad.returncode == 2 and "nothing" in bad.stderr and "Traceback" not in bad.stderr
