"""JSON Schemas of scenario, sweep and calibration files, in the form editors accept.

Draft-07, self-contained (every `$ref` inlined, so a field's default is its own, not that of
a shared definition), with `$schema` and `extends` allowed at the top. A file that extends
another may omit anything: its base provides it, and the loader checks the merged result. A
file may also be a fragment that others extend (calibrated.toml), so no top-level section is
required; inside the sections given, required fields stay required.
Every field carries its unit, the values allowed, its default, and its source with a mark
(`simulator/data/behaviour_sources.csv` for provider responses, `parameter_sources.csv` for
the rest); editors show them in the description.
"""

from __future__ import annotations

import copy
import csv
import fnmatch
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from simulator.scenario.sources import behaviour_sources

DRAFT = "http://json-schema.org/draft-07/schema#"
KINDS = ("scenario", "sweep", "calibration")
MARK_WORDS = {"V": "verified", "D": "derived", "U": "assumption", "S": "setting"}


@cache
def parameter_sources() -> tuple[tuple[str, str, str], ...]:
    """(path pattern, mark, source) of every row of parameter_sources.csv."""
    text = resources.files("simulator").joinpath("data/parameter_sources.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple((r["path"], r["mark"], r["source"]) for r in rows)


def source_of(path: str) -> dict[str, Any] | None:
    """Mark and source of a scenario parameter (list positions left out), or None if no row covers it."""
    exact = behaviour_sources().get(path)
    if exact is not None:
        return {"mark": exact["mark"], "source": exact["source"], "uncertainty_range": exact["range"]}
    best: tuple[int, str, str] | None = None
    for pattern, mark, source in parameter_sources():
        parts, given = pattern.split("."), path.split(".")
        if len(given) < len(parts) or not all(fnmatch.fnmatchcase(g, p) for g, p in zip(given, parts)):
            continue
        weight = len(pattern.replace("*", ""))
        if best is None or weight > best[0]:
            best = (weight, mark, source)
    return None if best is None else {"mark": best[1], "source": best[2]}


def editor_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind of file: scenario, sweep or calibration."""
    if kind == "scenario":
        from simulator.scenario import Scenario

        return build(Scenario, "simsim scenario", _scenario_defaults(), source_of)
    if kind == "sweep":
        from simulator.sweep.spec import SweepSpec

        return build(SweepSpec, "simsim sweep file", {}, _setting("the sweep's design, factors, outcomes and executor"))
    if kind == "calibration":
        from simulator.calibrate import CalibrationSpec

        return build(CalibrationSpec, "simsim calibration file", {}, _setting("what to fit, to which targets, with which budget"))
    raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")


def build(model: type[BaseModel], title: str, defaults: dict[str, Any], sources: Any) -> dict[str, Any]:
    """Inline the model's schema, annotate every field, and allow `$schema` and `extends`."""
    raw = model.model_json_schema()
    full = _inline(raw, raw.get("$defs", {}))
    full.pop("$defs", None)
    full.pop("title", None)
    _annotate(full, "", defaults, sources)
    full["properties"] = {
        "$schema": {"type": "string", "description": "This schema's location, for editors (ignored by simsim)"},
        "extends": {"type": "string", "description": "Another file of the same kind to start from, relative to this one; "
                    "tables merge key by key, other values replace. A file that extends may omit what its base gives."},
        **full["properties"],
    }
    full.pop("required", None)  # a fragment that others extend (calibrated.toml) gives no territories
    partial = _without_required(copy.deepcopy(full))
    return {"$schema": DRAFT, "title": title, "description": full.pop("description", title),
            "definitions": {"complete": full, "extending": partial},
            "if": {"required": ["extends"]}, "then": {"$ref": "#/definitions/extending"}, "else": {"$ref": "#/definitions/complete"}}


def write_all(folder: str | Path) -> list[Path]:
    """Write <kind>.schema.json for every kind into `folder`; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        path.write_text(to_text(editor_schema(kind)), encoding="utf-8")
        paths.append(path)
    return paths


def to_text(schema: dict[str, Any]) -> str:
    """The schema as the JSON text written to disk (stable, so a test can compare it)."""
    return json.dumps(schema, indent=1, ensure_ascii=False) + "\n"


def _setting(what: str) -> Any:
    return lambda path: {"mark": "S", "source": f"setting: {what}"}


def _scenario_defaults() -> dict[str, Any]:
    """Every default of a scenario, as dumped data (territories and other lists left out)."""
    from simulator.scenario import Scenario

    data = Scenario.model_validate({"territories": [{"name": "z", "region": "flanders", "inhabitants": 1000}]}).model_dump(mode="json")
    return {k: v for k, v in data.items() if not isinstance(v, list)}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace every `$ref` by a copy of its definition (its own keys win)."""
    if isinstance(node, list):
        return [_inline(n, defs) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        node.pop("title", None)
    if len(node.get("allOf", [])) == 1:
        node = {**_inline(node["allOf"][0], defs), **{k: v for k, v in node.items() if k != "allOf"}}
    return {k: _inline(v, defs) for k, v in node.items()}


def _objects(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a field may take (itself, its list items, or its anyOf options)."""
    options = [node, *node.get("anyOf", [])]
    found = []
    for option in options:
        if "properties" in option:
            found.append(option)
        elif isinstance(option.get("items"), dict) and "properties" in option["items"]:
            found.append(option["items"])
    return found


def _annotate(node: dict[str, Any], path: str, default: Any, sources: Any) -> None:
    """Give every property under `node` its default, the values allowed, and its source and mark."""
    for name, prop in node.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        value = default.get(name) if isinstance(default, dict) else None
        children = _objects(prop)
        for child in children:
            _annotate(child, here, value if child is prop else None, sources)
        if value is not None and not isinstance(value, dict):  # the field's own default, not its definition's
            prop["default"] = value
        allowed = _allowed(prop)
        entry = sources(here) or {}
        prop.update({"allowed": allowed, **entry})
        notes = [prop.get("description", "").rstrip(".")]
        if not children:
            notes.append(f"Default: {json.dumps(prop['default'])}" if "default" in prop else "Required")
            notes.append(f"Allowed: {allowed}")
        if entry:
            notes.append(f"Source ({entry['mark']}, {MARK_WORDS.get(entry['mark'], '')}): {entry['source']}")
        prop["description"] = ". ".join(n for n in notes if n) + "."


def _allowed(prop: dict[str, Any]) -> str:
    """The values a field takes, in words (bounds, choices, pattern)."""
    parts = []
    for option in [prop, *prop.get("anyOf", [])]:
        words = []
        for key, sign in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
            if key in option:
                words.append(f"{sign} {option[key]}")
        if "enum" in option:
            words.append("one of " + ", ".join(map(str, option["enum"])))
        if "const" in option:
            words.append(f"{option['const']}")
        if "pattern" in option:
            words.append(f"text matching {option['pattern']}")
        if words:
            parts.append(" and ".join(words))
        elif option.get("type") and option.get("type") != "null" and option is not prop:
            parts.append(f"any {option['type']}")
    if not parts and prop.get("type"):
        parts.append(f"any {prop['type']}")
    return "; or ".join(parts) or "see the description"


def _without_required(node: Any) -> Any:
    """The same schema with nothing required (a file that extends another)."""
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k not in ("required", "minItems")}
    if isinstance(node, list):
        return [_without_required(n) for n in node]
    return node
