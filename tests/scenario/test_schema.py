"""The JSON Schema documents every parameter: default, unit, description."""

from __future__ import annotations

from simulator.scenario import Scenario


def leaf_properties(schema: dict, node: dict, path: str = ""):
    """(path, property) for every scalar field in the schema."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    for name, prop in node.get("properties", {}).items():
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if ref:
            yield from leaf_properties(schema, {"$ref": ref}, f"{path}{name}.")
        else:
            yield f"{path}{name}", prop


def test_every_scalar_parameter_has_default_unit_and_description():
    schema = Scenario.model_json_schema()
    leaves = list(leaf_properties(schema, schema))
    assert len(leaves) > 150
    for path, prop in leaves:
        assert prop.get("description"), path
        assert prop.get("unit"), path
        required = path in ("territories", "reform.bundled.episodes", "reform.p4p.indicators") or path.endswith(
            ("territories.name", "territories.region", "territories.inhabitants", "hospitals.name", "episodes.name",
             "episodes.trigger", "indicators.indicator", "indicators.target", "indicators.bonus_eur", "phases.kind", "phases.start_year",
             "interventions.name", "interventions.cost_per_unit_eur", "interventions.max_effect", "interventions.units_for_half_effect"))
        assert required or "default" in prop, path
