"""A corpus of bad inputs, each run through simsim as a user would meet it; outcomes counted.

Scenario values: every numeric field of the default pilot zone set to inf, nan, a boolean
and text (validated in this process, the same code the command line runs). Files and
command lines: non-UTF-8 files, `extends` to a device, a folder or a huge file, unsafe
run names, bad worker counts, damaged run and sweep folders, --overwrite on a folder simsim
did not write (each through `simsim` in a subprocess). Every input is wrong by construction;
the good outcome is exit status 2 with one line per problem, nothing else.

    .venv/bin/python benchmarks/bad_inputs.py        # writes benchmarks/results/bad_inputs.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PILOT = ROOT / "scenarios" / "pilot_zone.toml"


def numeric_paths(node, prefix=""):
    """Dotted paths of every number in the resolved scenario."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from numeric_paths(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from numeric_paths(value, f"{prefix}[{i}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield prefix


def in_process(overrides: list[str]) -> str:
    from simulator.scenario import ScenarioError, load_scenario

    try:
        load_scenario(PILOT, overrides)
    except ScenarioError as exc:
        one_line = all("\n" not in p.line(exc.file) and p.path for p in exc.problems)
        return "exit 2, one line per problem" if one_line else "exit 2, multi-line"
    except Exception as exc:  # noqa: BLE001 - what the corpus looks for
        return f"traceback ({type(exc).__name__})"
    return "accepted although wrong"


def command(args: list[str], cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if "Traceback" in done.stderr:
        return "traceback"
    if done.returncode == 0:
        return "accepted although wrong"
    lines = done.stderr.strip().splitlines()
    return "exit 2, one line per problem" if done.returncode == 2 and all(line.startswith("error: ") for line in lines) else \
        f"exit {done.returncode}, multi-line"


def file_cases(tmp: Path) -> list[tuple[str, list[str]]]:
    """(label, simsim arguments) for inputs that are files, folders or command lines."""
    cases = []
    text = PILOT.read_text(encoding="utf-8").replace('name = "pilot_zone"', 'name = "zoné"')
    for encoding in ("latin-1", "utf-16", "utf-32", "cp1252"):
        path = tmp / f"{encoding}.toml"
        path.write_bytes(text.encode(encoding))
        cases.append((f"file in {encoding}", ["validate", str(path)]))
    for target in ("/dev/zero", "/dev/null", str(tmp), "/nonexistent.toml"):
        path = tmp / f"extends{len(cases)}.toml"
        path.write_text(f'extends = "{target}"\n', encoding="utf-8")
        cases.append((f"extends {target}", ["validate", str(path)]))
    big = tmp / "big.toml"
    big.write_text("# " + "x" * (5 * 2**20) + "\n", encoding="utf-8")
    cases.append(("a 5 MiB file", ["validate", str(big)]))
    for name in ("../../victim", "/tmp/absolute", ".hidden", "a/b"):
        cases.append((f"run.name {name}", ["validate", str(PILOT), "--set", f'run.name="{name}"']))
    for workers in ("0", "-3", "x", "1000"):
        cases.append((f"--workers {workers}", ["run", str(PILOT), "--workers", workers, "--out", str(tmp / "w")]))
    mine = tmp / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("keep")
    cases.append(("--overwrite on a folder simsim did not write", ["run", str(PILOT), "--out", str(mine), "--overwrite",
                                                                   "--set", "population.size=10000", "--set", "run.end_year=2026"]))
    broken = tmp / "broken_run"
    broken.mkdir()
    (broken / "manifest.json").write_text("{}")
    (broken / "budget_impact.parquet").write_text("not parquet")
    cases.append(("report on a damaged run folder", ["report", str(broken)]))
    cases.append(("report on a missing folder", ["report", str(tmp / "none")]))
    empty = tmp / "empty_sweep"
    empty.mkdir()
    (empty / "results.parquet").write_text("x")
    cases.append(("sweep analyse without manifest", ["sweep", "analyse", str(empty)]))
    cases.append(("unknown command", ["frobnicate"]))
    cases.append(("--set without '='", ["validate", str(PILOT), "--set", "run.seed"]))
    cases.append(("--set on a missing index", ["validate", str(PILOT), "--set", "territories[9].inhabitants=5"]))
    return cases


def main() -> None:
    from simulator.scenario import load_scenario

    resolved = load_scenario(PILOT).model_dump(mode="json")
    outcomes, examples = Counter(), {}
    paths = list(numeric_paths(resolved))
    for path in paths:
        for bad in ("inf", "-inf", "nan", "true", '"12"'):
            outcome = in_process([f"{path}={bad}"])
            outcomes[outcome] += 1
            examples.setdefault(outcome, f"--set {path}={bad}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in file_cases(Path(tmp)):
            outcome = command(args, Path(tmp))
            outcomes[outcome] += 1
            examples.setdefault(outcome, label)
    total = sum(outcomes.values())
    result = {"inputs": total, "numeric_fields": len(paths), "outcomes": dict(outcomes), "example_per_outcome": examples}
    (HERE / "results" / "bad_inputs.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{total} bad inputs ({len(paths)} numeric fields x 5 values, {total - 5 * len(paths)} files and command lines):")
    for outcome, count in outcomes.most_common():
        print(f"  {count:5d}  {outcome}   e.g. {examples[outcome]}")


if __name__ == "__main__":
    main()
