"""Sweep throughput with 1 and 2 local worker processes, and the scaling efficiency.

    python benchmarks/bench_sweep.py              # 12 runs of the shared-savings example at 20,000 people x 5 years

Each setting runs `--repeats` times, alternating; the best wall time counts. Efficiency =
throughput(2 workers) / (2 x throughput(1 worker)). Prints a Markdown table and
saves benchmarks/results/sweep.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SWEEP = """
[sweep]
name = "bench"
scenario = "{base}"
set = ["population.size={size}", "run.end_year={end}"]
design = "latin"
samples = {runs}
seed = 1

[[levers]]
path = "reform.shared_savings.sharing_rate"
low = 0.3
high = 0.7

[[outcomes]]
name = "impact"
of = "budget_impact"
"""


def main() -> None:
    from simulator.sweep import run_sweep

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--end-year", type=int, default=2030)
    parser.add_argument("--repeats", type=int, default=2, help="best of this many sweeps per setting")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(SWEEP.format(base=ROOT / "scenarios" / "shared_savings.toml", size=args.size, end=args.end_year, runs=args.runs))
        best = {1: float("inf"), 2: float("inf")}
        for repeat in range(args.repeats):  # alternate, so that neither setting gets the warm caches alone
            for workers in (1, 2):
                started = time.perf_counter()
                result = run_sweep(path, Path(tmp) / f"w{workers}-{repeat}", workers=workers)
                best[workers] = min(best[workers], time.perf_counter() - started)
                assert result.succeeded == args.runs
        for workers, seconds in best.items():
            rows.append({"workers": workers, "runs": args.runs, "seconds": round(seconds, 1), "runs_per_minute": round(60 * args.runs / seconds, 2)})
    efficiency = rows[1]["runs_per_minute"] / (2 * rows[0]["runs_per_minute"])
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "sweep.json").write_text(json.dumps({"rows": rows, "efficiency": round(efficiency, 3), "size": args.size,
                                                "years": args.end_year - 2025}, indent=2) + "\n", encoding="utf-8")
    print(f"Sweep of {args.runs} runs ({args.size:,} people, {args.end_year - 2025} years, both arms)")
    print("| workers | wall (s) | runs per minute |")
    print("|---:|---:|---:|")
    for r in rows:
        print(f"| {r['workers']} | {r['seconds']} | {r['runs_per_minute']} |")
    print(f"\nScaling efficiency with 2 workers: {efficiency:.0%}")


if __name__ == "__main__":
    main()
