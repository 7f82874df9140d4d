"""Published Belgian figures the base year is compared with (`data/targets.csv`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import pandas as pd


@dataclass(frozen=True)
class Target:
    """One published figure and where it comes from."""

    indicator: str
    target: float
    unit: str
    year: int
    source: str
    mark: str


def load_targets() -> list[Target]:
    """Targets in file order."""
    text = resources.files("simulator.data").joinpath("targets.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [Target(r["indicator"], float(r["target"]), r["unit"], int(r["year"]), r["source"], r["mark"]) for r in rows]


def base_year_fit(indicators: pd.DataFrame, arm: str = "status_quo") -> pd.DataFrame:
    """Model (mean over replications) against target for the first simulated year."""
    first = indicators["year"].min()
    sel = indicators[(indicators["arm"] == arm) & (indicators["year"] == first)
                     & (indicators["territory"] == "all") & (indicators["patient_group"] == "all")]
    model = sel.groupby("indicator")["value"].mean()
    rows = []
    for t in load_targets():
        value = float(model.get(t.indicator, float("nan")))
        rows.append({"indicator": t.indicator, "model": value, "target": t.target,
                     "relative_error": value / t.target - 1, "source": f"{t.source} {t.year} ({t.mark})"})
    return pd.DataFrame(rows)
