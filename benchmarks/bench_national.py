"""Wall time and peak memory of the national scenario: 10 years, both arms, at full scale.

    python benchmarks/bench_national.py                       # 11.8 M patients, 2026-2035
    python benchmarks/bench_national.py --sample-fraction 0.1 # a 10 % sample

Runs `simsim run scenarios/belgium.toml` in a child process (tables and report written to a
temporary folder) and reads its peak resident memory from the operating system. Prints a
Markdown row and saves benchmarks/results/national.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample-fraction", type=float, default=None, help="simulate this share of the inhabitants")
    parser.add_argument("--end-year", type=int, default=2035)
    args = parser.parse_args()
    extra = ["--set", f"run.end_year={args.end_year}"]
    if args.sample_fraction:
        extra += ["--set", f"population.sample_fraction={args.sample_fraction}"]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "simulator", "run", str(ROOT / "scenarios" / "belgium.toml"), "--out",
                               str(Path(tmp) / "run"), "--quiet", *extra], capture_output=True, text=True)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(done.stderr[-2000:])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    patients = round((args.sample_fraction or 1.0) * 11_825_551)
    row = {"patients": patients, "years": args.end_year - 2025, "arms": 2, "wall_s": round(wall, 1), "peak_mib": round(peak_mib),
           "ns_per_person_month_arm": round(wall / (patients * 12 * (args.end_year - 2025) * 2) * 1e9, 1), "cores": os.cpu_count()}
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    name = "national.json" if not args.sample_fraction else f"national_{args.sample_fraction:g}.json"
    (out / name).write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print("| patients | years | wall (s) | peak memory (MiB) | ns per person-month-arm, all included |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {patients:,} | {row['years']} | {row['wall_s']} | {row['peak_mib']:,} | {row['ns_per_person_month_arm']} |")


if __name__ == "__main__":
    main()
