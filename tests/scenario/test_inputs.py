"""Input files: UTF-8 only, regular files only, bounded size; each refusal is one line."""

from __future__ import annotations

import pytest

from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario.inputs import MAX_INPUT_BYTES
from tests.conftest import ROOT

PILOT = ROOT / "scenarios" / "pilot_zone.toml"


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_non_utf8_files_are_refused_plainly(tmp_path, encoding):
    path = tmp_path / "s.toml"
    path.write_bytes(f'extends = "{PILOT}"\n[run]\ndescription = "Liège, Molenbeek-Saint-Jean"\n'.encode(encoding))
    with pytest.raises(ScenarioError, match="UTF-8 text"):
        load_scenario(path)


@pytest.mark.parametrize("target", ["/dev/zero", "/tmp"])
def test_extends_must_name_a_regular_file(tmp_path, target):
    path = tmp_path / "s.toml"
    path.write_text(f'extends = "{target}"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="regular file") as info:
        load_scenario(path)
    assert info.value.problems[0].path == "extends"


def test_oversized_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"# " + b"x" * (MAX_INPUT_BYTES + 10) + b"\n")
    with pytest.raises(ScenarioError, match="at most"):
        load_scenario(path)


@pytest.mark.parametrize(("override", "fragment"), [
    ("tariffs.unit_price.gp=inf", "finite number"),
    ("drugs.base_at_50=nan", "finite number"),
    ("reform.behaviour.effort_cost_eur=inf", "finite number"),
    ("run.replications=true", "whole number"),
    ("run.seed=99999999999999999999999", "<= 9223372036854775807"),
    ("providers.patients_per_gp_practice=1000000000000000000", "<= 1000000"),
    ("territories[0].gp_practices=1000000000000", "<= 100000"),
    ('run.name="../../victim"', "a file name"),
    ('run.name="/tmp/abs"', "a file name"),
])
def test_values_that_used_to_pass_are_refused(override, fragment):
    with pytest.raises(ScenarioError, match=fragment.replace("(", r"\(")) as info:
        load_scenario(PILOT, [override])
    assert len(info.value.problems) == 1
