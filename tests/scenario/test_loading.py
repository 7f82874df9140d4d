"""Scenario files: extends, --set overrides, cross-references, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.loading import apply_override, merge, parse_value
from tests.conftest import ROOT, small_data

BASE = """
[run]
name = "base"
seed = 1
[[territories]]
name = "z"
region = "brussels"
inhabitants = 20000
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_scenario_is_valid():
    s = load_scenario(ROOT / "scenarios" / "pilot_zone.toml")
    assert s.inhabitants == 250_000 and len(s.territories) == 3 and s.years[0] == 2026 and len(s.years) == 10


def test_extends_merges_tables_and_replaces_values(tmp_path):
    write(tmp_path, "base.toml", BASE)
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n[run]\nseed = 9\n[tariffs.unit_price]\ngp = 70.0\n')
    s = load_scenario(child)
    assert s.run.name == "base" and s.run.seed == 9 and s.tariffs.unit_price.gp == 70.0
    assert s.territories[0].region == "brussels"


def test_set_overrides_nested_and_indexed_values(tmp_path):
    path = write(tmp_path, "s.toml", BASE)
    s = load_scenario(path, ["run.seed=42", "territories[0].bim_share=0.3", "run.name=other"])
    assert (s.run.seed, s.territories[0].bim_share, s.run.name) == (42, 0.3, "other")


def test_parse_value_reads_toml_literals_else_text():
    assert parse_value("3") == 3 and parse_value("0.5") == 0.5 and parse_value("true") is True
    assert parse_value("[1, 2]") == [1, 2] and parse_value("plain words") == "plain words"


def test_merge_is_deep_for_tables_only():
    assert merge({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"b": 3}, "l": [2]}) == {"a": {"b": 3, "c": 2}, "l": [2]}


def problem_of(call) -> tuple[str, object, str]:
    with pytest.raises(ScenarioError) as info:
        call()
    assert len(info.value.problems) == 1, str(info.value)
    p = info.value.problems[0]
    return p.path, p.value, p.allowed


def test_malformed_toml_names_position(tmp_path):
    path = write(tmp_path, "bad.toml", "[run\nseed = 1\n")
    where, value, allowed = problem_of(lambda: load_scenario(path))
    assert where == "(syntax)" and "line 1" in str(value) and "TOML" in allowed


def test_unknown_key_lists_allowed_keys(tmp_path):
    path = write(tmp_path, "s.toml", BASE + "colour = 'red'\n")
    assert problem_of(lambda: load_scenario(path)) == ("territories[0].colour", "red", _allowed_territory_keys())


def _allowed_territory_keys() -> str:
    return "one of name, region, inhabitants, bim_share, gp_practices, home_hospital, cross_network_share, federated_entity, structure, practices"


def test_wrong_type(tmp_path):
    path = write(tmp_path, "s.toml", BASE.replace("seed = 1", 'seed = "seven"'))
    assert problem_of(lambda: load_scenario(path)) == ("run.seed", "seven", "a whole number")


@pytest.mark.parametrize(
    ("override", "path", "value", "allowed"),
    [
        ("hospital.readmission_rate=-0.1", "hospital.readmission_rate", -0.1, ">= 0"),
        ("territories[0].bim_share=1.5", "territories[0].bim_share", 1.5, "<= 1"),
        ("run.end_year=2020", "run.end_year", 2020, ">= run.start_year (2026)"),
        ("territories[0].region=\"ardennes\"", "territories[0].region", "ardennes", "one of 'brussels', 'flanders' or 'wallonia'"),
        ("territories[0].home_hospital=\"nowhere\"", "territories[0].home_hospital", "nowhere", "one of h1, h2"),
    ],
)
def test_out_of_range_values(override, path, value, allowed):
    from simulator.scenario import validate

    got = problem_of(lambda: validate(small_data(override)))
    assert got[0] == path and got[1] == value and got[2].startswith(allowed.split(" (")[0]) and allowed.split(" (")[0] in got[2]


def test_missing_extends_file(tmp_path):
    path = write(tmp_path, "child.toml", 'extends = "nowhere.toml"\n')
    where, value, allowed = problem_of(lambda: load_scenario(path))
    assert where == "extends" and str(value).endswith("nowhere.toml") and allowed == "an existing TOML file"


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    b = write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    assert problem_of(lambda: load_scenario(b))[0] == "extends"


def test_set_with_bad_index_is_reported():
    data = small_data()
    with pytest.raises(ScenarioError) as info:
        apply_override(data, "territories[5].bim_share=0.2")
    assert "index below 2" in str(info.value)


def test_scenario_is_frozen(scenario):
    with pytest.raises(Exception):
        scenario.run.seed = 3  # type: ignore[misc]


def test_sample_fraction_sets_the_simulated_size():
    import pytest

    from simulator.scenario import ScenarioError, validate
    from tests.conftest import small_data

    with pytest.raises(ScenarioError, match="either size or sample_fraction"):
        validate(small_data("population.sample_fraction=0.6"))  # the small scenario also sets size
    data = small_data("population.sample_fraction=0.6")
    del data["population"]["size"]
    assert validate(data).simulated_size == 12_000  # 0.6 x 20,000 inhabitants
    data["population"]["sample_fraction"] = 0.1
    with pytest.raises(ScenarioError, match="at least 10,000 simulated patients"):
        validate(data)


def test_a_schema_key_is_for_editors_and_calibration_and_sweep_files_extend(tmp_path):
    import shutil

    from simulator.calibrate import load_calibration
    from simulator.scenario import ScenarioError, load_scenario
    from simulator.sweep.spec import load_sweep
    from tests.conftest import ROOT

    (tmp_path / "s.toml").write_text('"$schema" = "../schemas/scenario.schema.json"\nextends = "pilot.toml"\n[run]\nseed = 9\n')
    shutil.copy(ROOT / "scenarios" / "pilot_zone.toml", tmp_path / "pilot.toml")
    assert load_scenario(tmp_path / "s.toml").run.seed == 9
    (tmp_path / "bad.toml").write_text('"$schema" = 3\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "bad.toml")
    assert info.value.problems[0].path == "$schema"
    shutil.copy(ROOT / "scenarios" / "sweeps" / "shared_savings.toml", tmp_path / "base_sweep.toml")
    (tmp_path / "shared_savings.toml").write_text((ROOT / "scenarios" / "shared_savings.toml").read_text().replace('"pilot_zone.toml"', '"pilot.toml"'))
    (tmp_path / "base_sweep.toml").write_text((tmp_path / "base_sweep.toml").read_text().replace('"../shared_savings.toml"', '"shared_savings.toml"'))
    (tmp_path / "sweep.toml").write_text('extends = "base_sweep.toml"\n[sweep]\nname = "other"\n')
    spec, _ = load_sweep(tmp_path / "sweep.toml")
    assert spec.sweep.name == "other" and spec.levers
    shutil.copy(ROOT / "calibration" / "targets.csv", tmp_path / "targets.csv")
    (tmp_path / "base_cal.toml").write_text('[calibration]\nname = "a"\nscenario = "pilot.toml"\n[[parameters]]\npath = "hospital.los_median"\nlow = 0.3\nhigh = 1.5\n')
    (tmp_path / "cal.toml").write_text('extends = "base_cal.toml"\n[calibration]\nmax_evaluations = 5\n')
    assert load_calibration(tmp_path / "cal.toml")[0].calibration.max_evaluations == 5
