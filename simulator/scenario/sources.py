"""The sources of the behavioural parameters (`simulator/data/behaviour_sources.csv`), shown in `simsim schema` (editor_schema.py)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

from simulator.scenario.fields import Section

MARKS = ("V", "D", "U")


@cache
def behaviour_sources() -> dict[str, dict[str, Any]]:
    """Dotted path -> mark, range (low, high) and source of every behavioural parameter."""
    text = resources.files("simulator").joinpath("data/behaviour_sources.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["path"]: {"mark": r["mark"], "range": [float(r["low"]), float(r["high"])], "source": r["source"]} for r in rows}


def behavioural_paths(section: type[Section], prefix: str) -> list[str]:
    """Every numeric field below `section` (nested sections included), as dotted paths."""
    paths = []
    for name, field in section.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, Section):
            paths += behavioural_paths(kind, f"{prefix}.{name}")
        elif kind in (float, int):
            paths.append(f"{prefix}.{name}")
    return paths
