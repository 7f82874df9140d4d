# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Budget impact of a reform, with its interval
#
# This notebook runs the shared-savings example on a small population, reads the run folder
# back as any later session would, and plots the cumulative budget impact per payer with
# the interval over replications. Open it in Jupyter with jupytext
# (`jupytext --to notebook examples/budget_impact.py`), or run it as a script.
#
# Sign convention: the impact is reform minus status quo, so a negative figure is a saving.

# %%
from pathlib import Path
import tempfile

import matplotlib.pyplot as plt

import simulator

SCENARIO = Path("scenarios/shared_savings.toml")
if not SCENARIO.exists():  # run from examples/
    SCENARIO = Path("..") / SCENARIO
SIZE = 10_000        # simulated patients: raise it (or drop the override) for figures worth quoting
REPLICATIONS = 3     # the interval is over replications; use 10 or more for a stable band
FOLDER = Path(tempfile.mkdtemp()) / "shared_savings"

# %% [markdown]
# ## Run the scenario
# `run_scenario` returns pandas DataFrames; with `out` it also writes the run folder
# (tables as Parquet and CSV, `report.html`, `manifest.json`). A progress bar shows in a notebook.

# %%
result = simulator.run_scenario(
    SCENARIO,
    overrides=[f"population.size={SIZE}", f"run.replications={REPLICATIONS}", "run.end_year=2028"],
    out=FOLDER,
)
result

# %% [markdown]
# ## Load the run back
# `load_run` gives the same tables, scenario and manifest as the run returned.

# %%
run = simulator.load_run(FOLDER)
summary = run.budget_summary
cumulative = summary[(summary.figure == "cumulative_impact_eur") & ~summary.is_total]
cumulative.head()

# %% [markdown]
# ## Cumulative impact per payer, with the interval
# Each line is the mean over replications; the band is the central interval
# (`budget.interval`, 90 % by default). Payers with no impact are left out.

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for payer, rows in cumulative.groupby("payer", observed=True):
    if rows[["mean", "low", "high"]].abs().to_numpy().max() < 1:
        continue
    ax.plot(rows.year, rows["mean"] / 1e6, marker="o", label=payer)
    ax.fill_between(rows.year, rows["low"] / 1e6, rows["high"] / 1e6, alpha=0.2)
ax.axhline(0, color="black", linewidth=0.8)
ax.set_xlabel("year")
ax.set_ylabel("cumulative impact (EUR million; < 0 saves)")
ax.set_title(f"{run.scenario.reform.label}: {REPLICATIONS} replications, {SIZE:,} patients")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
fig.tight_layout()

# %% [markdown]
# ## Parts without double counting
# Rows with `is_total` true sum the others, so drop them before summing parts: the payers'
# impacts then add up to the `all_payers` row.

# %%
impact = run.budget_impact
parts = impact[~impact.is_total].groupby(["replication", "year"]).impact_eur.sum()
total = impact[impact.is_total].set_index(["replication", "year"]).impact_eur
assert (parts - total).abs().max() < 1e-3 * max(1.0, total.abs().max())
parts.groupby("year").mean().round(0)
