"""Reading a scenario: TOML, `extends`, `--set` overrides, validation, cross-references."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.scenario.own_data import absolute_paths, apply as apply_own_data
from simulator.scenario.inputs import read_toml_file
from simulator.scenario.problems import Problem, ScenarioError, from_validation_error
from simulator.scenario.schema import Scenario

MAX_PATIENTS = 12_000_000  # the schema's ceiling of population.size (Belgium: 11.8 M)
_INDEX = re.compile(r"^(?P<key>[^\[\]]+)\[(?P<index>\d+)\]$")


def read_toml(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Load a TOML file and resolve its `extends` chain (paths relative to the file)."""
    path = path.resolve()
    if path in chain:
        raise ScenarioError(path, [Problem("extends", str(path), "a file that does not extend itself (cycle)")])
    data = read_toml_file(path, "TOML file", "extends" if chain else "(file)", chain[-1] if chain else None)
    absolute_paths(data, path.parent)  # [data] files are relative to the file that names them
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(path, [Problem("extends", base, "a path to another TOML file, as text")])
    parent = read_toml(path.parent / base, chain + (path,))
    return merge(parent, data)


BY_NAME = ("programmes",)  # lists of tables that `extends` merges item by item, by `name`


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: tables merge key by key; any other value (lists too) replaces, except the lists in BY_NAME:
    an item with the name of one of the base's merges into it, an item with a new name is added."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif key in BY_NAME and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_by_name(out[key], value)
        else:
            out[key] = value
    return out


def _merge_by_name(base: list[Any], override: list[Any]) -> list[Any]:
    """Items of `override` merged into the base's items of the same name; new names appended."""
    out = list(base)
    names = [item.get("name") if isinstance(item, dict) else None for item in out]
    for item in override:
        name = item.get("name") if isinstance(item, dict) else None
        if name is not None and name in names:
            i = names.index(name)
            out[i] = merge(out[i], item)
        else:
            out.append(item)
            names.append(name)
    return out


def parse_value(text: str) -> Any:
    """A `--set` value: a TOML literal (number, boolean, string, array, inline table), else plain text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_override(data: dict[str, Any], assignment: str) -> None:
    """Apply one `a.b[0].c=value` to the raw scenario data, in place."""
    if "=" not in assignment:
        raise ScenarioError(None, [Problem("--set", assignment, "PATH=VALUE, e.g. run.seed=7 or territories[0].bim_share=0.3")])
    path, raw = assignment.split("=", 1)
    parts = [p for p in path.strip().split(".") if p]
    if not parts:
        raise ScenarioError(None, [Problem("--set", assignment, "a dotted path before '='")])
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        match = _INDEX.match(part)
        key, index = (match["key"], int(match["index"])) if match else (part, None)
        if index is not None:
            items = node.get(key) if isinstance(node, dict) else None
            if not isinstance(items, list) or index >= len(items):
                size = len(items) if isinstance(items, list) else 0
                raise ScenarioError(None, [Problem(path, raw, f"an index below {size} for '{key}'")])
            if last:
                items[index] = parse_value(raw)
                return
            node = items[index]
            continue
        if last:
            node[key] = parse_value(raw)
            return
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ScenarioError(None, [Problem(path, raw, f"a path through tables; '{key}' is a value")])
        node = child


def validate(data: dict[str, Any], file: str | Path | None = None) -> Scenario:
    """Validate raw data into a frozen Scenario, or raise ScenarioError listing every problem.

    Own data files named in `[data]` are read first and written into `data` (own_data.py).
    """
    try:
        data = apply_own_data(data)
    except ScenarioError as exc:
        raise ScenarioError(file, exc.problems) from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(file, from_validation_error(exc, Scenario)) from None
    problems = cross_references(scenario)
    if problems:
        raise ScenarioError(file, problems)
    return scenario


def cross_references(scenario: Scenario) -> list[Problem]:
    """Checks that span sections: unique names, hospitals that exist."""
    problems: list[Problem] = []
    several = bool(scenario.hospital_networks)
    hospitals = [h.name for n in scenario.networks for h in n.hospitals]
    where = [f"hospital_networks[{j}].hospitals[{i}].name" if several else f"hospital_network.hospitals[{i}].name"
             for j, n in enumerate(scenario.networks) for i in range(len(n.hospitals))]
    for i, name in enumerate(hospitals):
        if name in hospitals[:i]:
            problems.append(Problem(where[i], name, "a name not used by another hospital"))
    networks = [n.name for n in scenario.networks]
    for j, name in enumerate(networks):
        if name in networks[:j]:
            problems.append(Problem(f"hospital_networks[{j}].name", name, "a name not used by another network"))
    names = [t.name for t in scenario.territories]
    for i, t in enumerate(scenario.territories):
        if t.name in names[:i]:
            problems.append(Problem(f"territories[{i}].name", t.name, "a name not used by another territory"))
        if t.home_hospital is not None and t.home_hospital not in hospitals:
            shown = ", ".join(hospitals[:20]) + (", ..." if len(hospitals) > 20 else "")
            problems.append(Problem(f"territories[{i}].home_hospital", t.home_hospital, "one of " + shown))
        if several and t.home_hospital is None:
            problems.append(Problem(f"territories[{i}].home_hospital", None, "a hospital name: with several networks, a zone's home hospital says its network"))
    problems += _reform_references(scenario, names)
    problems += _uncertainty_paths(scenario)
    if scenario.population.size is not None and scenario.population.sample_fraction is not None:
        problems.append(Problem("population.sample_fraction", scenario.population.sample_fraction, "either size or sample_fraction, not both"))
    elif scenario.population.sample_fraction is not None and scenario.simulated_size < 10_000:
        problems.append(Problem("population.sample_fraction", scenario.population.sample_fraction,
                                f">= {10_000 / scenario.inhabitants:.3g} (at least 10,000 simulated patients)"))
    if scenario.population.size is None and scenario.population.sample_fraction is None and scenario.inhabitants > MAX_PATIENTS:
        problems.append(Problem("population.size", None, f"a simulated size of at most {MAX_PATIENTS:,} patients: the zones have "
                                f"{scenario.inhabitants:,} inhabitants (set population.size or population.sample_fraction)"))
    if scenario.population.size is not None and scenario.population.size > scenario.inhabitants:
        problems.append(
            Problem("population.size", scenario.population.size, f"<= the inhabitants of all territories ({scenario.inhabitants})")
        )
    return problems


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, merge, override and validate a scenario file."""
    path = Path(path)
    return resolve(read_toml(path), overrides, path)


def resolve(data: dict[str, Any], overrides: list[str] | tuple[str, ...] = (), file: str | Path | None = None) -> Scenario:
    """Validate raw scenario data with `--set` overrides applied to a copy of it."""
    import copy

    data = copy.deepcopy(data)
    for assignment in overrides:
        try:
            apply_override(data, assignment)
        except ScenarioError as exc:
            raise ScenarioError(file, exc.problems) from None
    return validate(data, file)


def _reform_references(scenario: Scenario, zones: list[str]) -> list[Problem]:
    """Zones named by rules exist; blend weights per provider kind and category add up to at most 1."""
    from simulator.categories import CATEGORY_PROVIDER_KIND, TEAM_SCOPE

    reform, problems = scenario.reform, []
    named = [(f"reform.capitation[{i}].territories", r.territories) for i, r in enumerate(reform.capitation)]
    if reform.shared_savings:
        named.append(("reform.shared_savings.territories", reform.shared_savings.territories))
    named.append(("reform.coordination.territories", reform.coordination.territories))
    if reform.municipal_copayment:
        named.append(("reform.municipal_copayment.territories", reform.municipal_copayment.territories))
    seen: dict[str, str] = {}
    for i, programme in enumerate(scenario.programmes):
        named.append((f"programmes[{i}].territories", programme.territories))
        for j, zone in enumerate(programme.territories):
            if zone in seen:
                problems.append(Problem(f"programmes[{i}].territories[{j}]", zone, f"a zone in no other programme (it is in {seen[zone]})"))
            seen.setdefault(zone, programme.name)
        if programme.budget_guarantee and programme.budget_guarantee.basis == "episodes" and not reform.bundled:
            problems.append(Problem(f"programmes[{i}].budget_guarantee.basis", "episodes",
                                    "target_group or zone, or episodes with [reform.bundled] episodes to count"))
    names = [p.name for p in scenario.programmes]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(Problem(f"programmes[{i}].name", name, "a name not used by another programme"))
    for path, listed in named:
        for j, zone in enumerate(listed):
            if zone not in zones:
                problems.append(Problem(f"{path}[{j}]", zone, "one of " + ", ".join(zones)))
    for zone in reform.transition.territory_delay:
        if zone not in zones:
            problems.append(Problem("reform.transition.territory_delay", zone, "one of " + ", ".join(zones)))
    weights: dict[tuple[str, str], float] = {}
    for rule in (r for r in reform.capitation if not r.add_on):  # add-ons leave fee-for-service whole
        for c in rule.scope:
            weights[rule.provider_kind, c] = weights.get((rule.provider_kind, c), 0.0) + rule.weight
    if reform.global_budget:
        for c in reform.global_budget.scope:
            weights["hospital", c] = weights.get(("hospital", c), 0.0) + reform.global_budget.weight
    for (kind, category), total in weights.items():
        if total > 1 + 1e-9:
            problems.append(Problem("reform", f"{kind}/{category}: {total:g}", "blend weights adding up to at most 1 per provider kind and category"))
        if CATEGORY_PROVIDER_KIND[category] != kind and category not in TEAM_SCOPE.get(kind, ()):
            problems.append(Problem("reform", f"{kind}/{category}", f"scopes billed by the rule's provider kind ({category} is billed by "
                                    f"{CATEGORY_PROVIDER_KIND[category]}), or a team's ({'; '.join(f'{k}: ' + ', '.join(v) for k, v in TEAM_SCOPE.items())})"))
    return problems


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path (`a.b[0].c`) of dumped scenario data; KeyError if there is none."""
    node = data
    for part in path.split("."):
        match = _INDEX.match(part)
        key, index = (match["key"], int(match["index"])) if match else (part, None)
        if not isinstance(node, dict) or key not in node:
            raise KeyError(path)
        node = node[key]
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                raise KeyError(path)
            node = node[index]
    return node


def _uncertainty_paths(scenario: Scenario) -> list[Problem]:
    """Every uncertainty names a value of the scenario, once."""
    if not scenario.uncertainties:
        return []
    data = scenario.model_dump(mode="json")
    problems = []
    seen: list[str] = []
    for i, u in enumerate(scenario.uncertainties):
        try:
            value = value_at(data, u.path)
        except KeyError:
            problems.append(Problem(f"uncertainties[{i}].path", u.path, "a dotted path to a value of the scenario, as with --set "
                                    "(e.g. reform.behaviour.coding_drift)"))
            continue
        if isinstance(value, (dict, list)):
            problems.append(Problem(f"uncertainties[{i}].path", u.path, "a path to one value, not a table or list"))
        if u.path in seen:
            problems.append(Problem(f"uncertainties[{i}].path", u.path, "a path not listed by another uncertainty"))
        seen.append(u.path)
    return problems
