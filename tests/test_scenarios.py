"""Every example scenario runs from `simsim run` and its summary shows the budget impact by year."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.test_cli import simsim

SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
QUICK = ["--set", "population.size=10000", "--set", "run.end_year=2027", "--set", "reform.reference.size=10000"]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_example_scenario_runs_and_shows_budget_impact_by_year(tmp_path, path):
    done = simsim("run", str(path), "--out", str(tmp_path / "run"), *QUICK)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "Budget impact, all payers" in out and "Reform arm by payment mechanism" in out
    for year in (2026, 2027):
        assert re.search(rf"^{year}\s+[-\d,.]+\s+[-\d,.]+\s+[-\d,.]+", out, re.MULTILINE), out


def test_examples_cover_every_payment_model():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCENARIOS)
    for section in ("[[reform.capitation]]", "[reform.bundled]", "[[reform.bundled.episodes]]", "[reform.shared_savings]",
                    "[[reform.p4p.indicators]]", "[reform.global_budget]", "target_conditions", "weight = 0.4"):
        assert section in text, section
