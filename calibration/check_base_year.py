"""Base year of the default parameters against published Belgian figures.

Runs a national mix (Brussels, Flanders, Wallonia weighted by their 1 January 2025
population, BIM shares giving the national 21 %) and prints model vs target, the mean
over replications. This produces the table in the README:

    .venv/bin/python calibration/check_base_year.py --size 300000 --replications 3
"""

from __future__ import annotations

import argparse

from simulator.api import run_scenario
from simulator.scenario import validate
from simulator.targets import base_year_fit

#: Statbel 1 January 2025 populations; BIM shares scaled from the 2012 regional ones (28/14/20 %)
#: to the 21 % national figure of 2025 (INAMI).
REGIONS = {"brussels": (1_255_795, 0.36), "flanders": (6_864_766, 0.18), "wallonia": (3_704_990, 0.255)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=300_000, help="simulated patients")
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = validate({
        "run": {"name": "belgium_mix", "start_year": 2026, "end_year": 2026, "replications": args.replications},
        "population": {"size": args.size},
        "territories": [{"name": r, "region": r, "inhabitants": n, "bim_share": b} for r, (n, b) in REGIONS.items()],
    })
    fit = base_year_fit(run_scenario(scenario, workers=args.workers).indicators)
    print("| indicator | model | target | model / target - 1 | source |")
    print("|---|---:|---:|---:|---|")
    for r in fit.itertuples():
        print(f"| {r.indicator} | {r.model:,.3f} | {r.target:,.3f} | {r.relative_error:+.1%} | {r.source} |")


if __name__ == "__main__":
    main()
