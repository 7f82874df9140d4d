"""Editor schemas: in sync with the code, accepted by real validators for every shipped file, and able to refuse."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest

from simulator.scenario.editor_schema import KINDS, MARK_WORDS, editor_schema, to_text
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"


def shipped() -> list[tuple[Path, str]]:
    """Every TOML file in the repository with the kind of schema it follows."""
    files = [(p, "scenario") for p in sorted((ROOT / "scenarios").glob("*.toml"))]
    files += [(p, "sweep") for p in sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))]
    files += [(p, "calibration") for p in sorted((ROOT / "calibration").glob("*.toml"))]
    files += [(p, "scenario") for p in sorted((ROOT / "calibration").glob("*/calibrated.toml"))]
    return files


def as_json(value):
    """TOML data as an editor's validator sees it (dates as text)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def validator(kind: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_schemas_are_the_code_s(kind):
    """`simsim schema --all schemas` regenerates them; this fails when a field changes and they were not."""
    assert (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8") == to_text(editor_schema(kind)), \
        "run: simsim schema --all schemas"


def test_every_shipped_file_is_valid_for_jsonschema():
    files = shipped()
    assert len(files) >= 20 and {k for _, k in files} == set(KINDS)
    rejected = {}
    for path, kind in files:
        errors = [f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator(kind).iter_errors(as_json(tomllib.loads(path.read_text())))]
        if errors:
            rejected[str(path.relative_to(ROOT))] = errors
    assert not rejected


@pytest.mark.parametrize("text, complaint", [
    ('extends = "pilot_zone.toml"\n[run]\nnmae = "x"\n', "nmae"),                       # a typo, even when extending
    ('[[territories]]\nname = "a"\nregion = "flanders"\ninhabitants = 10\nbim_share = 1.2\n', "1.2"),
    ('[[territories]]\nname = "a"\ninhabitants = 10\n', "region"),                     # required inside a complete file
    ('[run]\nseed = "seven"\n', "seven"),
    ('extends = "pilot_zone.toml"\n[[reform.capitation]]\nweight = 2.0\n', "2.0"),
])
def test_the_schema_refuses_what_the_loader_refuses(text, complaint):
    errors = list(validator("scenario").iter_errors(as_json(tomllib.loads(text))))
    assert errors and any(complaint in e.message for e in errors), [e.message for e in errors]


def test_an_extending_file_may_omit_what_its_base_gives():
    data = tomllib.loads('"$schema" = "../schemas/scenario.schema.json"\nextends = "pilot_zone.toml"\n'
                        '[[territories]]\nname = "north"\nbim_share = 0.3\n')
    assert not list(validator("scenario").iter_errors(data))


def leaves(node: dict, path: str = ""):
    for name, prop in node.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        children = [o for o in [prop, *prop.get("anyOf", [])] if "properties" in o]
        children += [o["items"] for o in [prop, *prop.get("anyOf", [])] if isinstance(o.get("items"), dict) and "properties" in o["items"]]
        if children:
            for child in children:
                yield from leaves(child, here)
        elif name not in ("$schema", "extends"):
            yield here, prop


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_unit_allowed_values_default_and_source(kind):
    complete = editor_schema(kind)["definitions"]["complete"]
    found = list(leaves(complete))
    assert len(found) > (400 if kind == "scenario" else 5)
    for path, prop in found:
        assert prop.get("unit"), path
        assert prop.get("allowed"), path
        assert "default" in prop or "Required" in prop["description"], path
        assert prop.get("mark") in MARK_WORDS and prop.get("source", "").strip(), path
        assert f"Source ({prop['mark']}" in prop["description"], path


def test_scenario_defaults_are_per_field_not_per_shared_definition():
    conditions = editor_schema("scenario")["definitions"]["complete"]["properties"]["morbidity"]["properties"]["conditions"]["properties"]
    from simulator.scenario import validate
    from tests.conftest import small_data

    s = validate(small_data())
    assert conditions["dementia"]["properties"]["min_age"]["default"] == s.morbidity.conditions.dementia.min_age
    assert conditions["diabetes"]["properties"]["prevalence_at_50"]["default"] == s.morbidity.conditions.diabetes.prevalence_at_50


def taplo() -> str | None:
    local = ROOT / ".ci" / "tools" / "node_modules" / ".bin" / "taplo"
    return str(local) if local.exists() else shutil.which("taplo")


def test_every_shipped_file_is_valid_for_taplo_the_editors_engine():
    """Taplo is the engine of the Even Better TOML extension; .ci/run installs it from the npm registry."""
    exe = taplo()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("taplo not installed: .ci/run installs @taplo/cli into .ci/tools")
        pytest.skip("taplo not installed (npm install --prefix .ci/tools @taplo/cli)")
    for kind in KINDS:
        paths = [str(p) for p, k in shipped() if k == kind]
        done = subprocess.run([exe, "check", "--schema", (SCHEMAS / f"{kind}.schema.json").as_uri(), *paths],
                              capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, (kind, done.stderr[-2000:])
    bad = ROOT / "runs" / "bad-for-taplo.toml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text('#:schema ../schemas/scenario.schema.json\nextends = "../scenarios/pilot_zone.toml"\n[run]\nseed = "x"\n')
    try:
        done = subprocess.run([exe, "check", str(bad)], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode != 0 and "integer" in done.stderr
    finally:
        bad.unlink()
