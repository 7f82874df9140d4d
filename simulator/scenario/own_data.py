"""A researcher's own data files, named in a scenario's `[data]` table (formats: docs/own-data.md).

- `population`: inhabitants per territory by age band, sex and BIM status, instead of the
  region's Statbel pyramid and the zone's `bim_share`;
- `tariffs`: tariffs and co-payments per nomenclature group, averaged by volume into the
  model's categories (the groups replace the unit price and co-payments of the categories they cover);
- `practices`: the GP practices of each territory with their list sizes, instead of generated ones.

Each file is read when the scenario is validated and its content written into the scenario
(territories' `structure` and `practices`, the tariffs and co-payments), so the manifest holds
everything a rerun needs. A problem is one line naming the file, the row, the column and what
is allowed, like any other scenario problem.
"""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path
from typing import Any

from simulator.categories import CATEGORIES
from simulator.scenario.inputs import read_text
from simulator.scenario.problems import Problem, ScenarioError

AGE_BANDS = tuple(f"{5 * i}-{5 * i + 4}" for i in range(17)) + ("85+",)
STRUCTURE_COLUMNS = ("male_non_bim", "male_bim", "female_non_bim", "female_bim")  # a territory's structure row, per age band
KINDS = ("population", "tariffs", "practices")
COLUMNS = {
    "population": ("territory", "age_band", "sex", "bim", "persons"),
    "tariffs": ("group", "category", "volume_share", "tariff_eur", "copayment_non_bim", "copayment_bim"),
    "practices": ("territory", "name", "list_size"),
}


def absolute_paths(data: dict[str, Any], folder: Path) -> None:
    """Make the `[data]` paths of one file absolute, relative to that file's folder (before `extends` merges)."""
    table = data.get("data")
    if isinstance(table, dict):
        for key, value in table.items():
            if key in KINDS and isinstance(value, str):
                table[key] = str((folder / value).resolve())


def apply(data: dict[str, Any]) -> dict[str, Any]:
    """The raw scenario data with the content of the files named in `[data]` written in (a copy if there are any)."""
    table = data.get("data")
    if not isinstance(table, dict) or not any(table.get(k) for k in KINDS):
        return data
    zones = data.get("territories")
    if not isinstance(zones, list) or not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in zones):
        return data  # the scenario's own validation says what is wrong with its territories
    data = copy.deepcopy(data)
    table = data["data"]
    territories = [t["name"] for t in data["territories"]]
    if table.get("population"):
        _population(data, _rows("population", table["population"]), territories)
    if table.get("tariffs"):
        _tariffs(data, _rows("tariffs", table["tariffs"]))
    if table.get("practices"):
        _practices(data, _rows("practices", table["practices"]), territories)
    return data


def _rows(kind: str, path: Any) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file with the kind's columns; lines starting with # are comments."""
    if not isinstance(path, str):
        raise ScenarioError(None, [Problem(f"data.{kind}", path, "a path to a CSV file, as text")])
    text = read_text(Path(path), "CSV file", f"data.{kind}")
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ScenarioError(None, [Problem(f"data.{kind}", path, f"a CSV file with the columns {', '.join(COLUMNS[kind])}")])
    header = next(csv.reader([lines[0][1]]))
    if [h.strip() for h in header] != list(COLUMNS[kind]):
        raise ScenarioError(None, [Problem(f"data.{kind}", f"{path} line {lines[0][0]}: {','.join(header)}",
                                           f"the header {','.join(COLUMNS[kind])}")])
    reader = csv.reader(line for _, line in lines[1:])
    return [(n, dict(zip(COLUMNS[kind], (v.strip() for v in values)))) for (n, _), values in zip(lines[1:], reader)]


def _fail(kind: str, path: str, line: int, column: str, value: Any, allowed: str) -> ScenarioError:
    return ScenarioError(None, [Problem(f"data.{kind}", f"{Path(path).name} line {line}, {column}: {value!r}", allowed)])


def _number(kind: str, path: str, line: int, row: dict[str, str], column: str, low: float, high: float | None = None) -> float:
    try:
        value = float(row[column])
    except (TypeError, ValueError):
        raise _fail(kind, path, line, column, row.get(column), "a number") from None
    if not (low <= value and (high is None or value <= high)) or value != value:
        raise _fail(kind, path, line, column, row[column], f">= {low}" + (f" and <= {high}" if high is not None else ""))
    return value


def _choice(kind: str, path: str, line: int, row: dict[str, str], column: str, allowed: list[str]) -> str:
    if row.get(column) not in allowed:
        shown = ", ".join(allowed) if len(allowed) <= 20 else ", ".join(allowed[:20]) + ", ..."
        raise _fail(kind, path, line, column, row.get(column), f"one of {shown}")
    return row[column]


def _population(data: dict[str, Any], rows: list[tuple[int, dict[str, str]]], territories: list[str]) -> None:
    path = data["data"]["population"]
    counts = {t: [[0.0] * 4 for _ in AGE_BANDS] for t in territories}
    for line, row in rows:
        zone = _choice("population", path, line, row, "territory", territories)
        band = AGE_BANDS.index(_choice("population", path, line, row, "age_band", list(AGE_BANDS)))
        sex = _choice("population", path, line, row, "sex", ["male", "female"])
        bim = _choice("population", path, line, row, "bim", ["no", "yes"])
        counts[zone][band][2 * (sex == "female") + (bim == "yes")] += _number("population", path, line, row, "persons", 0)
    for t in data["territories"]:
        table = counts[t["name"]]
        total = sum(map(sum, table))
        if total <= 0:
            raise ScenarioError(None, [Problem("data.population", f"{Path(path).name}: no one in {t['name']}",
                                               "persons for every territory of the scenario")])
        stated = t.get("inhabitants")
        if isinstance(stated, (int, float)) and abs(total - stated) > 0.01 * stated:
            raise ScenarioError(None, [Problem("data.population", f"{Path(path).name}: {total:,.0f} persons in {t['name']}",
                                               f"within 1 % of the territory's inhabitants ({stated:,})")])
        t["structure"] = table
        t["bim_share"] = sum(r[1] + r[3] for r in table) / total  # the file's share, for every figure that reads it


def _tariffs(data: dict[str, Any], rows: list[tuple[int, dict[str, str]]]) -> None:
    path = data["data"]["tariffs"]
    sums: dict[str, list[float]] = {}
    for line, row in rows:
        category = _choice("tariffs", path, line, row, "category", list(CATEGORIES))
        share = _number("tariffs", path, line, row, "volume_share", 0)
        tariff = _number("tariffs", path, line, row, "tariff_eur", 0)
        non_bim = _number("tariffs", path, line, row, "copayment_non_bim", 0, 1)
        bim = _number("tariffs", path, line, row, "copayment_bim", 0, 1)
        s = sums.setdefault(category, [0.0, 0.0, 0.0, 0.0])
        s[0] += share
        s[1] += share * tariff
        s[2] += share * tariff * non_bim
        s[3] += share * tariff * bim
    prices = data.setdefault("tariffs", {}).setdefault("unit_price", {})
    copay = data.setdefault("copayment", {})
    for category, (share, money, non_bim, bim) in sums.items():
        if share <= 0 or money <= 0:
            raise ScenarioError(None, [Problem("data.tariffs", f"{Path(path).name}: {category}",
                                               "a positive volume share and tariff for each category listed")])
        prices[category] = money / share  # the volume-weighted mean tariff of the category's groups
        copay.setdefault("non_bim", {})[category] = non_bim / money  # the co-payment share of that mean, by money
        copay.setdefault("bim", {})[category] = bim / money


def _practices(data: dict[str, Any], rows: list[tuple[int, dict[str, str]]], territories: list[str]) -> None:
    path = data["data"]["practices"]
    lists: dict[str, list[dict[str, Any]]] = {t: [] for t in territories}
    for line, row in rows:
        zone = _choice("practices", path, line, row, "territory", territories)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}", row.get("name") or ""):
            raise _fail("practices", path, line, "name", row.get("name"), "letters, digits, _ and -, at most 64")
        if any(p["name"] == row["name"] for p in lists[zone]):
            raise _fail("practices", path, line, "name", row["name"], "a name used once per territory")
        lists[zone].append({"name": row["name"], "list_size": _number("practices", path, line, row, "list_size", 1)})
    for t in data["territories"]:
        if lists[t["name"]]:
            t["practices"] = lists[t["name"]]
            t["gp_practices"] = len(lists[t["name"]])
