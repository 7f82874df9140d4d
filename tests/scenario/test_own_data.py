"""Own data files: population structure, tariffs per nomenclature group, practice lists; one-line errors."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.care.tables import build_tables
from simulator.layout import build_layout
from simulator.population import synthesise
from simulator.scenario import ScenarioError, load_scenario, validate
from simulator.scenario.own_data import AGE_BANDS
from tests.conftest import ROOT, small_data


def test_the_example_collapses_tariffs_by_volume_as_computed_by_hand():
    s = load_scenario(ROOT / "scenarios" / "own_data.toml")
    assert s.tariffs.unit_price.gp == pytest.approx(0.75 * 55 + 0.25 * 87)            # 63
    assert s.copayment.non_bim.gp == pytest.approx((0.75 * 55 * 0.12 + 0.25 * 87 * 0.22) / 63)
    assert s.copayment.bim.specialist == pytest.approx((0.7 * 80 * 0.09 + 0.3 * 146.6667 * 0.06) / (0.7 * 80 + 0.3 * 146.6667))
    assert s.tariffs.unit_price.drugs == load_scenario(ROOT / "scenarios" / "pilot_zone.toml").tariffs.unit_price.drugs
    assert len(s.territories[0].practices) == 58 and s.territories[1].practices is None
    assert s.territories[0].bim_share == pytest.approx(0.28, abs=0.002)


def population_file(tmp_path, rows, name="pop.csv"):
    path = tmp_path / name
    path.write_text("# comment\nterritory,age_band,sex,bim,persons\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_the_cohort_follows_the_file_s_ages_sexes_and_bim(tmp_path):
    # north: only women of 65-69, all BIM; south: men and women of 20-24 and 30-34, none BIM
    rows = ["north,65-69,female,yes,12000"] + [f"south,{b},{s},no,2000" for b in ("20-24", "30-34") for s in ("male", "female")]
    data = small_data("population.size=20000")
    data["data"] = {"population": population_file(tmp_path, rows)}
    s = validate(data)
    assert s.territories[0].bim_share == 1.0 and s.territories[1].bim_share == 0.0
    c = synthesise(s, build_layout(s), build_tables(s), seed=3)
    start = c.entry_month == 0
    north, south = start & (c.territory == 0), start & (c.territory == 1)
    assert (c.age(0)[north] // 5 == 13).all() and (c.sex[north] == 1).all() and (c.bim[north] == 1).all()
    assert set(np.unique(c.age(0)[south] // 5)) == {4, 6} and not c.bim[south].any()
    assert abs(c.sex[south].mean() - 0.5) < 0.03


def test_practice_lists_set_names_and_shares_of_patients(tmp_path):
    path = tmp_path / "practices.csv"
    path.write_text("territory,name,list_size\nnorth,big,9000\nnorth,small,1000\n", encoding="utf-8")
    data = small_data("population.size=20000")
    data["data"] = {"practices": str(path)}
    s = validate(data)
    layout = build_layout(s)
    names = [layout.providers[i].name for i in layout.gp_practices[0]]
    assert names == ["north/big", "north/small"] and len(layout.gp_practices[1]) > 2
    c = synthesise(s, layout, build_tables(s), seed=5)
    gp_of = layout.cell_gp[c.cell[c.territory == 0]]
    assert (gp_of == layout.gp_practices[0][0]).mean() == pytest.approx(0.9, abs=0.02)


@pytest.mark.parametrize("kind, text, where, allowed", [
    ("population", "territory,age,sex,bim,persons\n", "line 1", "the header territory,age_band,sex,bim,persons"),
    ("population", "territory,age_band,sex,bim,persons\nwest,0-4,male,no,10\n", "line 2, territory: 'west'", "one of north, south"),
    ("population", "territory,age_band,sex,bim,persons\nnorth,0-5,male,no,10\n", "line 2, age_band", "one of 0-4"),
    ("population", "territory,age_band,sex,bim,persons\nnorth,0-4,male,no,-3\n", "line 2, persons: '-3'", ">= 0"),
    ("population", "territory,age_band,sex,bim,persons\nnorth,0-4,male,no,10\nsouth,0-4,male,no,8000\n", "10 persons in north",
     "within 1 % of the territory's inhabitants (12,000)"),
    ("tariffs", "group,category,volume_share,tariff_eur,copayment_non_bim,copayment_bim\nx,dentistry,1,10,0.1,0.1\n",
     "line 2, category: 'dentistry'", "one of gp"),
    ("tariffs", "group,category,volume_share,tariff_eur,copayment_non_bim,copayment_bim\nx,gp,1,10,1.5,0.1\n",
     "line 2, copayment_non_bim: '1.5'", "<= 1"),
    ("practices", "territory,name,list_size\nnorth,a b,10\n", "line 2, name: 'a b'", "letters"),
    ("practices", "territory,name,list_size\nnorth,a,10\nnorth,a,5\n", "line 3, name: 'a'", "once per territory"),
])
def test_a_wrong_row_is_one_line_naming_file_line_column_and_what_is_allowed(tmp_path, kind, text, where, allowed):
    (tmp_path / "f.csv").write_text(text, encoding="utf-8")
    data = small_data()
    data["data"] = {kind: str(tmp_path / "f.csv")}
    with pytest.raises(ScenarioError) as info:
        validate(data)
    [problem] = info.value.problems
    assert problem.path == f"data.{kind}" and where in str(problem.value) and allowed in problem.allowed, problem


def test_paths_are_relative_to_the_file_that_names_them_and_errors_exit_2(tmp_path):
    import subprocess
    import sys

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pop.csv").write_text("territory,age_band,sex,bim,persons\nzone_north,0-4,male,maybe,1\n")
    (tmp_path / "sub" / "base.toml").write_text(f'extends = "{ROOT / "scenarios" / "pilot_zone.toml"}"\n[data]\npopulation = "pop.csv"\n')
    (tmp_path / "s.toml").write_text('extends = "sub/base.toml"\n')
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(tmp_path / "s.toml")], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "data.population" in done.stderr and "pop.csv line 2, bim: 'maybe'" in done.stderr and "one of no, yes" in done.stderr
    assert AGE_BANDS[-1] == "85+"
