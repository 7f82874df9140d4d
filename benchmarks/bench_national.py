"""Wall time and peak memory of the national scenario: 10 years, both arms, at full scale.

    python benchmarks/bench_national.py                       # 11.8 M patients, 2026-2035
    python benchmarks/bench_national.py --sample-fraction 0.1 # a 10 % sample

Runs `simsim run scenarios/belgium.toml` in a child process (tables and report written to a
temporary folder). With `--workers 2` the run uses two cores (one process, two threads); with `--workers 1`, one. Peak memory is the
largest sum of resident memory over the process tree, sampled every 0.2 s from /proc. Prints
a Markdown row and saves benchmarks/results/national[_workers-N].json.
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


def tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, KiB (0 for those gone meanwhile)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample-fraction", type=float, default=None, help="simulate this share of the inhabitants")
    parser.add_argument("--end-year", type=int, default=2035)
    parser.add_argument("--workers", type=int, default=1, help="cores the run may use")
    args = parser.parse_args()
    extra = ["--set", f"run.end_year={args.end_year}", "--workers", str(args.workers)]
    if args.sample_fraction:
        extra += ["--set", f"population.sample_fraction={args.sample_fraction}"]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "simulator", "run", str(ROOT / "scenarios" / "belgium.toml"), "--out",
                                  str(Path(tmp) / "run"), "--quiet", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak_kib = 0
        while child.poll() is None:
            peak_kib = max(peak_kib, tree_rss_kib(child.pid))
            time.sleep(0.2)
        wall = time.perf_counter() - started
        if child.returncode != 0:
            sys.exit(child.stderr.read()[-2000:])
    peak_mib = max(peak_kib, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    patients = round((args.sample_fraction or 1.0) * 11_825_551)
    row = {"patients": patients, "years": args.end_year - 2025, "arms": 2, "workers": args.workers, "wall_s": round(wall, 1), "peak_mib": round(peak_mib),
           "ns_per_person_month_arm": round(wall / (patients * 12 * (args.end_year - 2025) * 2) * 1e9, 1), "cores": os.cpu_count()}
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    name = "national" + (f"_{args.sample_fraction:g}" if args.sample_fraction else "") + (f"_workers-{args.workers}" if args.workers > 1 else "")
    name += ".json"
    (out / name).write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print("| patients | years | workers | wall (s) | peak memory (MiB) | ns per person-month-arm, all included |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {patients:,} | {row['years']} | {args.workers} | {row['wall_s']} | {row['peak_mib']:,} | {row['ns_per_person_month_arm']} |")


if __name__ == "__main__":
    main()
