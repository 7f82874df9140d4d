"""The README's "Using it" block runs line by line, after `make run`, in a fresh copy of the repository.

The copy is made smaller (10,000 patients, one year, a few runs) so that the whole block runs in about a minute; the changes are listed
in REDUCE (files) and IN_COMMANDS (the block's own numbers), and nothing else differs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: file -> (old, new) text replacements in the copy
REDUCE: dict[str, list[tuple[str, str]]] = {
    "scenarios/pilot_zone.toml": [("# size = 25000 ", "size = 10000   "), ("end_year = 2035", "end_year = 2026")],
    "scenarios/belgium.toml": [("end_year = 2035", "end_year = 2026")],
    "scenarios/sweeps/shared_savings.toml": [("samples = 6 ", "samples = 3 "), ("scenarios = 6 ", "scenarios = 2 "),
                                             ('"population.size=20000"', '"population.size=10000"'), ('"run.end_year=2030"', '"run.end_year=2026"')],
    "calibration/belgium.toml": [("max_evaluations = 250", "max_evaluations = 3"),
                                 ('"population.sample_fraction=0.01"', '"population.sample_fraction=0.001"')],
}
IN_COMMANDS = [("--replications 10", "--replications 2"), ("--psa 20", "--psa 2"), ("sample_fraction=0.01", "sample_fraction=0.002")]


def using_it_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Using it"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def make_run_line() -> str:
    """The recipe of `make run` that runs simsim (the set-up before it is the venv this suite runs in)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\nrun:"):].splitlines()[1:]
    line = next(r.strip() for r in recipe if "simsim run" in r)
    return line.replace("$(VENV)", ".venv")


@pytest.fixture()
def copy(tmp_path) -> Path:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    target = tmp_path / "simsim"
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    for name, changes in REDUCE.items():
        text = (target / name).read_text(encoding="utf-8")
        for old, new in changes:
            assert old in text, (name, old)  # the README or the file changed: update REDUCE
            text = text.replace(old, new)
        (target / name).write_text(text, encoding="utf-8")
    with (target / "scenarios" / "pilot_zone.toml").open("a", encoding="utf-8") as f:
        f.write("\n[reform.reference]\nsize = 10000\n")
    (target / ".venv").symlink_to(Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv"))
    return target


def test_every_command_of_the_readme_runs(copy):
    block = using_it_block()
    for old, new in IN_COMMANDS:
        assert old in block, old
        block = block.replace(old, new)
    commands = re.sub(r"\\\n\s*", " ", block).splitlines()
    assert commands[0].startswith(". .venv/bin/activate") and len(commands) > 15
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    script = "set -e\n" + make_run_line() + "\n" + "\n".join(f"echo {shlex.quote('>>> ' + c)} $SECONDS\n{c}" for c in commands) + "\n"
    done = subprocess.run(["bash", "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    print("\n".join(line for line in done.stdout.splitlines() if line.startswith(">>> ")))
    last = [line for line in done.stdout.splitlines() if line.startswith(">>> ")][-1:]
    assert done.returncode == 0, f"failed at {last}: {done.stderr[-3000:]}"
    for made in ("runs/pilot_zone/report.html", "runs/capitation/manifest.json", "runs/pz_gp20", "runs/compare/compare.html",
                 "runs/capitation.xlsx", "runs/ss_psa/psa_summary.csv", "sweeps/shared_savings_design",
                 "runs/calibration_belgium/calibrated.toml", "scenario.schema.json"):
        assert (copy / made).exists(), made
    # the shipped calibrated set is untouched by the calibrate line
    assert (copy / "calibration/belgium/calibrated.toml").read_bytes() == (ROOT / "calibration/belgium/calibrated.toml").read_bytes()
