"""The README's table of example results: every shipped scenario at full size, one replication.

    python benchmarks/example_results.py              # all scenarios but belgium.toml
    python benchmarks/example_results.py bundled p4p  # some of them

Prints the Markdown table (impact, reform minus status quo, EUR M, all payers) and saves the
figures to benchmarks/results/example_results.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def impact_by_year(name: str) -> dict[str, float]:
    """All-payer impact per year and over the horizon, EUR M, and the status quo's first-year spending."""
    import simulator

    tables = simulator.run_scenario(ROOT / "scenarios" / f"{name}.toml", overrides=["run.replications=1"], report=False).tables
    impact = tables["budget_impact"].query("payer == 'all_payers'").set_index("year")
    row = {str(y): round(float(v) / 1e6, 2) for y, v in impact["impact_eur"].items()}
    row["total"] = round(float(impact["impact_eur"].sum()) / 1e6, 1)
    row["status_quo_first_year"] = round(float(impact["status_quo_eur"].iloc[0]) / 1e6, 0)
    return row


def main() -> None:
    names = sys.argv[1:] or [p.stem for p in sorted((ROOT / "scenarios").glob("*.toml")) if p.stem != "belgium"]
    rows = {}
    for name in names:
        rows[name] = impact_by_year(name)
        print(f"  {name}: {rows[name]['total']:+.1f}", file=sys.stderr, flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "example_results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print("| scenario | 2026 | 2030 | 2035 | 10-year total |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| `{name}` | {r.get('2026', 0):+.2f} | {r.get('2030', 0):+.2f} | {r.get('2035', 0):+.2f} | {r['total']:+.1f} |")


if __name__ == "__main__":
    main()
