"""Calibration: recovers known parameters from targets the model itself produced; files and errors."""

from __future__ import annotations

import tomllib

import pytest

from simulator.calibrate import Target, calibrate, load_calibration, model_values, to_toml
from simulator.scenario import ScenarioError

BASE = """
[run]
name = "tiny"
start_year = 2026
end_year = 2026
seed = 3

[population]
size = 10000

[[territories]]
name = "z"
region = "flanders"
inhabitants = 10000
"""

TRUE = {"hospital.admission_rate_at_50": 0.15, "primary_care.gp.base_rate": 3.4}


def write(tmp_path, targets, parameters, evaluations=60):
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    rows = "\n".join(f"{t.indicator},{t.value!r},{t.weight}" for t in targets)
    (tmp_path / "targets.csv").write_text(f"# generated\nindicator,value,weight\n{rows}\n", encoding="utf-8")
    (tmp_path / "fit.toml").write_text(f"""
[calibration]
name = "recovery"
scenario = "base.toml"
targets = "targets.csv"
max_evaluations = {evaluations}
tolerance = 1e-9
{parameters}
""", encoding="utf-8")
    return tmp_path / "fit.toml"


PARAMETERS = """
[[parameters]]
path = "hospital.admission_rate_at_50"
low = 0.08
high = 0.25

[[parameters]]
path = "primary_care.gp.base_rate"
low = 2.0
high = 6.0
"""


def test_recovers_known_parameters(tmp_path):
    base = tomllib.loads(BASE)
    names = ["admissions_per_1000", "gp_contacts_per_capita"]
    truth = model_values(base, [f"{k}={v}" for k, v in TRUE.items()], [Target(n, 1.0, 1.0) for n in names], 2026)
    path = write(tmp_path, [Target(n, float(v), 1.0) for n, v in zip(names, truth)], PARAMETERS)
    result = calibrate(path, tmp_path / "out")
    for key, value in TRUE.items():
        assert result.values[key] == pytest.approx(value, rel=0.03), result.values  # stated tolerance: 3 %
    assert result.fit["relative_error"].abs().max() < 0.01
    assert len(result.trace) <= 60
    written = tomllib.loads((tmp_path / "out" / "calibrated.toml").read_text())
    assert written["hospital"]["admission_rate_at_50"] == result.values["hospital.admission_rate_at_50"]
    for name in ("fit.csv", "fit.png", "trace.csv", "manifest.json"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_calibrated_file_extends(tmp_path):
    (tmp_path / "calibrated.toml").write_text(to_toml({"hospital.los_median": 0.7, "run.seed": 5}, "header"), encoding="utf-8")
    (tmp_path / "s.toml").write_text('extends = "calibrated.toml"\n' + BASE.replace("seed = 3\n", ""), encoding="utf-8")
    from simulator.scenario import load_scenario

    s = load_scenario(tmp_path / "s.toml")
    assert s.hospital.los_median == 0.7 and s.run.seed == 5


def test_bad_calibration_files(tmp_path):
    path = write(tmp_path, [Target("admissions_per_1000", 132.0, 1.0)], "[[parameters]]\npath = 'x'\nlow = 2.0\nhigh = 1.0\n")
    with pytest.raises(ScenarioError) as info:
        load_calibration(path)
    assert info.value.problems[0].path == "parameters[0]" and "low < high" in info.value.problems[0].allowed
    from simulator.scenario.loading import resolve

    assert resolve(tomllib.loads(BASE), ["run.start_year=2027", "run.end_year=2027"]).run.start_year == 2027


def test_two_calls_give_the_same_fit_and_never_start_from_the_last(tmp_path):
    """A scenario extending an earlier fit: the search starts from the schema default, not from that fit."""
    path = write(tmp_path, [Target("admissions_per_1000", 150.0, 1.0)], PARAMETERS, evaluations=6)
    first = calibrate(path, tmp_path / "first")
    (tmp_path / "earlier.toml").write_text(to_toml({"hospital.admission_rate_at_50": 0.2}, "an earlier fit"), encoding="utf-8")
    (tmp_path / "base.toml").write_text('extends = "earlier.toml"\n' + BASE, encoding="utf-8")
    second = calibrate(path, tmp_path / "second")
    assert second.start == first.start and second.start["hospital.admission_rate_at_50"] != 0.2
    assert second.values == first.values
    assert second.trace.equals(first.trace)


def test_an_existing_folder_is_replaced_only_with_overwrite(tmp_path):
    path = write(tmp_path, [Target("admissions_per_1000", 150.0, 1.0)], PARAMETERS, evaluations=3)
    calibrate(path, tmp_path / "out")
    shipped = (tmp_path / "out" / "calibrated.toml").read_text()
    (tmp_path / "out" / "calibrated.toml").write_text(shipped + "# hand-edited\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        calibrate(path, tmp_path / "out")
    assert "--overwrite" in info.value.problems[0].allowed
    assert (tmp_path / "out" / "calibrated.toml").read_text().endswith("# hand-edited\n")
    calibrate(path, tmp_path / "out", overwrite=True)
    assert (tmp_path / "out" / "calibrated.toml").read_text() == shipped


def test_cli_default_folder_is_not_the_shipped_set(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from simulator.cli import main

    path = write(tmp_path, [Target("admissions_per_1000", 150.0, 1.0)], PARAMETERS, evaluations=3)
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["calibrate", str(path), "--quiet"], standalone_mode=False)
    assert run.exit_code == 0, run.output
    assert (tmp_path / "runs" / "calibration_recovery" / "calibrated.toml").exists()
    again = CliRunner().invoke(main, ["calibrate", str(path), "--quiet"])
    assert again.exit_code == 2 and "--overwrite" in again.output
