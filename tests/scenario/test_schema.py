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
             "interventions.name", "interventions.cost_per_unit_eur", "interventions.max_effect", "interventions.units_for_half_effect",
             "programmes.name", "programmes.territories", "convention.start", "partners.name", "partners.kind", "investments.name",
                 "uncertainties.path"))
        assert required or "default" in prop, path


def test_a_section_given_in_part_keeps_the_rest_of_its_own_default():
    """`[primary_care.emergency] base_rate = ...` must not reset the emergency process's other values to the generic ones."""
    from simulator.scenario import Scenario, validate
    from tests.conftest import small_data

    default = Scenario.model_validate(small_data())
    data = small_data()
    data["primary_care"] = {"emergency": {"base_rate": 0.1}}
    data["morbidity"] = {"conditions": {"diabetes": {"age_slope": 0.02}}}
    s = validate(data)
    assert s.primary_care.emergency.base_rate == 0.1
    assert s.primary_care.emergency.model_dump(exclude={"base_rate"}) == default.primary_care.emergency.model_dump(exclude={"base_rate"})
    assert s.primary_care.gp == default.primary_care.gp
    diabetes = s.morbidity.conditions.diabetes
    assert diabetes.age_slope == 0.02 and diabetes.min_age == default.morbidity.conditions.diabetes.min_age == 20
