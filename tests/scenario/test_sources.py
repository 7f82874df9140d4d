"""Every behavioural default has a source, a mark and a range that holds it; `simsim schema` shows them."""

from __future__ import annotations

import json
import subprocess
import sys

from simulator.scenario.reform import Behaviour, Transition
from simulator.scenario.sources import MARKS, behaviour_sources, behavioural_paths
from tests.conftest import ROOT

#: The transition's fields that describe how providers behave (the others are the schedule).
TRANSITION_BEHAVIOUR = ("anticipation", "switching_cost_eur", "opt_in_noise_eur", "exit_rate", "expectation_memory",
                        "switching_cost_spread", "risk_aversion", "risk_aversion_spread", "peer_weight")


def defaults() -> dict[str, float]:
    out = {}
    for path in behavioural_paths(Behaviour, "reform.behaviour"):
        node = Behaviour()
        for part in path.split(".")[2:]:
            node = getattr(node, part)
        out[path] = float(node)
    out.update({f"reform.transition.{k}": float(getattr(Transition(), k)) for k in TRANSITION_BEHAVIOUR})
    return out


def test_every_behavioural_default_has_a_source_entry_whose_range_holds_it():
    sources = behaviour_sources()
    missing = sorted(set(defaults()) - set(sources))
    assert not missing, f"behavioural parameters without a source entry: {missing}"
    assert not sorted(set(sources) - set(defaults())), "source entries for no parameter"
    for path, value in defaults().items():
        entry = sources[path]
        assert entry["mark"] in MARKS and entry["source"].strip(), path
        low, high = entry["range"]
        assert low <= value <= high, (path, value, entry["range"])


def test_the_schema_shows_each_source():
    from simulator.scenario.editor_schema import editor_schema

    schema = editor_schema("scenario")["definitions"]["complete"]
    los = schema["properties"]["reform"]["properties"]["behaviour"]["properties"]["los_response"]
    assert los["mark"] == "D" and "Coulam" in los["source"] and los["uncertainty_range"] == [0.05, 0.3]
    assert "Source (D, derived): " in los["description"]
    done = subprocess.run([sys.executable, "-m", "simulator", "schema"], capture_output=True, text=True, cwd=ROOT, check=True)
    printed = json.loads(done.stdout)["definitions"]["complete"]
    pathways = printed["properties"]["reform"]["properties"]["behaviour"]["properties"]["pathways"]["properties"]
    assert pathways["continuity_avoidable"]["mark"] == "D"
