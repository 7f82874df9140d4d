"""Kill-and-resume campaign: a sweep killed with SIGKILL again and again, resumed each time.

Counts kills, runs lost, runs duplicated, orphaned processes (workers or resource trackers
still alive 3 s after their sweep was killed), and checks that the results equal those of an
uninterrupted sweep of the same file.

    .venv/bin/python benchmarks/kill_resume.py --kills 10   # writes benchmarks/results/kill_resume.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from simulator.workers import alive  # noqa: E402
from tests.sweep.conftest import SHARING, write_sweep  # noqa: E402
from tests.test_workers import children  # noqa: E402


def start(path: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(out), "--workers", "2", "--quiet"],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--runs", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_sweep(folder, SHARING, samples=args.runs)
        clean = folder / "clean"
        subprocess.run([sys.executable, "-m", "simulator", "sweep", str(path), "--out", str(clean), "--workers", "2", "--quiet"],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True)
        out, kills, orphans = folder / "killed", 0, 0
        while kills < args.kills:
            proc = start(path, out)
            time.sleep(rng.uniform(1.0, 4.0))
            pool = children(proc.pid)
            if proc.poll() is not None:
                break  # finished before the kill
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            time.sleep(3.0)
            orphans += sum(alive(pid) for pid in pool)
        final = start(path, out)
        final.wait()
        files = sorted((out / "runs").glob("run-*.parquet"))
        ids = [int(f.stem.split("-")[1]) for f in files]
        results = pd.read_parquet(out / "results.parquet")
        reference = pd.read_parquet(clean / "results.parquet")
        per_run = results.groupby("run_id").size()
        same = results.drop(columns="seconds").sort_values(["run_id", "outcome"]).reset_index(drop=True).equals(
            reference.drop(columns="seconds").sort_values(["run_id", "outcome"]).reset_index(drop=True))
        summary = {"runs": args.runs, "kills": kills, "runs_lost": args.runs - len(set(ids)),
                   "runs_duplicated": int((per_run > len(reference["outcome"].unique())).sum()) + len(ids) - len(set(ids)),
                   "orphaned_processes": orphans, "equal_to_uninterrupted": bool(same), "final_exit_status": final.returncode}
    (HERE / "results" / "kill_resume.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
