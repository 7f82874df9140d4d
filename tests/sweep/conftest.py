"""A small base scenario and sweep files written into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = """
[run]
name = "tiny"
start_year = 2026
end_year = 2027
seed = 7

[population]
size = 10000

[[territories]]
name = "north"
region = "wallonia"
inhabitants = 12000
bim_share = 0.3
home_hospital = "h1"

[[territories]]
name = "south"
region = "flanders"
inhabitants = 8000
bim_share = 0.1
home_hospital = "h2"

[hospital_network]
name = "net"
hospitals = [{ name = "h1" }, { name = "h2" }]

[reform.shared_savings]
sharing_rate = 0.5
"""

OUTCOMES = """
[[outcomes]]
name = "impact"
of = "budget_impact"
figure = "cumulative_impact_eur"

[[outcomes]]
name = "admissions"
of = "indicator"
indicator = "admissions_per_1000"
"""


def write_sweep(folder: Path, parameters: str, design: str = "latin", samples: int = 3, replications: int = 1,
                extra: str = "") -> Path:
    """A sweep file over the tiny scenario, in `folder`."""
    (folder / "base.toml").write_text(BASE, encoding="utf-8")
    path = folder / "sweep.toml"
    path.write_text(f"""
[sweep]
name = "tiny_sweep"
scenario = "base.toml"
design = "{design}"
samples = {samples}
replications = {replications}
seed = 11
{extra}
{parameters}
{OUTCOMES}
""", encoding="utf-8")
    return path


SHARING = """
[[levers]]
path = "reform.shared_savings.sharing_rate"
low = 0.2
high = 0.8
"""


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    return write_sweep(tmp_path, SHARING)


@pytest.fixture
def make_sweep(tmp_path: Path):
    """write_sweep bound to the test's temporary folder."""
    return lambda parameters=SHARING, **kw: write_sweep(tmp_path, parameters, **kw)
