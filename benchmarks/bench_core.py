"""Speed and memory of the monthly loop at several population sizes.

Each size runs in its own process (so peak memory is that size's alone): it builds the
population and both arms (set-up: the reference population, if the reform needs one, and the
first run's numba compilation, if its cache is cold), steps `--months` months (loop), then
builds the tables and writes them as Parquet (output). Reported: the seconds of each part,
nanoseconds per person-month-arm of the loop alone and of everything, and peak resident memory.

    python benchmarks/bench_core.py                       # 1e5, 1e6, 1e7; 12 months
    python benchmarks/bench_core.py --sizes 100000 --months 24
    python benchmarks/bench_core.py --sizes 1000000 --reform scenarios/mixed_model.toml

Each size runs `--repeat` times (once at 1e7) and the median run is reported, since
single runs on a shared 2-core machine vary by +-15 %. Results are printed as a Markdown
table and saved to benchmarks/results/core.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scenario(size: int, months: int, reform_file: str | None = None):
    """A pilot-zone-like scenario of `size` patients (three Walloon/Flemish/Brussels zones), with an optional reform."""
    from simulator.scenario import load_scenario, validate

    reform = load_scenario(reform_file).reform.model_dump() if reform_file else {}

    years = max(1, -(-months // 12))
    thirds = [size // 3, size // 3, size - 2 * (size // 3)]
    return validate({
        "run": {"start_year": 2026, "end_year": 2025 + years, "seed": 1},
        "population": {"size": size},
        "territories": [{"name": f"zone_{r}", "region": r, "inhabitants": n}
                        for r, n in zip(("wallonia", "flanders", "brussels"), thirds, strict=True)],
        "hospital_network": {"hospitals": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
        "reform": reform,
    })


def measure(size: int, months: int, reform_file: str | None = None) -> dict[str, float]:
    """Run in this process: build (incl. the reference population, if the reform needs one), step, read peak memory."""
    from simulator.experiment import Replication, replication_seed

    import tempfile

    from simulator.output import write_tables

    s = scenario(size, months, reform_file)
    started = time.perf_counter()
    run = Replication.build(s, replication_seed(s, 0))
    built = time.perf_counter()
    for step in range(months):
        run.step(step)
    stepped = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_tables(Path(folder), run.results(0))
    written = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    person_months = size * months * 2
    return {
        "patients": size,
        "months": months,
        "setup_s": round(built - started, 3),
        "step_s": round(stepped - built, 3),
        "output_s": round(written - stepped, 3),
        "ns_per_person_month_arm": round((stepped - built) / person_months * 1e9, 1),
        "ns_all_included": round((written - started) / person_months * 1e9, 1),
        "peak_memory_mib": round(peak_kib / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--reform", help="take the [reform] of this scenario file (default: fee-for-service only)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size here
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.months, args.reform)))
        return
    rows = []
    for size in args.sizes:
        runs = []
        for _ in range(args.repeat if size < 10_000_000 else 1):
            extra = ["--reform", args.reform] if args.reform else []
            done = subprocess.run([sys.executable, __file__, "--one", str(size), "--months", str(args.months), *extra],
                                  capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"  {size:>12,} patients: {runs[-1]['ns_per_person_month_arm']} ns/person-month-arm, "
                  f"{runs[-1]['peak_memory_mib']} MiB peak", file=sys.stderr, flush=True)
        median = sorted(runs, key=lambda r: r["ns_per_person_month_arm"])[len(runs) // 2]
        rows.append({**median, "runs": len(runs), "ns_range": [min(r["ns_per_person_month_arm"] for r in runs),
                                                               max(r["ns_per_person_month_arm"] for r in runs)]})
    (HERE / "results").mkdir(exist_ok=True)
    name = f"core_{Path(args.reform).stem}" if args.reform else "core"
    (HERE / "results" / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print("| patients | months | set-up (s) | loop (s) | output (s) | loop ns per person-month-arm (median; range) | all included (ns) | peak memory (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        low, high = r["ns_range"]
        print(f"| {r['patients']:,} | {r['months']} | {r['setup_s']} | {r['step_s']} | {r['output_s']} | "
              f"{r['ns_per_person_month_arm']} ({low}-{high}, {r['runs']} runs) | {r['ns_all_included']} | {r['peak_memory_mib']:,} |")


if __name__ == "__main__":
    main()
