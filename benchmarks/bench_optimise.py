"""Build and solve times of the reinvestment allocation (Pyomo + HiGHS) at national scale.

    python benchmarks/bench_optimise.py            # 600 zones x 10 interventions x 8 segments

Prints a Markdown table and saves benchmarks/results/optimise.json.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from simulator.optimise import AllocationProblem, OptimisationError, solve_allocation


def problem(zones: int, interventions: int, segments: int, integer: bool) -> AllocationProblem:
    rng = np.random.default_rng(1)
    residents = rng.uniform(5_000, 40_000, zones)
    return AllocationProblem(
        pot=25e6, zones=tuple(f"z{t}" for t in range(zones)), residents=residents, avoidable=residents * rng.uniform(0.02, 0.05, zones),
        names=tuple(f"i{i}" for i in range(interventions)), unit_cost=rng.uniform(30_000, 90_000, interventions),
        max_effect=rng.uniform(0.02, 0.15, interventions), half_density=rng.uniform(5, 50, interventions),
        capacity_density=rng.uniform(20, 200, interventions), floor_share=0.5, integer_units=integer, segments=segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zones", type=int, default=600)
    parser.add_argument("--interventions", type=int, default=10)
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for the whole-unit MIP")
    args = parser.parse_args()
    rows = []
    # continuous at full size; whole units (a MIP) at full size with a time limit, and at a tenth of the zones
    for zones, integer in ((args.zones, False), (args.zones // 10, True), (args.zones, True)):
        try:
            solution = solve_allocation(replace(problem(zones, args.interventions, args.segments, integer), time_limit_s=args.time_limit))
        except OptimisationError as exc:
            rows.append({"zones": zones, "interventions": args.interventions, "segments": args.segments, "whole_units": integer,
                         "variables": zones * args.interventions * (args.segments + integer), "build_s": None,
                         "solve_s": args.time_limit, "status": f"no solution ({exc.family})", "gap": None, "avoided_admissions": None})
            continue
        rows.append({"zones": zones, "interventions": args.interventions, "segments": args.segments,
                     "whole_units": integer, "variables": zones * args.interventions * (args.segments + integer),
                     "build_s": round(solution.build_seconds, 2), "solve_s": round(solution.solve_seconds, 2),
                     "status": solution.status, "gap": round(solution.gap, 4), "avoided_admissions": round(solution.avoided, 1)})
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "optimise.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print("| zones | interventions | segments | whole units | variables | build (s) | solve (s) | status | gap | avoided admissions |")
    print("|---:|---:|---:|---|---:|---:|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['zones']} | {r['interventions']} | {r['segments']} | {'yes' if r['whole_units'] else 'no'} | {r['variables']:,} "
              f"| {r['build_s']} | {r['solve_s']} | {r['status']} | {r['gap']} | {r['avoided_admissions']} |")


if __name__ == "__main__":
    main()
