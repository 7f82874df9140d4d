"""The national scenario and its shipped calibration: structure, and the fit report still true."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from simulator.calibrate import load_calibration, model_values
from simulator.scenario import load_scenario
from tests.conftest import ROOT


def test_belgium_has_the_regions_and_25_networks():
    s = load_scenario(ROOT / "scenarios" / "belgium.toml")
    assert s.inhabitants == 11_825_551 and len(s.networks) == 25 and len(s.territories) == 25
    regions = pd.Series([t.inhabitants for t in s.territories]).groupby([t.region for t in s.territories]).sum()
    assert regions.to_dict() == {"brussels": 1_255_795, "flanders": 6_864_766, "wallonia": 3_704_990}
    calibrated = tomllib.loads((ROOT / "calibration" / "belgium" / "calibrated.toml").read_text(encoding="utf-8"))
    assert s.hospital.los_median == calibrated["hospital"]["los_median"]  # the scenario extends the calibrated set


def test_shipped_fit_report_holds():
    spec, base, targets = load_calibration(ROOT / "calibration" / "belgium.toml")
    report = pd.read_csv(ROOT / "calibration" / "belgium" / "fit.csv").set_index("indicator")
    values = model_values(base, list(spec.calibration.set), targets, 2026)
    for target, value in zip(targets, values):
        assert value == pytest.approx(report.loc[target.indicator, "model"], rel=0.02), target.indicator
        if target.weight > 0:
            assert abs(value / target.value - 1) <= 0.10, target.indicator
        else:
            assert target.note, f"{target.indicator} is not fitted and needs a note saying why"
